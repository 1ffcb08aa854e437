// Alliance durations and base rates: definitions on small hand-made alliances, then ATOP 5.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/evidence/load.ts';
import { EvidenceTableError, readAllianceEvidence, TableReader } from '../../src/analyses/alliances.ts';
import type { AllianceEvidence, AllianceRecord } from '../../src/analyses/alliances.ts';
import { allianceDuration, GROUPINGS, memberExitModes, recordedInForce, summarizeDurations, summarizeGrouping, usAllianceAges, yearsBetween } from '../../src/analyses/history.ts';
import { ALLIANCE_NEEDS, testEvidence } from './support.ts';

function alliance(atopid: number, begin: number, end: number | null, termination: number, extra: Partial<AllianceRecord> = {}): AllianceRecord {
  return {
    atopid, name: `A${atopid}`, begin: { year: begin, month: 1, day: 1 }, end: end === null ? null : { year: end, month: 1, day: 1 },
    inForce: end === null, termination, bilateral: true,
    obligations: { defense: true, offense: false, neutrality: false, nonaggression: false, consultation: false },
    asymmetric: false, base: 0, intcom: 0, members: ['USA', 'JPN'], source: 'atop-5.1', locator: 'fixture', ...extra,
  };
}

describe('durations on hand-made alliances', () => {
  // Ended after 2, 4 and 10 years; one in force since 2008 (10.99 years at the end of 2018, censored);
  // one cut short after 3 years by a member's loss of independence (censored, TERM 0).
  const fixtures = [
    alliance(1, 1900, 1902, 2),
    alliance(2, 1900, 1904, 1),
    alliance(3, 1900, 1910, 3),
    alliance(4, 2008, null, 0),
    alliance(5, 1930, 1933, 0, { inForce: false }),
  ];
  const all = { id: 'all', label: 'all', definition: 'every fixture', includes: () => true };

  it('measures a duration in 365.25-day years from signature to end, censoring at ATOP\'s horizon', () => {
    expect(yearsBetween({ year: 1960, month: 1, day: 19 }, { year: 2020, month: 1, day: 19 })).toBeCloseTo(60, 2);
    expect(allianceDuration(fixtures[3])).toMatchObject({ ended: false });
    expect(allianceDuration(fixtures[3]).years).toBeCloseTo(11, 1);
    expect(allianceDuration(fixtures[4])).toMatchObject({ ended: false, termination: 0 });
  });

  it('reports each definition separately: ended only, naive, and Kaplan-Meier with censoring', () => {
    const s = summarizeDurations(all, fixtures);
    expect(s).toMatchObject({ n: 5, ended: 3, censored: 2 });
    expect(s.endedOnly.mean).toBeCloseTo((2 + 4 + 10) / 3, 2);
    expect(s.endedOnly.median).toBeCloseTo(4, 2);
    expect(s.endedOnly.shareSixYearsOrLess).toBeCloseTo(2 / 3);
    expect(s.naive.median).toBeCloseTo(4, 2);
    // KM: S(2) = 4/5; the alliance censored at 3 leaves; S(4) = 4/5 x 2/3 = 0.533; S(10) = 0.533 x 1/2.
    expect(s.curve.steps.filter((x) => x.events > 0).map((x) => x.survival)).toEqual([0.8, expect.closeTo(0.5333, 3), expect.closeTo(0.2667, 3)]);
    expect(s.kaplanMeier.median).toBeCloseTo(10, 1);
    expect(s.terminations.map((t) => t.count)).toEqual([2, 1, 1, 1]);
  });

  it('censors an alliance in force whatever its termination code (ATOP ineffect = 1 with TERM 3)', () => {
    // Signed 1961, in force on 31 December 2018, TERM 3 from a phase that was renegotiated.
    const inForceWithTerm = alliance(6, 1961, null, 3);
    expect(inForceWithTerm.inForce).toBe(true);
    const d = allianceDuration(inForceWithTerm);
    expect(d).toMatchObject({ ended: false, termination: 0, atopTerm: 3 });
    expect(d.years).toBeCloseTo(58, 0);
    expect(d.censoredDespiteTerm).toMatch(/ATOP term 3, but in force on 2018-12-31 \(ineffect = 1\)/);
    const s = summarizeDurations(all, [...fixtures, inForceWithTerm]);
    expect(s).toMatchObject({ n: 6, ended: 3, censored: 3 });
    expect(s.terminations.map((t) => t.count)).toEqual([3, 1, 1, 1]);
    expect(s.censoredDespiteTerm).toEqual([{ atopid: 6, reason: expect.stringMatching(/ineffect = 1/) }]);
    expect(s.endedOnly.mean).toBeCloseTo((2 + 4 + 10) / 3, 2);
  });

  it('censors an alliance ATOP ends but the post-2018 record shows in force in 2024, at ATOP\'s horizon', () => {
    const endedInAtop = alliance(7, 1950, 1990, 2, { inForce: false });
    expect(allianceDuration(endedInAtop)).toMatchObject({ ended: true, termination: 2 });
    const later = recordedInForce([
      { atopid: 7, inForce2024: true }, { atopid: 8, inForce2024: false }, { atopid: null, inForce2024: true },
    ] as unknown as Parameters<typeof recordedInForce>[0]);
    expect([...later]).toEqual([7]);
    const d = allianceDuration(endedInAtop, later);
    expect(d).toMatchObject({ ended: false, termination: 0, atopTerm: 2 });
    expect(d.years).toBeCloseTo(69, 0); // 1950-01-01 to 2018-12-31
    expect(d.censoredDespiteTerm).toMatch(/post-2018 record/);
  });

  it('counts each member\'s exit once, by its last phase (ATOP TERMMODE)', () => {
    const member = (phase: number, inForce: boolean, termmode: number, iso = 'FRA') => ({
      atopid: 1, phase, member: iso, cow: 220, entry: { year: 1900, month: 1, day: 1 }, exit: null, inForce, conditions: [], variesByPartner: false,
      obligations: { defense: true, offense: false, neutrality: false, nonaggression: false, consultation: false }, base: null, termmode, source: 'atop-5.1', locator: 'fixture',
    });
    // Phase 1 ended by renewal (TERMMODE 2), phase 2 broken (3); a second member still in force.
    const modes = memberExitModes([member(1, false, 2), member(2, false, 3), member(2, true, 0, 'GBR')]);
    expect(modes.filter((m) => m.count > 0)).toEqual([{ code: 3, mode: 'broken before its scheduled end', count: 1 }]);
  });

  it('groups alliances by type with the definition beside each group', () => {
    for (const [id, grouping] of Object.entries(GROUPINGS)) {
      for (const g of grouping.groups) expect(g.definition, `${id}/${g.id}`).not.toBe('');
    }
    expect(() => summarizeGrouping('colour', fixtures)).toThrow(/unknown grouping "colour"/);
  });
});

describe('ATOP 5.1', () => {
  let evidence: Evidence;
  let cleanup: () => Promise<void>;
  let atop: AllianceEvidence;
  beforeAll(async () => {
    ({ evidence, cleanup } = await testEvidence(ALLIANCE_NEEDS));
    atop = readAllianceEvidence(evidence);
  });
  afterAll(() => cleanup());

  it('holds 789 alliances, 280 of them defense pacts; 421 are censored, 3433 among them although ATOP codes TERM 3', () => {
    const s = summarizeGrouping('overview', atop.alliances, { inForceLater: recordedInForce(atop.commitments) });
    // ATOP 5.1 alliance 3433 (Czechoslovakia-Indonesia 1961, carried on by the Czech Republic) is in
    // force on 31 December 2018 (ineffect = 1) with TERM 3 from its Slovak phase: censored, not ended.
    const a3433 = atop.alliances.find((a) => a.atopid === 3433)!;
    expect(a3433).toMatchObject({ inForce: true, termination: 3, end: null });
    expect(allianceDuration(a3433)).toMatchObject({ ended: false, termination: 0 });
    const all = s.find((g) => g.group.id === 'all')!;
    expect(all).toMatchObject({ n: 789, ended: 368, censored: 421 });
    expect(all.censoredDespiteTerm.map((c) => c.atopid)).toEqual([3433]);
    expect(s.find((g) => g.group.id === 'defense')).toMatchObject({ n: 280, ended: 213, censored: 67 });
    // No alliance ATOP ends is in force in 2024 by the post-2018 record; every one it shows in force is in force in ATOP.
    const later = recordedInForce(atop.commitments);
    expect(atop.alliances.filter((a) => later.has(a.atopid) && !a.inForce)).toEqual([]);
  });

  it('U.S. defense pacts: the curve sits at exactly one half from 25.1 to 71.3 years, so the median reads "at least 25.1 years"', () => {
    const d = summarizeGrouping('overview', atop.alliances).find((g) => g.group.id === 'defense-with-us')!;
    expect(d).toMatchObject({ n: 20, ended: 10, censored: 10 });
    const m = d.kaplanMeier.medianEstimate;
    expect(d.kaplanMeier.median).toBeNull();
    expect(m.reached).toBe(false);
    expect(m.value).toBeNull();
    expect(m.lowerBound).toBeCloseTo(25.08, 2); // the Republic of China treaty, 1954-1980
    expect(m.flat!.from).toBeCloseTo(25.08, 2);
    expect(m.flat!.to).toBeCloseTo(71.3, 1); // the Rio Treaty (1947), the oldest in force
    expect(m.short).toBe('at least 25.1 years (not reached)');
    expect(m.text).toMatch(/from 25\.1 years to the last observation at 71\.3 years/);
  });

  it('defense pacts: Kaplan-Meier median 11.8 years (9.4-17.0); ended ones 6.9 at the median, 47% within six years', () => {
    const d = summarizeGrouping('overview', atop.alliances).find((g) => g.group.id === 'defense')!;
    expect(d.kaplanMeier.median).toBeCloseTo(11.84, 1);
    expect(d.kaplanMeier.medianEstimate).toMatchObject({ reached: true, flat: null, short: '11.8 years' });
    expect(d.kaplanMeier.medianLower).toBeCloseTo(9.4, 1);
    expect(d.kaplanMeier.medianUpper).toBeCloseTo(17.0, 1);
    expect(d.endedOnly.median).toBeCloseTo(6.9, 1);
    expect(d.endedOnly.mean).toBeCloseTo(11.1, 1);
    expect(d.endedOnly.shareSixYearsOrLess).toBeCloseTo(0.47, 2);
    expect(d.naive.mean).toBeCloseTo(15.6, 1);
  });

  it('alliances since 1945 last longer than those before (Kaplan-Meier medians by era)', () => {
    const eras = summarizeGrouping('era', atop.alliances);
    const median = (id: string) => eras.find((g) => g.group.id === id)!.kaplanMeier.median!;
    expect(median('era-1815-1913')).toBeLessThan(median('era-1945-1989'));
    expect(median('era-1914-1944')).toBeLessThan(median('era-1945-1989'));
  });

  it('ages every U.S. alliance in force: the Japan treaty is 58.9 years old at the end of 2018, older than 88% of defense pacts', () => {
    const ages = usAllianceAges(atop.alliances, atop.members, 2018, atop.commitments);
    const japan = ages.find((a) => a.atopid === 3375)!;
    expect(japan.partners).toEqual(['JPN']);
    expect(japan.age).toBeCloseTo(58.95, 1);
    expect(japan.percentileDefense).toBeGreaterThan(0.85);
    expect(japan.inForceThrough).toBe(2024);
    expect(ages.map((a) => a.atopid)).toEqual(expect.arrayContaining([3180, 3210, 3215, 3240, 3375]));
    // Alliances the U.S. has left are not listed (the 1954 treaty with the Republic of China ended in 1980).
    expect(ages.map((a) => a.atopid)).not.toContain(3270);
  });
});

describe('reading the evidence tables', () => {
  it('names the table, row and field when a table lacks what the analyses need', () => {
    const broken = { tableNames: () => ['atop_members'], table: () => [{ atopid: 1, phase: 0 }] };
    expect(() => readAllianceEvidence(broken)).toThrow(EvidenceTableError);
    expect(() => readAllianceEvidence(broken)).toThrow(/evidence table atop_members row 2, field "member": no such field/);
    const missing = { tableNames: () => [], table: () => [] };
    expect(() => readAllianceEvidence(missing)).toThrow(/evidence table atop_members.*the table is missing/);
    expect(() => new TableReader('atop_alliances', [{ begin: '19-60' }]).date(0, 'begin')).toThrow(/row 2, field "begin": "19-60" is not a date/);
  });
});
