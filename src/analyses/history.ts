// How long alliances last: durations from ATOP 5.1 as survival data, with every definition
// stated beside its figure. Figures in the literature differ mostly by definition (ended
// alliances only or also those still in force; all alliances or defense pacts; bilateral or
// multilateral), so each grouping reports the same set of statistics under the same rules.
// An alliance in force is censored whatever ATOP's termination code says: ATOP gives some
// alliances still in force the TERM code of a phase that ended (codebook: "non-terminal phases
// are usually coded with TERM=3"), and the project's post-2018 record (us_commitments, from
// curated/commitments.yaml) can show an alliance still in force.
import { kaplanMeier, survivalAt, survivalPercentile } from './survival.ts';
import type { MedianEstimate, SurvivalCurve, SurvivalSubject } from './survival.ts';
import type { AllianceRecord, CalendarDate, MemberObligations, UsCommitment } from './alliances.ts';
import { ATOP_COVERAGE_END, isNonaggressionOnly } from './alliances.ts';

/** Rules every duration in this module follows, printed with the results. */
export const DURATION_DEFINITIONS = {
  unit: 'An alliance is an ATOP 5.1 alliance (alliance level: one record per treaty, all phases together).',
  duration: 'Duration runs from the date the alliance was signed (ATOP begyr/begmo/begday) to the date it ended (endyr/endmo/endday), in years of 365.25 days; a missing day is taken as the 15th of the month (a missing month as July).',
  ended: `Ended: not in force on ${ATOP_COVERAGE_END.year}-12-31 (ATOP ineffect = 0, and not recorded in force later) with ATOP term 1 (provisions fulfilled), 2 (violation or abrogation) or 3 (renegotiated into a new relationship).`,
  censored: `Censored: in force on ${ATOP_COVERAGE_END.year}-12-31 (ATOP ineffect = 1) or recorded in force in 2024 by the project's post-2018 record (us_commitments, curated/commitments.yaml), whatever ATOP's term code, observed until ${ATOP_COVERAGE_END.year}-12-31 (the end of ATOP's coverage); or ATOP term 0 with an end date, cut short by a member's loss of independence unrelated to the alliance (observed until its end date).`,
  kaplanMeier: 'Kaplan-Meier median: the first age at which the curve falls below one half, i.e. by which half of the alliances are estimated to have ended, counting censored alliances as at risk until their last observed age. Where the curve sits at exactly one half from a to b years, "between a and b years" (the midpoint is the value, as in R\'s survival package); where it never falls below one half, "at least N years (not reached)", N the age at which it reached one half or, if it never did, the longest observed duration. 95% interval from the log-transformed Greenwood variance.',
  restrictedMean: 'Restricted mean: the area under the Kaplan-Meier curve up to the longest observed duration, a mean that uses the censored alliances without pretending they ended.',
  endedOnly: 'Ended-only mean and median: over the alliances that ended, ignoring those still in force (the figure usually quoted; biased short, since long-lived alliances are still running).',
  naive: 'All-alliances mean and median: over every alliance, counting those in force at their age in 2018 as if they had ended then (biased short as well).',
} as const;

/** The termination codes of ATOP's alliance-level TERM variable, as counted here (0: every censored alliance). */
export const TERMINATION_MODES: Record<number, string> = {
  0: 'censored: in force at the end of 2018 (whatever the TERM code) or recorded in force in 2024, or a member lost independence for reasons unrelated to the alliance',
  1: 'provisions fulfilled (term completed or goals accomplished)',
  2: 'violation of provisions or abrogation before the scheduled end',
  3: 'members negotiated a new relationship',
};

/** How a member left an alliance: ATOP's member-level TERMMODE (codebook, Q15). */
export const MEMBER_EXIT_MODES: Record<number, string> = {
  1: 'not renewed at its scheduled end',
  2: 'replaced by a new agreement among the members',
  3: 'broken before its scheduled end',
  4: 'a member lost independence',
  5: 'the casus foederis ceased to exist',
  6: 'ended by the loss of a war',
};

/**
 * How members left alliances (ATOP TERMMODE), counting each member's exit from an alliance
 * once (its last phase): phase changes within an alliance are renewals, not exits.
 */
export function memberExitModes(members: readonly MemberObligations[], atopids?: ReadonlySet<number>): { code: number; mode: string; count: number }[] {
  const last = new Map<string, MemberObligations>();
  for (const m of members) {
    if (atopids && !atopids.has(m.atopid)) continue;
    const key = `${m.atopid}|${m.member}`;
    const prior = last.get(key);
    if (!prior || m.phase > prior.phase) last.set(key, m);
  }
  const exits = [...last.values()].filter((m) => !m.inForce && m.termmode > 0);
  return Object.entries(MEMBER_EXIT_MODES).map(([code, mode]) => ({ code: Number(code), mode, count: exits.filter((m) => m.termmode === Number(code)).length }));
}

export interface AllianceDuration {
  atopid: number;
  years: number;
  /** true when the alliance ended (not in force, ATOP term 1-3); false when censored. */
  ended: boolean;
  /** The termination code counted: ATOP's TERM when the alliance ended, 0 when censored. */
  termination: number;
  /** ATOP's TERM as coded (differs from `termination` for an alliance in force with a term code). */
  atopTerm: number;
  /** Why an alliance with a termination code counts as censored; null otherwise. */
  censoredDespiteTerm: string | null;
}

const DAYS_PER_YEAR = 365.25;
/** The year us_commitments records the status of U.S. commitments for (its in_force_2024 column). */
const RECORD_YEAR = 2024;

function dayNumber(d: CalendarDate): number {
  return Date.UTC(d.year, (d.month ?? 7) - 1, d.day ?? 15) / 86_400_000;
}

/** Years from one date to another (365.25-day years). */
export function yearsBetween(from: CalendarDate, to: CalendarDate): number {
  return (dayNumber(to) - dayNumber(from)) / DAYS_PER_YEAR;
}

/** ATOP alliances the post-2018 record (us_commitments) shows in force in 2024. */
export function recordedInForce(commitments: readonly UsCommitment[]): Set<number> {
  return new Set(commitments.filter((c) => c.atopid !== null && c.inForce2024 === true).map((c) => c.atopid!));
}

/**
 * The duration of one alliance as a survival subject. An alliance in force on 31 December 2018
 * (ATOP ineffect = 1), or in `inForceLater` (see recordedInForce), is censored at ATOP's
 * coverage end whatever its TERM code; otherwise it ended when TERM is 1-3, and TERM 0 with an
 * end date is censored at that date (a member lost independence for unrelated reasons).
 */
export function allianceDuration(a: AllianceRecord, inForceLater: ReadonlySet<number> = new Set()): AllianceDuration {
  const later = !a.inForce && inForceLater.has(a.atopid);
  const inForce = a.inForce || later;
  const end = inForce ? ATOP_COVERAGE_END : a.end ?? ATOP_COVERAGE_END;
  const ended = !inForce && a.termination > 0;
  const censoredDespiteTerm = inForce && a.termination > 0
    ? (later ? `ATOP term ${a.termination}, but the post-2018 record (us_commitments) shows it in force in 2024` : `ATOP term ${a.termination}, but in force on ${ATOP_COVERAGE_END.year}-12-31 (ineffect = 1)`)
    : null;
  return { atopid: a.atopid, years: Math.max(0, yearsBetween(a.begin, end)), ended, termination: ended ? a.termination : 0, atopTerm: a.termination, censoredDespiteTerm };
}

/** A named subset of alliances with its definition in words. */
export interface AllianceGroup {
  id: string;
  label: string;
  definition: string;
  includes: (a: AllianceRecord) => boolean;
}

export const ERAS = [
  { id: 'era-1815-1913', label: '1815-1913', from: 1815, to: 1913 },
  { id: 'era-1914-1944', label: '1914-1944', from: 1914, to: 1944 },
  { id: 'era-1945-1989', label: '1945-1989 (Cold War)', from: 1945, to: 1989 },
  { id: 'era-1990-2018', label: '1990-2018', from: 1990, to: 2018 },
] as const;

/** The groupings `allies history --by <type>` offers; each is a list of groups compared side by side. */
export const GROUPINGS: Record<string, { label: string; groups: AllianceGroup[] }> = {
  overview: {
    label: 'overview',
    groups: [
      { id: 'all', label: 'All ATOP alliances', definition: 'every alliance in ATOP 5.1, including nonaggression-only pacts', includes: () => true },
      { id: 'defense', label: 'Defense pacts', definition: 'ATOP defense = 1', includes: (a) => a.obligations.defense },
      { id: 'defense-since-1945', label: 'Defense pacts since 1945', definition: 'defense = 1, signed 1945-2018', includes: (a) => a.obligations.defense && a.begin.year >= 1945 },
      { id: 'defense-with-us', label: 'Defense pacts with the U.S.', definition: 'defense = 1 and the U.S. is a member', includes: (a) => a.obligations.defense && a.members.includes('USA') },
      { id: 'bilateral', label: 'Bilateral', definition: 'never more than two members (ATOP bilat = 1)', includes: (a) => a.bilateral },
      { id: 'multilateral', label: 'Multilateral', definition: 'three or more members at some point (bilat = 0)', includes: (a) => !a.bilateral },
    ],
  },
  all: {
    label: 'all alliances',
    groups: [
      { id: 'all', label: 'All ATOP alliances', definition: 'every alliance in ATOP 5.1, including nonaggression-only pacts', includes: () => true },
      { id: 'military', label: 'Excluding nonaggression-only pacts', definition: 'ATOP\'s NNA selection: drops pacts whose only obligation is nonaggression', includes: (a) => !isNonaggressionOnly(a) },
    ],
  },
  obligation: {
    label: 'by obligation',
    groups: [
      { id: 'defense', label: 'Defense pacts', definition: 'at least one member promises active military support if a partner is attacked (ATOP defense = 1)', includes: (a) => a.obligations.defense },
      { id: 'offense', label: 'Offense pacts', definition: 'at least one member promises active military support in other circumstances (offense = 1)', includes: (a) => a.obligations.offense },
      { id: 'neutrality', label: 'Neutrality pacts', definition: 'neutrality = 1', includes: (a) => a.obligations.neutrality },
      { id: 'consultation', label: 'Consultation pacts', definition: 'consultation = 1', includes: (a) => a.obligations.consultation },
      { id: 'nonaggression-only', label: 'Nonaggression only', definition: 'nonaggression is the only obligation', includes: isNonaggressionOnly },
    ],
  },
  size: {
    label: 'bilateral or multilateral',
    groups: [
      { id: 'bilateral', label: 'Bilateral', definition: 'never more than two members (ATOP bilat = 1)', includes: (a) => a.bilateral },
      { id: 'multilateral', label: 'Multilateral', definition: 'three or more members at some point (bilat = 0)', includes: (a) => !a.bilateral },
    ],
  },
  symmetry: {
    label: 'symmetric or asymmetric',
    groups: [
      { id: 'asymmetric', label: 'Asymmetric', definition: 'members\' obligations or their conditions differ (ATOP asymm = 1)', includes: (a) => a.asymmetric === true },
      { id: 'symmetric', label: 'Symmetric', definition: 'all members owe the same (asymm = 0)', includes: (a) => a.asymmetric === false },
    ],
  },
  era: {
    label: 'by era of signature (ATOP\'s own id blocks)',
    groups: ERAS.map((e) => ({ id: e.id, label: e.label, definition: `signed ${e.from}-${e.to}`, includes: (a: AllianceRecord) => a.begin.year >= e.from && a.begin.year <= e.to })),
  },
  us: {
    label: 'with or without the United States',
    groups: [
      { id: 'with-us', label: 'With the U.S.', definition: 'the United States is a member', includes: (a) => a.members.includes('USA') },
      { id: 'without-us', label: 'Without the U.S.', definition: 'the United States is not a member', includes: (a) => !a.members.includes('USA') },
      { id: 'defense-with-us', label: 'Defense pacts with the U.S.', definition: 'defense = 1 and the U.S. is a member', includes: (a) => a.obligations.defense && a.members.includes('USA') },
      { id: 'defense-without-us', label: 'Defense pacts without the U.S.', definition: 'defense = 1, U.S. not a member', includes: (a) => a.obligations.defense && !a.members.includes('USA') },
    ],
  },
  defense: {
    label: 'defense pacts by era',
    groups: [
      { id: 'defense', label: 'Defense pacts, all eras', definition: 'ATOP defense = 1', includes: (a) => a.obligations.defense },
      ...ERAS.map((e) => ({
        id: `defense-${e.id}`, label: `Defense pacts ${e.label}`, definition: `defense = 1, signed ${e.from}-${e.to}`,
        includes: (a: AllianceRecord) => a.obligations.defense && a.begin.year >= e.from && a.begin.year <= e.to,
      })),
    ],
  },
};

/** The figures reported for every group, each under a definition in DURATION_DEFINITIONS. */
export interface DurationSummary {
  group: Omit<AllianceGroup, 'includes'>;
  n: number;
  ended: number;
  censored: number;
  kaplanMeier: {
    /** The median as a number, null when not reached (see `medianEstimate` for the bound and the wording). */
    median: number | null;
    medianEstimate: MedianEstimate;
    medianLower: number | null;
    medianUpper: number | null;
    restrictedMean: number;
    restrictedTo: number;
  };
  /** S(t) at 6, 15, 25 and 50 years: the estimated share still in force at that age. */
  survivalAt: { years: number; share: number }[];
  endedOnly: { mean: number | null; median: number | null; shareSixYearsOrLess: number | null };
  naive: { mean: number | null; median: number | null };
  terminations: { code: number; mode: string; count: number }[];
  /** Alliances counted as censored although ATOP gives them a termination code, and why. */
  censoredDespiteTerm: { atopid: number; reason: string }[];
  curve: SurvivalCurve;
}

/** What the duration figures need besides the alliances: the post-2018 record of alliances in force. */
export interface DurationOptions {
  /** ATOP ids the post-2018 record shows in force (recordedInForce(commitments)). */
  inForceLater?: ReadonlySet<number>;
}

export const SURVIVAL_MILESTONES = [6, 15, 25, 50] as const;

export function summarizeDurations(group: AllianceGroup, alliances: readonly AllianceRecord[], options: DurationOptions = {}): DurationSummary {
  const members = alliances.filter(group.includes);
  const durations = members.map((a) => allianceDuration(a, options.inForceLater));
  const subjects: SurvivalSubject[] = durations.map((d) => ({ time: d.years, event: d.ended }));
  const curve = kaplanMeier(subjects);
  const endedYears = durations.filter((d) => d.ended).map((d) => d.years);
  const allYears = durations.map((d) => d.years);
  const { includes: _omit, ...described } = group;
  return {
    group: described,
    n: members.length,
    ended: curve.events,
    censored: curve.censored,
    kaplanMeier: { median: curve.median, medianEstimate: curve.medianEstimate, medianLower: curve.medianLower, medianUpper: curve.medianUpper, restrictedMean: curve.restrictedMean, restrictedTo: curve.maxTime },
    survivalAt: SURVIVAL_MILESTONES.map((years) => ({ years, share: survivalAt(curve, years) })),
    endedOnly: {
      mean: mean(endedYears),
      median: median(endedYears),
      shareSixYearsOrLess: endedYears.length ? endedYears.filter((y) => y <= 6).length / endedYears.length : null,
    },
    naive: { mean: mean(allYears), median: median(allYears) },
    terminations: [0, 1, 2, 3].map((code) => ({ code, mode: TERMINATION_MODES[code], count: durations.filter((d) => d.termination === code).length })),
    censoredDespiteTerm: durations.filter((d) => d.censoredDespiteTerm !== null).map((d) => ({ atopid: d.atopid, reason: d.censoredDespiteTerm! })),
    curve,
  };
}

export function summarizeGrouping(by: string, alliances: readonly AllianceRecord[], options: DurationOptions = {}): DurationSummary[] {
  const grouping = GROUPINGS[by];
  if (!grouping) throw new Error(`unknown grouping "${by}": choose one of ${Object.keys(GROUPINGS).join(', ')}`);
  return grouping.groups.map((g) => summarizeDurations(g, alliances, options));
}

/** A U.S. alliance in force, placed on the survival curves of comparable alliances. */
export interface UsAllianceAge {
  atopid: number;
  name: string;
  partners: string[];
  signed: CalendarDate;
  /** Age in years at the end of `asOfYear`. */
  age: number;
  asOfYear: number;
  defensePact: boolean;
  /** Estimated share of all ATOP alliances that had ended by this age (Kaplan-Meier). */
  percentileAll: number;
  /** Estimated share of defense pacts that had ended by this age (Kaplan-Meier). */
  percentileDefense: number;
  /** Share of ended alliances (ended only) that were shorter than this age. */
  shareOfEndedShorter: number;
  /** Last year the alliance is recorded in force: ATOP's 2018, or 2024 where us_commitments confirms it. */
  inForceThrough: number;
}

/**
 * Ages of the U.S. alliances in force: alliances in which the United States' own membership
 * was in effect on 31 December 2018 (ATOP member level). ATOP observes nothing later, so an
 * alliance in force then is taken to be in force at `asOfYear`; callers drop the ones the
 * post-2018 record (us_commitments) shows as ended. `inForceThrough` says how far the record
 * confirms each one.
 */
export function usAllianceAges(alliances: readonly AllianceRecord[], members: readonly MemberObligations[], asOfYear: number, commitments: readonly UsCommitment[] = []): UsAllianceAge[] {
  const confirmed = recordedInForce(commitments);
  const durations = alliances.map((a) => allianceDuration(a, confirmed));
  const allCurve = kaplanMeier(durations.map((d) => ({ time: d.years, event: d.ended })));
  const defenseIds = new Set(alliances.filter((a) => a.obligations.defense).map((a) => a.atopid));
  const defenseCurve = kaplanMeier(durations.filter((d) => defenseIds.has(d.atopid)).map((d) => ({ time: d.years, event: d.ended })));
  const endedYears = durations.filter((d) => d.ended).map((d) => d.years);
  const asOf: CalendarDate = { year: asOfYear, month: 12, day: 31 };
  const usInForce = new Set(members.filter((m) => m.member === 'USA' && m.inForce).map((m) => m.atopid));
  return alliances
    .filter((a) => usInForce.has(a.atopid))
    .map((a) => {
      const age = yearsBetween(a.begin, asOf);
      const partners = [...new Set(members.filter((m) => m.atopid === a.atopid && m.inForce && m.member !== 'USA').map((m) => m.member))].sort();
      return {
        atopid: a.atopid,
        name: a.name,
        partners,
        signed: a.begin,
        age,
        asOfYear,
        defensePact: a.obligations.defense,
        percentileAll: survivalPercentile(allCurve, age),
        percentileDefense: survivalPercentile(defenseCurve, age),
        shareOfEndedShorter: endedYears.length ? endedYears.filter((y) => y < age).length / endedYears.length : 0,
        inForceThrough: confirmed.has(a.atopid) ? RECORD_YEAR : ATOP_COVERAGE_END.year,
      };
    })
    .sort((x, y) => y.age - x.age || x.atopid - y.atopid);
}

function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
}

function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
