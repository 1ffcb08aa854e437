// Readable names for alliances ATOP codes only by members and year ("USA-LBR 1959"): the
// members' names, the kind of pact (ATOP's obligations) and the year, keeping ATOP's code in
// parentheses so the record can be found. Curated names (us_commitments) come first.

const CODED = /^([A-Z]{3})-([A-Z]{3}) (\d{4})$/;

/**
 * The name to show for an alliance: the curated one where there is one, else ATOP's when it is
 * already words, else one made from ATOP's code: "U.S.-Liberia defense pact (1959; ATOP USA-LBR 1959)".
 */
export function readableAllianceName(
  alliance: { atopid: number; name: string; defensePact?: boolean },
  curated: ReadonlyMap<number, string>,
  countryName: (iso3: string) => string | undefined,
): string {
  const named = curated.get(alliance.atopid);
  if (named) return named;
  const m = CODED.exec(alliance.name);
  if (!m) return alliance.name;
  const who = (iso: string) => (iso === 'USA' ? 'U.S.' : countryName(iso) ?? iso);
  const kind = alliance.defensePact === undefined ? 'alliance' : alliance.defensePact ? 'defense pact' : 'agreement';
  return `${who(m[1])}-${who(m[2])} ${kind} (${m[3]}; ATOP ${alliance.name})`;
}
