// Numbers and short phrases as every format of the report prints them: the same rounding, a
// real minus sign, and "missing" (never 0) where there is no value.
import type { SourcedValue } from '../analyses/sourced.ts';
import type { AllyLedger, LedgerLine } from '../method/index.ts';
import { formatNumber } from '../method/present.ts';
import type { PairedAlly, RobustnessDiff } from '../scenarios/index.ts';
import type { AllyChapter, RankingEntry } from './model.ts';

export { formatNumber };

export function signed(x: number | null, digits = 1): string {
  if (x === null || !Number.isFinite(x)) return '–';
  const r = Math.abs(x).toFixed(digits);
  return Number(r) === 0 ? r : `${x > 0 ? '+' : '−'}${r}`;
}

export function points(x: number | null, digits = 1): string {
  return x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits).replace('-', '−');
}

export function pct(share: number | null, digits = 0): string {
  return share === null || !Number.isFinite(share) ? '–' : `${(share * 100).toFixed(digits)}%`;
}

export function ratioText(x: number | null): string {
  return x === null ? 'missing' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** The value of a ledger line with what qualifies it: its year when older, estimate, judgment. */
export function lineValue(line: LedgerLine, year: number): string {
  if (line.missing) return line.imputed ? 'missing (score imputed)' : 'missing';
  const q: string[] = [];
  if (line.flags.includes('stale')) {
    const years = line.observations.filter((o) => o.value !== null && o.year < year).map((o) => o.year);
    q.push(`as of ${years.length ? Math.max(...years) : 'earlier'}`);
  }
  if (line.flags.includes('estimate')) q.push('estimate');
  if (line.flags.includes('imputed')) q.push('partly imputed');
  // What stood in for a missing part (LedgerLine.stoodIn): said, not hidden.
  for (const n of line.stoodIn ?? []) q.push(n);
  return `${formatNumber(line.raw)} ${line.unit}${q.length ? ` (${q.join(', ')})` : ''}`;
}

/** Why a line is missing and what the ledger did about it. */
export function missingNote(line: LedgerLine): string {
  return `${line.reason ?? 'no data'}; ${line.imputed ? `score imputed (${points(line.score)})` : 'excluded, the side\'s other weights renormalized'}`;
}

export function rankText(ledger: AllyLedger, rankedCount: number): string {
  return ledger.rank !== null ? `rank ${ledger.rank} of ${rankedCount}` : 'not ranked (coverage below the methodology\'s minimum)';
}

export function sourcedText(v: SourcedValue | null, digits = 3): string {
  if (!v) return 'missing';
  const value = v.unit === 'share' ? pct(v.value) : formatNumber(v.value, digits);
  return `${value}${v.flags.includes('estimate') ? ' (est.)' : ''} [${v.year}]`;
}

export function regionName(region: string | null): string {
  return region === null ? 'no region' : region === 'middle-east' ? 'Middle East' : region.charAt(0).toUpperCase() + region.slice(1);
}

/** The chapter's one-line standing: region, commitment, tier, rank, net and its robustness. */
export function standing(c: AllyChapter): string[] {
  const out = [regionName(c.region), `${c.commitment.kind} (${c.commitment.basis})`];
  if (c.tier) out.push(`cluster ${c.tier.tier} of ${c.tier.of}`);
  out.push(rankText(c.ledger, c.rankedCount));
  return out;
}

export function robustnessText(c: AllyChapter, interval: number): string {
  const r = c.robustness;
  if (!r) return 'Not ranked, so not drawn in the robustness runs.';
  return `Under the robustness draws the net lies between ${signed(r.low)} and ${signed(r.high)} (${Math.round(interval * 100)}% interval) and is above zero in ${pct(r.pNetPositive)} of draws; the rank lies between ${r.rankInterval[0]} and ${r.rankInterval[1]} (modal ${r.modalRank}), and is exactly ${c.ledger.rank} in ${pct(r.pSameRank)} of draws.`;
}

export function intervalText(r: RankingEntry): string {
  return r.netLow === null || r.netHigh === null ? '–' : `${signed(r.netLow)} to ${signed(r.netHigh)}`;
}

/** What a scenario's robustness draws were, in a sentence. */
export function robustCaption(rb: RobustnessDiff): string {
  const what = ['the weights', rb.data ? 'the data within their ranges' : null, rb.judgments ? 'the judgments within theirs' : null].filter(Boolean).join(', ');
  return `${rb.draws.toLocaleString('en-US')} robustness draws (seed ${rb.seed}) of ${what}, with the same seed for the baseline and the scenario; ${Math.round(rb.interval * 100)}% rank intervals. "P(scenario's rank or better)" is the share of draws in which the ally holds the rank the scenario gives it, or a better one.`;
}

/** What the paired table of a scenario shows, in a sentence. */
export function pairedCaption(rb: RobustnessDiff): string {
  return `Draw by draw: the same ${rb.draws.toLocaleString('en-US')} draws with and without the scenario, for the allies whose own values changed, or else those that moved most; ${Math.round(rb.interval * 100)}% intervals.`;
}

/** A paired ally's cells: net rises, net change, rank improves / holds / worsens, places gained. */
export function pairedCells(p: PairedAlly): string[] {
  const span = (v: { median: number; low: number; high: number }, digits: number) => `${signed(v.median, digits)} (${signed(v.low, digits)} to ${signed(v.high, digits)})`;
  return [pct(p.pNetUp), span(p.netChange, 2), `${pct(p.pRankUp)} / ${pct(p.pRankSame)} / ${pct(p.pRankDown)}`, span(p.rankChange, 0)];
}
