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
