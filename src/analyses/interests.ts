// Interests and compromises: the comparative study's first two questions (which U.S.
// interests an alliance serves, and what the U.S. accepted in return), answered from the
// balance sheet. Every asset line item of the methodology is mapped to the U.S. interests it
// serves and every liability line item to the compromise it represents, in a reviewable file
// (methods/interests.yaml) with a rationale and citations per mapping. For an ally, each
// interest is then weighed by the points its asset lines add to the ledger, and each
// compromise by the points its liability lines take away.
import { z } from 'zod';
import type { AllyLedger, LedgerLine } from '../method/ledger.ts';
import type { Methodology } from '../method/methodology.ts';
import { parseLocatedYaml } from '../method/yaml.ts';
import type { LocatedYaml } from '../method/yaml.ts';

const Id = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const ItemId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a line-item id of the methodology (snake_case)');
const Iso3 = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 3166 code such as JPN');
const Citation = z.object({ source: z.string().min(1), locator: z.string().min(1) }).strict();

/** The placeholder an asset may serve: expanded per ally into the rivals it helps deter. */
export const DETERRENCE = 'deterrence';

export const InterestMap = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  methodology: z.string().min(1).describe('id of the methodology whose line items are mapped'),
  interests: z.record(Id, z.object({ label: z.string().min(1), description: z.string().min(10) }).strict()),
  compromises: z.record(Id, z.object({ label: z.string().min(1), description: z.string().min(10) }).strict()),
  deterrence: z.object({
    rationale: z.string().min(10),
    by_region: z.record(z.string(), z.array(Id)),
    overrides: z.record(Iso3, z.object({ interests: z.array(Id), rationale: z.string().min(10) }).strict()).default({}),
  }).strict(),
  assets: z.array(z.object({
    item: ItemId,
    serves: z.array(Id).min(1),
    rationale: z.string().min(10),
    citations: z.array(Citation).min(1),
  }).strict()),
  liabilities: z.array(z.object({
    item: ItemId,
    compromise: Id,
    rationale: z.string().min(10),
    citations: z.array(Citation).min(1),
  }).strict()),
}).strict();
export type InterestMap = z.infer<typeof InterestMap>;

const HINT = 'Fix methods/interests.yaml (schema: src/analyses/interests.ts).';

/** Parse and check the file on its own: ids it uses are defined, sources are registered. */
export function parseInterestMap(file: string, text: string, knownSources?: ReadonlySet<string>): InterestMap {
  const located = parseLocatedYaml(file, text, InterestMap, HINT);
  checkReferences(located, knownSources);
  return located.data;
}

function checkReferences(located: LocatedYaml<InterestMap>, knownSources?: ReadonlySet<string>): void {
  const m = located.data;
  const interests = new Set([...Object.keys(m.interests), DETERRENCE]);
  const fail = (p: (string | number)[], problem: string, hint = HINT) => {
    throw located.error(p, problem, hint);
  };
  for (const [region, list] of Object.entries(m.deterrence.by_region)) {
    list.forEach((id, i) => { if (!m.interests[id]) fail(['deterrence', 'by_region', region, i], `"${id}" is not an interest defined under interests`); });
  }
  for (const [iso, o] of Object.entries(m.deterrence.overrides)) {
    o.interests.forEach((id, i) => { if (!m.interests[id]) fail(['deterrence', 'overrides', iso, 'interests', i], `"${id}" is not an interest defined under interests`); });
  }
  m.assets.forEach((a, i) => a.serves.forEach((id, j) => { if (!interests.has(id)) fail(['assets', i, 'serves', j], `"${id}" is not an interest defined under interests (or "${DETERRENCE}")`); }));
  m.liabilities.forEach((l, i) => { if (!m.compromises[l.compromise]) fail(['liabilities', i, 'compromise'], `"${l.compromise}" is not a compromise defined under compromises`); });
  const seen = new Set<string>();
  [...m.assets.map((a, i) => ['assets', i, a.item] as const), ...m.liabilities.map((l, i) => ['liabilities', i, l.item] as const)].forEach(([side, i, item]) => {
    if (seen.has(item)) fail([side, i, 'item'], `line item "${item}" is mapped twice`);
    seen.add(item);
  });
  if (knownSources) {
    [...m.assets.map((a, i) => ['assets', i, a.citations] as const), ...m.liabilities.map((l, i) => ['liabilities', i, l.citations] as const)].forEach(([side, i, cites]) => {
      cites.forEach((c, j) => { if (!knownSources.has(c.source)) fail([side, i, 'citations', j, 'source'], `unknown source "${c.source}"`, 'Use an id from curated/sources.yaml or curated/sources/*.yaml.'); });
    });
  }
}

/**
 * Hold the map against the methodology it names: every asset item is mapped to interests and
 * every liability item to a compromise, with nothing left over. Problems name the item.
 */
export function checkInterestMap(map: InterestMap, methodology: Pick<Methodology, 'methodology' | 'items'>, file = 'methods/interests.yaml'): InterestMap {
  const problems: string[] = [];
  if (map.methodology !== methodology.methodology) problems.push(`it maps methodology "${map.methodology}", the ledger uses "${methodology.methodology}"`);
  const sides = new Map(methodology.items.map((i) => [i.id, i.side]));
  for (const a of map.assets) if (sides.get(a.item) !== 'asset') problems.push(`assets: "${a.item}" is not an asset line item of ${methodology.methodology}`);
  for (const l of map.liabilities) if (sides.get(l.item) !== 'liability') problems.push(`liabilities: "${l.item}" is not a liability line item of ${methodology.methodology}`);
  const mapped = new Set([...map.assets.map((a) => a.item), ...map.liabilities.map((l) => l.item)]);
  for (const item of methodology.items) if (!mapped.has(item.id)) problems.push(`line item "${item.id}" (${item.side}) is not mapped`);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}. Map every line item of the methodology exactly once.`);
  return map;
}

/** The interests an ally's capabilities help deter: its region's rivals, or an override. */
export function deterrenceInterests(map: InterestMap, ally: string, region: string | null): { interests: string[]; rationale: string } {
  const override = map.deterrence.overrides[ally];
  if (override) return { interests: override.interests, rationale: override.rationale };
  return { interests: map.deterrence.by_region[region ?? ''] ?? [], rationale: map.deterrence.rationale };
}

export interface LineContribution {
  item: string;
  label: string;
  /** Points the line adds to its side of the ledger (null: excluded as missing). */
  points: number | null;
  score: number | null;
  raw: number | null;
  unit: string;
  sources: string[];
}

export interface InterestServed {
  interest: string;
  label: string;
  /** Sum of the lines' points; null when every line behind it is missing for the ally. */
  points: number | null;
  lines: LineContribution[];
}

export interface CompromiseAccepted {
  compromise: string;
  label: string;
  /** Sum of the lines' points; null when every line behind it is missing for the ally. */
  points: number | null;
  lines: (LineContribution & { rationale: string })[];
}

export interface InterestProfile {
  ally: string;
  name: string;
  year: number;
  deterrence: { interests: string[]; rationale: string };
  interests: InterestServed[];
  compromises: CompromiseAccepted[];
  /** Lines whose data are missing for this ally: the answer does not cover them. */
  missing: string[];
}

function contribution(line: LedgerLine): LineContribution {
  return { item: line.item, label: line.label, points: line.contribution, score: line.score, raw: line.raw, unit: line.unit, sources: line.sources };
}

/**
 * Which U.S. interests the ally serves, and what the U.S. accepts, weighed by the ledger.
 * An asset line serving several interests counts fully toward each: the interests overlap
 * (the same troops deter China and North Korea), so their points are not shares of a total.
 */
export function interestProfile(map: InterestMap, ledger: AllyLedger): InterestProfile {
  const deterrence = deterrenceInterests(map, ledger.ally, ledger.region);
  const lines = new Map(ledger.lines.map((l) => [l.item, l]));
  const served = new Map<string, InterestServed>();
  for (const a of map.assets) {
    const line = lines.get(a.item);
    if (!line) continue;
    const targets = a.serves.flatMap((s) => (s === DETERRENCE ? deterrence.interests : [s]));
    for (const interest of [...new Set(targets)]) {
      const entry: InterestServed = served.get(interest) ?? { interest, label: map.interests[interest].label, points: null, lines: [] };
      if (line.contribution !== null) entry.points = (entry.points ?? 0) + line.contribution;
      entry.lines.push(contribution(line));
      served.set(interest, entry);
    }
  }
  const accepted = new Map<string, CompromiseAccepted>();
  for (const l of map.liabilities) {
    const line = lines.get(l.item);
    if (!line) continue;
    const entry: CompromiseAccepted = accepted.get(l.compromise) ?? { compromise: l.compromise, label: map.compromises[l.compromise].label, points: null, lines: [] };
    if (line.contribution !== null) entry.points = (entry.points ?? 0) + line.contribution;
    entry.lines.push({ ...contribution(line), rationale: l.rationale });
    accepted.set(l.compromise, entry);
  }
  // Missing (null) after every observed value, however small.
  const byPoints = <T extends { points: number | null }>(xs: Iterable<T>, key: (x: T) => string) =>
    [...xs].sort((a, b) => (b.points ?? -Infinity) - (a.points ?? -Infinity) || key(a).localeCompare(key(b)));
  return {
    ally: ledger.ally,
    name: ledger.name,
    year: ledger.year,
    deterrence,
    interests: byPoints(served.values(), (x) => x.interest),
    compromises: byPoints(accepted.values(), (x) => x.compromise),
    missing: ledger.lines.filter((l) => l.missing).map((l) => l.item),
  };
}
