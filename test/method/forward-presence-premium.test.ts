// The forward-presence premium (issue 12): hosting U.S. forces costs the United States the
// premium of basing them abroad over basing them at home, net of the host's support, floored at
// 0. Evaluated on the shipped evidence with the line item of methodology 2.0
// (methods/default.yaml): doubling the U.S. troops in Japan must
// not raise Japan's liability while its support covers the premium.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { LineItem } from '../../src/method/methodology.ts';
import type { Methodology } from '../../src/method/methodology.ts';
import { evaluateMeasure } from '../../src/method/transforms.ts';
import type { MeasureContext } from '../../src/method/transforms.ts';

const YEAR = 2024;
let evidence: Evidence;
let item: LineItem;

beforeAll(async () => {
  evidence = await loadEvidence();
  const m = parse(await readFile(path.join(import.meta.dirname, '..', '..', 'methods', 'default.yaml'), 'utf8')) as { items: { id: string }[] };
  item = LineItem.parse(m.items.find((i) => i.id === 'forward_presence_premium'));
});

function context(ev: Evidence): MeasureContext {
  return {
    evidence: ev,
    methodology: { uncertainty: { estimate_relative: 0.1 } } as Methodology,
    judgments: { find: () => undefined } as unknown as MeasureContext['judgments'],
    allies: ['JPN', 'KOR', 'DEU'],
    year: YEAR,
    staleness: 2,
    cache: new Map(),
  };
}

/** The evidence with one country's U.S. troop count multiplied, every other series as shipped. */
function withTroops(ev: Evidence, iso: string, factor: number): Evidence {
  const scaled = (o: Observation): Observation => ({ ...o, value: o.value === null ? null : o.value * factor });
  const view = Object.create(ev) as Evidence;
  view.series = (country, indicator, options) => {
    const list = ev.series(country, indicator, options);
    return country === iso && indicator === 'us_troops_active_duty' ? list.map(scaled) : list;
  };
  view.latest = (country, indicator, options) => {
    const o = ev.latest(country, indicator, options);
    return o && country === iso && indicator === 'us_troops_active_duty' ? scaled(o) : o;
  };
  return view;
}

const premium = (ev: Evidence, iso: string) => evaluateMeasure(item.measure, iso, context(ev));

describe('forward-presence premium on the shipped evidence', () => {
  it('reads the RAND premium per service member, a range with its year', () => {
    const o = evidence.latest('USA', 'us_overseas_cost_premium_per_troop_usd', { upTo: YEAR })!;
    expect(o).toMatchObject({ value: 25000, low: 10000, high: 40000, year: 2012, source: 'rand-rr201-2013' });
    expect(o.flags).toEqual(expect.arrayContaining(['estimate', 'uncertain']));
  });

  it('is 0 for Japan and Korea, whose support exceeds troops x premium', () => {
    for (const iso of ['JPN', 'KOR']) {
      const v = premium(evidence, iso);
      expect(v.value, iso).toBe(0);
      // GAO's direct support (2016-2019 average) is what offsets the premium in 2024.
      expect(v.observations.some((o) => o.indicator === 'hns_direct_support_usd' && o.source === 'gao-21-270'), iso).toBe(true);
    }
  });

  it('doubling U.S. troops in Japan does not raise Japan\'s premium while its support covers it', () => {
    const troops = evidence.latest('JPN', 'us_troops_active_duty', { upTo: YEAR })!.value!;
    const support = evidence.latest('JPN', 'hns_direct_support_usd', { upTo: YEAR })!.value!;
    expect((2 * troops * 25000) / 1e6).toBeLessThan(support);
    expect(premium(withTroops(evidence, 'JPN', 2), 'JPN').value).toBe(0);
    expect(premium(evidence, 'JPN').value).toBe(0);
  });

  it('is positive for a host with no documented support, and grows with the troops hosted', () => {
    // Spain: U.S. forces at Rota and Morón, no cost-sharing figure in DoD's, GAO's or the agreements' records.
    const once = premium(evidence, 'ESP');
    const twice = premium(withTroops(evidence, 'ESP', 2), 'ESP');
    const troops = evidence.latest('ESP', 'us_troops_active_duty', { upTo: YEAR })!.value!;
    expect(once.value).toBeCloseTo((troops * 25000) / 1e6, 6);
    expect(once.flags).toContain('imputed');
    expect(twice.value!).toBeCloseTo(2 * once.value!, 6);
    expect(once.low!).toBeLessThan(once.value!);
    expect(once.high!).toBeGreaterThan(once.value!);
  });

  it('reads DoD\'s last direct and indirect support (2002) where no later figure exists, flagged stale: Germany\'s covers its premium', () => {
    const v = premium(evidence, 'DEU');
    expect(v.value).toBe(0);
    expect(v.observations.some((o) => o.indicator === 'hns_total_support_usd' && o.year === 2002)).toBe(true);
    expect(v.flags).toContain('stale');
  });
});
