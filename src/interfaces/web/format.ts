// Numbers as the dashboard shows them: grouped thousands, three significant digits, a real
// minus sign, and "missing" (never 0) where there is no value.

const LARGE: [number, string][] = [[1e12, 'trillion'], [1e9, 'billion'], [1e6, 'million']];

export function formatValue(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'missing';
  const a = Math.abs(x);
  const large = LARGE.find(([size]) => a >= size);
  const text = large ? `${Number((a / large[0]).toPrecision(digits))} ${large[1]}`
    : a >= 1000 ? Math.round(a).toLocaleString('en-US')
      : a === 0 ? '0' : String(Number(a.toPrecision(digits)));
  return x < 0 ? `−${text}` : text;
}

export function formatSigned(x: number | null | undefined, decimals = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(decimals)}`;
}

export function formatScore(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(0);
}

export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share) ? '–' : `${Math.round(share * 100)}%`;
}

export function formatRatio(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2);
}

/** Points of the net, signed: +9.1, −12.5, ±0.0 when it rounds to zero. */
export function formatPoints(x: number | null | undefined, decimals = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const r = Number(x.toFixed(decimals));
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r).toFixed(decimals)}`;
}

/** Unit words that take the singular after a value of exactly 1 ("1 ally tied", "1 site"). */
const SINGULAR: Readonly<Record<string, string>> = { allies: 'ally', sites: 'site', years: 'year', exercises: 'exercise', persons: 'person', points: 'point', ties: 'tie', items: 'item', sources: 'source' };

/**
 * A value with its unit as a sentence reads it: a coded unit ("1 = asymmetric, 0 = mutual or
 * no pledge") gives the code's meaning ("asymmetric (1)"), not "1 1 = asymmetric"; a count of
 * exactly one takes the singular ("1 ally tied", not "1 allies tied").
 */
export function formatValueUnit(x: number | null | undefined, unit: string, digits = 3): string {
  const value = formatValue(x, digits);
  if (x === null || x === undefined || !Number.isFinite(x)) return value;
  const codes = [...unit.matchAll(/(?:^|,\s*)(-?\d+(?:\.\d+)?) = ([^,]+)/g)];
  if (codes.length && codes.map((m) => m[0]).join('').replace(/^,\s*/, '').length >= unit.replace(/\s+/g, ' ').trim().length - 2) {
    const meaning = codes.find((m) => Number(m[1]) === x);
    return meaning ? `${meaning[2].trim()} (${value})` : `${value} (${unit})`;
  }
  const yesNo = /\((\d) yes, (\d) no\)/.exec(unit);
  if (yesNo && (x === Number(yesNo[1]) || x === Number(yesNo[2]))) return x === Number(yesNo[1]) ? 'yes' : 'no';
  if (!unit) return value;
  if (value === '1') {
    const words = unit.split(' ');
    const i = words.slice(0, 2).findIndex((w) => w in SINGULAR);
    if (i >= 0) words[i] = SINGULAR[words[i]];
    return `${value} ${words.join(' ')}`;
  }
  return `${value} ${unit}`;
}
