// `allies explain` and `allies methodology` on the shipped evidence ($ALLIES_EVIDENCE, else
// evidence/) and the default methodology: Japan's rank and net as the ledger computes them,
// the lines that set it apart from the median ally adding up to the gap, what a point of
// each heading is worth, and every line of the methodology in words. Nothing here depends on
// particular line-item ids: the methodology is read, not assumed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { run } from '../../src/interfaces/cli/main.ts';
import type { MethodologyLine, WhyThisRank } from '../../src/method/explain.ts';
import { loadLedgerInputs } from '../../src/method/files.ts';
import type { LedgerInputs } from '../../src/method/files.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';
import type { YearLedger } from '../../src/method/ledger.ts';

const EVIDENCE = process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
const built = existsSync(path.join(EVIDENCE, 'datapackage.json'));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err += String(chunk); return true; });
  try {
    // --wide: the text as a whole (table-layout.test.ts covers fitting it to the terminal).
    const code = await run([...args, '--evidence', EVIDENCE, '--wide']);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe.runIf(built)('allies explain JPN on the shipped evidence', () => {
  let inputs: LedgerInputs;
  let ledger: YearLedger;
  beforeAll(async () => {
    inputs = await loadLedgerInputs({ evidenceDir: EVIDENCE });
    ledger = computeLedger(inputs, latestYear(inputs));
  });

  it('prints the rank and net, the largest contributions relative to the median ally, and what a point of each heading is worth', async () => {
    const { code, out } = await cli('explain', 'Japan', '--no-bands');
    expect(code).toBe(0);
    const japan = ledger.allies.find((a) => a.ally === 'JPN')!;
    const rank = japan.rank === null ? 'is not ranked' : `ranks ${japan.rank}(st|nd|rd|th) of ${ledger.rankedCount}`;
    expect(out).toMatch(new RegExp(`^Why Japan \\(JPN\\) ${rank} in ${ledger.year} · methodology ${inputs.methodology.methodology} ${inputs.methodology.version.replace(/\./g, '\\.')}`));
    expect(out).toContain(`Net ${japan.net!.toFixed(1).replace('-', '−')} = assets ${japan.assets!.toFixed(1)} − liabilities ${japan.liabilities!.toFixed(1)}`);
    expect(out).toMatch(/line item +heading +side +JPN score +median score +points vs median/);
    expect(out).toMatch(/The differences add up to [+−]\d+\.\d points: Japan's net .+ minus the median ally's/);
    // One row per heading in the point-worth table, each with its whole-range worth.
    const worthTable = out.slice(out.indexOf('What one point is worth'), out.indexOf('Notes:'));
    const groups = [...new Set(inputs.methodology.items.map((i) => i.group))];
    for (const g of groups) expect(worthTable).toContain(g);
  });

  it('--json: the differences reconcile to Japan\'s net minus the median ally\'s, and the rank is the ledger\'s', async () => {
    const { code, out } = await cli('explain', 'JPN', '--json', '--no-bands');
    expect(code).toBe(0);
    const why = JSON.parse(out) as WhyThisRank;
    const japan = ledger.allies.find((a) => a.ally === 'JPN')!;
    expect(why).toMatchObject({ ally: 'JPN', year: ledger.year, rank: japan.rank, rankedCount: ledger.rankedCount, band: null });
    expect(why.net).toBeCloseTo(japan.net!, 9);
    expect(why.lines).toHaveLength(inputs.methodology.items.length);
    const sum = why.lines.reduce((t, l) => t + l.difference, 0);
    expect(sum).toBeCloseTo(japan.net! - why.reference.net, 9);
    expect(Math.abs(why.reconciliation.residual)).toBeLessThan(1e-9);
    expect(why.lines.map((l) => Math.abs(l.difference))).toEqual(why.lines.map((l) => Math.abs(l.difference)).sort((a, b) => b - a));
    // Neighbours are the ranked allies next to Japan.
    if (japan.rank !== null) for (const n of why.neighbours) expect(Math.abs(n.rank - japan.rank)).toBeLessThanOrEqual(2);
    // Japan's point worths: its lines' worth times its scores give back its net.
    const worth = new Map(why.worth!.items.map((i) => [i.item, i.perPoint]));
    expect(japan.lines.reduce((t, l) => t + (l.score ?? 0) * worth.get(l.item)!, 0)).toBeCloseTo(japan.net!, 9);
  });

  it('gives the rank band from the robustness run unless --no-bands', async () => {
    const { code, out } = await cli('explain', 'JPN', '--json');
    expect(code).toBe(0);
    const why = JSON.parse(out) as WhyThisRank;
    expect(why.band).not.toBeNull();
    expect(why.band!.low).toBeLessThanOrEqual(why.band!.high);
    expect(why.band!.draws).toBe(inputs.methodology.robustness.draws);
  });

  it('a country that is no ally of the year is named with the reason; a partner is explained with --partners, unranked and placed by its net', async () => {
    const finland = await cli('explain', 'FIN', '--year', '2000', '--no-bands');
    expect(finland.code).toBe(1);
    expect(finland.err).toMatch(/Finland \(FIN\) is not one of the U\.S\. allies of 2000/);
    const saudi = await cli('explain', 'SAU', '--no-bands');
    expect(saudi.code).toBe(1);
    expect(saudi.err).toMatch(/Add --partners/);
    const { code, out } = await cli('explain', 'SAU', '--partners', '--json', '--no-bands');
    expect(code).toBe(0);
    const why = JSON.parse(out) as WhyThisRank;
    expect(why).toMatchObject({ ally: 'SAU', rank: null, ranked: false });
    const ranked = ledger.allies.filter((a) => a.rank !== null);
    expect(why.placedAt).toBe(1 + ranked.filter((a) => a.net! > why.net!).length);
    expect(why.reference.allies).toBe(ledger.rankedCount);
    expect(why.notes.join(' ')).toMatch(/partner/);
  });

  it('names an unknown ally and exits 1', async () => {
    const { code, err } = await cli('explain', 'Atlantis', '--no-bands');
    expect(code).toBe(1);
    expect(err).toMatch(/"Atlantis" is not a covered ally/);
  });

  it('allies methodology prints every line with construct, formula, normalization, weight, point worth, rationale and citations', async () => {
    const { code, out } = await cli('methodology');
    expect(code).toBe(0);
    for (const item of inputs.methodology.items) expect(out).toContain(`  ${item.id}: ${item.label}`);
    for (const field of ['construct', 'formula', 'normalization', 'weight', 'point worth', 'rationale', 'citations']) {
      expect(out.split('\n').filter((l) => l.startsWith(`    ${field} `)).length).toBe(inputs.methodology.items.length);
    }
  });

  it('allies methodology --json: a heading\'s 0-100 range is balance × heading weight / side weight, and lines carry the sources\' citations', async () => {
    const { code, out } = await cli('methodology', '--json');
    expect(code).toBe(0);
    const body = JSON.parse(out) as { lines: MethodologyLine[]; headings: { side: string; weight: number; fullRange: number }[] };
    const m = inputs.methodology;
    expect(body.lines).toHaveLength(m.items.length);
    for (const side of ['asset', 'liability'] as const) {
      const total = m.items.filter((i) => i.side === side).reduce((t, i) => t + i.weight, 0);
      const factor = side === 'asset' ? m.balance.assets : -m.balance.liabilities;
      for (const h of body.headings.filter((x) => x.side === side)) expect(h.fullRange).toBeCloseTo(100 * factor * h.weight / total, 9);
    }
    for (const line of body.lines) {
      expect(line.construct.length).toBeGreaterThan(0);
      expect(line.formula.length).toBeGreaterThan(0);
      for (const c of line.citations) expect(c.citation, `${line.item} cites ${c.source}`).toBeTruthy();
    }
  });
});
