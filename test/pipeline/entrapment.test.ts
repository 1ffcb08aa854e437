// Entrapment evidence for methodology 2.0 (issue 12): flashpoint severity weighed on a stated
// scale, the principal rival of every covered ally (picked by a counterpart rule), and U.S.
// forces on rotation. Read as specifications on the shipped curated files and evidence.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CURATED_DIR } from '../../src/pipeline/build.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { JudgmentBook } from '../../src/method/judgments.ts';
import type { Measure, Methodology } from '../../src/method/methodology.ts';
import { evaluateMeasure } from '../../src/method/transforms.ts';
import type { MeasureContext } from '../../src/method/transforms.ts';
import { runTransform } from '../support/pipeline.ts';
import type { ListedResult } from '../support/pipeline.ts';

let result: ListedResult;
let covered: string[];
beforeAll(async () => {
  result = await runTransform('curated');
  const text = await readFile(path.join(DEFAULT_CURATED_DIR, 'allies.yaml'), 'utf8');
  covered = (parse(text) as { allies: { iso3: string }[] }).allies.map((a) => a.iso3).sort();
});

const of = (indicator: string, year?: number): Observation[] =>
  result.observations.filter((o) => o.indicator === indicator && (year === undefined || o.year === year));

describe('flashpoint severity (entrapment weighed, not counted)', () => {
  const severity = (iso: string): Observation => {
    const rows = of('flashpoint_severity', 2024).filter((o) => o.country === iso);
    expect(rows, iso).toHaveLength(1);
    return rows[0];
  };

  it('codes every covered ally for 2024, zero only with a reason', () => {
    for (const iso of covered) {
      const o = severity(iso);
      expect(o.value, iso).not.toBeNull();
      expect(o.value!, iso).toBeGreaterThanOrEqual(0);
      expect(o.note.length, iso).toBeGreaterThan(20);
    }
  });

  it('puts Taiwan at the top of the covered allies, or says in the data why an ally ranks above it', () => {
    const taiwan = severity('TWN').value!;
    for (const iso of covered.filter((c) => c !== 'TWN')) {
      const o = severity(iso);
      if (o.value! > taiwan) expect(o.note, `${iso} ranks above Taiwan without saying why`).toMatch(/above Taiwan/);
    }
    // The Asian allies the old count put level with or above Taiwan now sit below it.
    for (const iso of ['JPN', 'KOR', 'PHL']) expect(severity(iso).value!, iso).toBeLessThan(taiwan);
    expect(taiwan).toBe(8);
  });

  it('shows the arithmetic of every non-zero severity and cites the survey behind it', () => {
    for (const o of of('flashpoint_severity', 2024).filter((r) => r.value! > 0)) {
      expect(o.flags, o.country).toContain('derived');
      expect(o.note, o.country).toContain(`= ${o.value}`);
      expect(o.note, o.country).toMatch(/PPS 20\d\d/);
      expect(o.note, o.country).toContain('cfr-pps-2014');
    }
  });

  it('stays on the stated scale: weights 1 and 0.5, severities up to 3 x 4, four rivals', () => {
    for (const o of of('flashpoint_severity')) {
      expect(o.year).toBe(2024);
      expect(Number.isInteger(o.value! * 2), `${o.country} ${o.value}`).toBe(true);
      expect(o.value!).toBeLessThanOrEqual(4 * 12);
    }
  });

  it('keeps the dispute count as it was', () => {
    const count = (iso: string) => of('flashpoint_disputes', 2024).find((o) => o.country === iso)?.value;
    expect([count('TWN'), count('JPN'), count('KOR'), count('PHL')]).toEqual([1, 3, 3, 2]);
  });
});

describe('principal rival of every covered ally', () => {
  it('codes every covered ally: one principal rival, or none with the reason', () => {
    const rivals = of('principal_rival');
    for (const iso of covered) {
      const mine = rivals.filter((o) => o.country === iso);
      expect(mine.length, iso).toBeGreaterThan(0);
      const present = mine.filter((o) => o.value !== null);
      if (present.length === 0) {
        for (const o of mine) {
          expect(o.flags, iso).toContain('missing');
          expect(o.note, iso).toMatch(/^No principal rival/);
        }
        continue;
      }
      for (const year of [2000, 2024]) {
        const principal = present.filter((o) => o.year === year && o.value === 1);
        expect(principal.map((o) => o.counterpart), `${iso} ${year}`).toHaveLength(1);
      }
      for (const o of present) expect([0.5, 1], `${iso} ${o.counterpart}`).toContain(o.value);
    }
  });
});

describe('the counterpart rules pick the principal rival from the shipped evidence', () => {
  let evidence: Evidence;
  beforeAll(async () => {
    evidence = await loadEvidence();
  }, 60_000);

  // Only the fields the counterpart choice and `latest` read: the rules the methodology
  // 2.0 file is to declare (see curated/evidence/principal-rivals.yaml).
  const methodology = {
    staleness_years: 2,
    uncertainty: { estimate_relative: 0.1 },
    counterparts: {
      principal_rival: { indicator: 'principal_rival', among: ['CHN', 'RUS', 'PRK', 'IRN'], pick: 'max', staleness_years: 25, rationale: 'principal rival' },
      principal_threat: { indicator: 'principal_rival', among: ['CHN', 'RUS', 'IRN'], pick: 'max', staleness_years: 25, rationale: 'principal rival with SIPRI spending' },
    },
  } as unknown as Methodology;
  const context = (year: number): MeasureContext =>
    ({ evidence, methodology, judgments: new JudgmentBook([]), allies: covered, year, staleness: 2, cache: new Map() });
  const rivalOf = (ally: string, rule: string, year: number): string | null => {
    // The coding holds until the next entry, so the value itself is read with the rule's window.
    const measure: Measure = { op: 'latest', indicator: 'principal_rival', counterpart: rule, staleness_years: 25 };
    const v = evaluateMeasure(measure, ally, context(year));
    return v.value === null ? null : v.observations.find((o) => o.indicator === 'principal_rival' && o.year <= year)!.counterpart;
  };

  it('Beijing, not Pyongyang, for Japan, Taiwan, the Philippines and Australia; Pyongyang for Korea', () => {
    for (const year of [2000, 2012, 2024]) {
      for (const iso of ['JPN', 'TWN', 'PHL', 'AUS']) expect(rivalOf(iso, 'principal_rival', year), `${iso} ${year}`).toBe('CHN');
      expect(rivalOf('KOR', 'principal_rival', year)).toBe('PRK');
      expect(rivalOf('POL', 'principal_rival', year)).toBe('RUS');
      expect(rivalOf('ISR', 'principal_rival', year)).toBe('IRN');
    }
  });

  it('a rival with SIPRI spending for every ally that has a rival, China for Korea', () => {
    expect(rivalOf('KOR', 'principal_threat', 2024)).toBe('CHN');
    const milex = (ally: string) => evaluateMeasure({ op: 'latest', indicator: 'milex_usd_constant_2023', country: 'principal_threat' }, ally, context(2023));
    for (const iso of ['KOR', 'JPN', 'DEU', 'SAU']) expect(milex(iso).value, iso).toBeGreaterThan(0);
  });

  it('no rival, and so a missing item rather than zero, for a Rio Treaty ally', () => {
    const v = evaluateMeasure({ op: 'latest', indicator: 'milex_usd_constant_2023', country: 'principal_rival' }, 'BRA', context(2024));
    expect(v.value).toBeNull();
    expect(v.reason).toContain('no principal_rival from BRA');
  });
});

describe('U.S. forces on rotation', () => {
  const rotational = (iso: string, year: number) => of('us_troops_rotational', year).find((o) => o.country === iso);

  it('covers Poland, the Baltic states, Romania and Australia, each figure flagged an estimate with its date', () => {
    for (const iso of ['POL', 'EST', 'LVA', 'LTU', 'ROU', 'AUS']) {
      const rows = of('us_troops_rotational').filter((o) => o.country === iso);
      expect(rows.length, iso).toBeGreaterThan(0);
      for (const o of rows) {
        expect(o.flags, `${iso} ${o.year}`).toContain('estimate');
        expect(o.note, `${iso} ${o.year}`).toMatch(/(19|20)\d\d/);
        expect(o.locator.length).toBeGreaterThan(0);
      }
    }
  });

  it('states the figures as their sources give them', () => {
    expect(rotational('POL', 2019)).toMatchObject({ value: 4500, source: 'pl-us-joint-declaration-2019-09-23' });
    expect(rotational('POL', 2020)).toMatchObject({ value: 4500, source: 'crs-if11280-2020' });
    expect(rotational('AUS', 2019)).toMatchObject({ value: 2500, source: 'aus-defence-2019-07-25-mrfd' });
    expect(rotational('ROU', 2017)).toMatchObject({ value: 500, source: 'voa-2017-02-14-romania' });
    // A year filled from statements on either side says so.
    expect(rotational('POL', 2024)!.flags).toContain('imputed');
  });
});
