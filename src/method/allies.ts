// Users name an ally by ISO code or by name ("JPN", "japan", "South Korea", "UK", "Türkiye").
import type { Ally } from '../evidence/load.ts';

// Common names that differ from the registry's short names.
const ALIASES: Record<string, string> = {
  uk: 'GBR', britain: 'GBR', 'great britain': 'GBR', england: 'GBR',
  korea: 'KOR', 'republic of korea': 'KOR', rok: 'KOR',
  turkiye: 'TUR', 'czech republic': 'CZE', macedonia: 'MKD', holland: 'NLD',
  'republic of china': 'TWN', roc: 'TWN', 'chinese taipei': 'TWN',
};

function simplify(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The covered ally a user means, or an error listing what was accepted. */
export function findAlly(allies: readonly Ally[], query: string): Ally {
  const q = query.trim();
  const byIso = allies.find((a) => a.iso3 === q.toUpperCase());
  if (byIso) return byIso;
  const s = simplify(q);
  const alias = ALIASES[s];
  const exact = allies.find((a) => simplify(a.name) === s || a.iso3 === alias);
  if (exact) return exact;
  const partial = allies.filter((a) => simplify(a.name).startsWith(s) || simplify(a.name).split(' ').includes(s));
  if (partial.length === 1) return partial[0];
  const hint = partial.length > 1
    ? `"${query}" matches ${partial.map((a) => `${a.name} (${a.iso3})`).join(', ')}; be more specific`
    : `"${query}" is not a covered ally; use an ISO code or a name from: ${allies.map((a) => a.iso3).join(' ')}`;
  throw new Error(hint);
}
