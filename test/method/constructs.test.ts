// One construct per line: on the shipped evidence, no two line items of the default
// methodology move together across allies (|r| > 0.95 of their scores) unless the
// methodology declares the overlap and why both lines stay (`overlaps`). Every line names
// the construct it measures, and no two lines name the same one.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { loadLedgerInputs } from '../../src/method/files.ts';
import type { LedgerInputs } from '../../src/method/files.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';
import type { YearLedger } from '../../src/method/ledger.ts';
import type { Methodology } from '../../src/method/methodology.ts';

const EVIDENCE = process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
const built = existsSync(path.join(EVIDENCE, 'observations', 'sipri-milex.csv'));
const LIMIT = 0.95;

/** Pearson correlation of two items' scores over the allies with both; null below 8 pairs. */
export function scoreCorrelation(ledger: YearLedger, a: string, b: string): { r: number; n: number } | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const ally of ledger.allies) {
    const x = ally.lines.find((l) => l.item === a)?.score ?? null;
    const y = ally.lines.find((l) => l.item === b)?.score ?? null;
    if (x !== null && y !== null) {
      xs.push(x);
      ys.push(y);
    }
  }
  if (xs.length < 8) return null;
  const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  });
  if (sxx === 0 || syy === 0) return null;
  return { r: sxy / Math.sqrt(sxx * syy), n: xs.length };
}

/** Pairs of line items above the limit that the methodology does not declare. */
export function undeclaredOverlaps(m: Methodology, ledger: YearLedger, limit = LIMIT): string[] {
  const declared = new Set(m.items.flatMap((i) => (i.overlaps ?? []).flatMap((o) => [`${i.id}|${o.item}`, `${o.item}|${i.id}`])));
  const out: string[] = [];
  for (let i = 0; i < m.items.length; i++) {
    for (let j = i + 1; j < m.items.length; j++) {
      const a = m.items[i].id;
      const b = m.items[j].id;
      const c = scoreCorrelation(ledger, a, b);
      if (c && Math.abs(c.r) > limit && !declared.has(`${a}|${b}`)) out.push(`${ledger.year}: ${a} ~ ${b}: r = ${c.r.toFixed(3)} over ${c.n} allies`);
    }
  }
  return out;
}

describe.runIf(built)('one construct per line (default methodology, shipped evidence)', () => {
  let inputs: LedgerInputs;
  beforeAll(async () => {
    inputs = await loadLedgerInputs({ evidenceDir: EVIDENCE });
  });

  it('every line names its construct, and no two lines name the same one', () => {
    const constructs = inputs.methodology.items.map((i) => i.construct?.trim().toLowerCase());
    expect(constructs.filter((c) => !c)).toEqual([]);
    expect(new Set(constructs).size).toBe(constructs.length);
  });

  it(`no two line items correlate above ${LIMIT} across allies unless the methodology declares why`, () => {
    const last = latestYear(inputs);
    const years = [inputs.methodology.years.first, Math.round((inputs.methodology.years.first + last) / 2), last];
    const found = years.flatMap((y) => undeclaredOverlaps(inputs.methodology, computeLedger(inputs, y)));
    expect(found).toEqual([]);
  });

  it('the check fails on a methodology that counts one measure twice', () => {
    const m = inputs.methodology;
    const copy = { ...m.items.find((i) => i.id === 'defense_effort')!, id: 'defense_effort_again', overlaps: undefined };
    const twice: Methodology = { ...m, items: [...m.items, copy] };
    const ledger = computeLedger({ ...inputs, methodology: twice }, latestYear(inputs));
    expect(undeclaredOverlaps(twice, ledger)).toEqual([expect.stringContaining('defense_effort ~ defense_effort_again: r = 1.000')]);
  });
});
