// The Kaplan-Meier product-limit estimator. Alliances still in force (or whose records stop
// for reasons unrelated to the alliance) are right-censored: they count as at risk up to their
// last observed age and never as an ending. Conventions follow R's survival package so that
// a user can check any figure there: Greenwood variance, log-transformed 95% intervals, and a
// median at the midpoint of a flat stretch of the curve lying exactly at one half (see
// `medianOf` for the median rules and where they come from).

/** One subject: how long it was observed and whether the observation ended in the event. */
export interface SurvivalSubject {
  /** Time from origin to the event or to censoring (years for alliances). */
  time: number;
  /** true when the event (termination) was observed; false when censored. */
  event: boolean;
}

/** The curve just after one distinct time at which something happened. */
export interface SurvivalStep {
  time: number;
  /** Subjects still observed just before `time`. */
  atRisk: number;
  events: number;
  censored: number;
  /** S(t): estimated probability of lasting beyond `time`. */
  survival: number;
  /** Greenwood standard error of S(t); null once S(t) reaches 0. */
  stdErr: number | null;
  /** 95% interval, log transform (R's default conf.type = "log"), clipped to [0, 1]. */
  lower: number | null;
  upper: number | null;
}

export interface SurvivalCurve {
  n: number;
  events: number;
  censored: number;
  /** One step per distinct time with an event or a censoring, ascending. */
  steps: SurvivalStep[];
  /**
   * Median survival time as one number: only when the median is reached (the curve falls
   * strictly below one half; see `medianOf`). null when it is not reached, including a curve
   * that sits at exactly one half until the last observation. `medianEstimate` says which.
   */
  median: number | null;
  /** The median with its bounds and in words: a value, an interval, or "at least N". */
  medianEstimate: MedianEstimate;
  /** 95% interval of the median (where the interval bands cross one half); null ends are unbounded. */
  medianLower: number | null;
  medianUpper: number | null;
  /** Longest observed time (event or censored). */
  maxTime: number;
  /** Restricted mean survival time up to `maxTime`: the area under the curve. */
  restrictedMean: number;
}

/**
 * The Kaplan-Meier median as it can be stated without claiming more than the curve shows.
 * JSON consumers read `value` (null unless reached), `lowerBound` and `reached`.
 */
export interface MedianEstimate {
  /** The median as one number; null when it is not reached. */
  value: number | null;
  /**
   * The median is at least this: the first time the curve is at or below one half; when the
   * curve never gets there, the longest observed time. null for an empty sample.
   */
  lowerBound: number | null;
  /** The median is at most this (the end of a flat stretch at one half, or the value); null when not reached. */
  upperBound: number | null;
  reached: boolean;
  /** The curve sits at exactly one half from `from` to `to` (the next ending, or the last observation when none follows). */
  flat: { from: number; to: number } | null;
  /** In a few words for tables: "11.8 years", "between 4.0 and 6.0 years", "at least 25.1 years (not reached)". */
  short: string;
  /** In full, saying why when the median is an interval or not reached. */
  text: string;
}

const Z95 = 1.959963984540054;

/** A survival analysis stops with this error when it is given something that is not a duration. */
export class SurvivalInputError extends Error {
  constructor(index: number, problem: string) {
    super(`survival subject ${index}: ${problem}. Give each subject a finite, non-negative time and an event flag.`);
    this.name = 'SurvivalInputError';
  }
}

export function kaplanMeier(subjects: readonly SurvivalSubject[]): SurvivalCurve {
  subjects.forEach((s, i) => {
    if (typeof s.time !== 'number' || !Number.isFinite(s.time)) throw new SurvivalInputError(i, `time ${String(s.time)} is not a finite number`);
    if (s.time < 0) throw new SurvivalInputError(i, `time ${s.time} is negative`);
    if (typeof s.event !== 'boolean') throw new SurvivalInputError(i, 'event is not true or false');
  });
  const byTime = new Map<number, { events: number; censored: number }>();
  for (const s of subjects) {
    const tally = byTime.get(s.time) ?? { events: 0, censored: 0 };
    if (s.event) tally.events++;
    else tally.censored++;
    byTime.set(s.time, tally);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  let atRisk = subjects.length;
  let survival = 1;
  let greenwood = 0;
  const steps: SurvivalStep[] = [];
  for (const time of times) {
    const { events, censored } = byTime.get(time)!;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      // Greenwood's sum is undefined once everyone at risk has the event (S = 0).
      greenwood = events < atRisk ? greenwood + events / (atRisk * (atRisk - events)) : Number.POSITIVE_INFINITY;
    }
    steps.push({ time, atRisk, events, censored, survival, ...interval(survival, greenwood) });
    atRisk -= events + censored;
  }
  const maxTime = times.length ? times[times.length - 1] : 0;
  const medianEstimate = medianOf(steps, maxTime);
  return {
    n: subjects.length,
    events: subjects.filter((s) => s.event).length,
    censored: subjects.filter((s) => !s.event).length,
    steps,
    median: medianEstimate.value,
    medianEstimate,
    medianLower: crossingTime(steps, (s) => s.lower),
    medianUpper: crossingTime(steps, (s) => s.upper),
    maxTime,
    restrictedMean: restrictedMeanSurvival({ steps }, maxTime),
  };
}

function interval(survival: number, greenwood: number): Pick<SurvivalStep, 'stdErr' | 'lower' | 'upper'> {
  if (survival <= 0 || !Number.isFinite(greenwood)) return { stdErr: null, lower: null, upper: null };
  const seLog = Math.sqrt(greenwood);
  return {
    stdErr: survival * seLog,
    lower: Math.max(0, survival * Math.exp(-Z95 * seLog)),
    upper: Math.min(1, survival * Math.exp(Z95 * seLog)),
  };
}

/** R's tolerance for "exactly one half" (sqrt of the machine epsilon, as all.equal uses). */
const HALF_TOLERANCE = Math.sqrt(Number.EPSILON);

/**
 * The median of a Kaplan-Meier curve, by these rules:
 * - The curve falls strictly below one half at its first event time t at or below one half:
 *   the median is t (the smallest t with S(t) <= 0.5, the textbook definition).
 * - The curve sits at exactly one half from a to the next event time b, where it falls below:
 *   the median is anywhere in [a, b]; the value given is the midpoint (a + b) / 2 and the text
 *   says "between a and b years". This is R's convention (survival package): quantile.survfit,
 *   Details: "a horizontal segment at exactly 1-k ... the midpoint of the horizontal segment is
 *   returned" (https://search.r-project.org/CRAN/refmans/survival/html/quantile.survfit.html),
 *   and print.survfit's median (survmean/minmin in therneau/survival R/print.survfit.R) takes
 *   the same midpoint. (survival 2.x's print.survfit documentation said the smallest point.)
 * - The curve sits at exactly one half from a until the last observation and never falls below
 *   it: the median is not reached; all the data say is that it is at least a. No value is given.
 *   R disagrees with itself here: print.survfit prints a (minmin returns the first point when no
 *   later value is below one half), quantile.survfit the midpoint of a and the last observed
 *   time (findq in R/quantile.survfit.R), a figure that moves with the length of follow-up.
 * - The curve never gets to one half: not reached; the median is at least the last observed
 *   time ("at least N years"). R prints NA.
 * Exact one half is tested within R's tolerance, sqrt(machine epsilon) (products of fractions
 * such as (19/20)(18/19)...(10/11) = 1/2 round off).
 */
export function medianOf(steps: readonly SurvivalStep[], maxTime: number): MedianEstimate {
  const eventSteps = steps.filter((s) => s.events > 0);
  const fmt = (v: number) => v.toFixed(1);
  const i = eventSteps.findIndex((s) => s.survival <= 0.5 + HALF_TOLERANCE);
  if (i < 0) {
    const lowerBound = steps.length ? maxTime : null;
    return {
      value: null, lowerBound, upperBound: null, reached: false, flat: null,
      short: lowerBound === null ? 'no data' : `at least ${fmt(lowerBound)} years (not reached)`,
      text: lowerBound === null ? 'no data' : `at least ${fmt(lowerBound)} years (median not reached: the curve stays above one half to the last observation)`,
    };
  }
  const a = eventSteps[i].time;
  if (Math.abs(eventSteps[i].survival - 0.5) >= HALF_TOLERANCE) {
    return { value: a, lowerBound: a, upperBound: a, reached: true, flat: null, short: `${fmt(a)} years`, text: `${fmt(a)} years` };
  }
  const next = eventSteps[i + 1];
  if (next) {
    const mid = (a + next.time) / 2;
    return {
      value: mid, lowerBound: a, upperBound: next.time, reached: true, flat: { from: a, to: next.time },
      short: `between ${fmt(a)} and ${fmt(next.time)} years`,
      text: `between ${fmt(a)} and ${fmt(next.time)} years (the curve sits at exactly one half between them; midpoint ${fmt(mid)}, R's convention)`,
    };
  }
  return {
    value: null, lowerBound: a, upperBound: null, reached: false, flat: { from: a, to: maxTime },
    short: `at least ${fmt(a)} years (not reached)`,
    text: `at least ${fmt(a)} years (median not reached: the curve sits at exactly one half from ${fmt(a)} years to the last observation at ${fmt(maxTime)} years and never falls below it)`,
  };
}

/**
 * The first time a confidence band falls to or below one half (a band that has vanished counts
 * as below). When it sits exactly at one half over a stretch closed by a later event, the
 * midpoint of that stretch, as for the median.
 */
function crossingTime(steps: readonly SurvivalStep[], curve: (s: SurvivalStep) => number | null): number | null {
  const eventSteps = steps.filter((s) => s.events > 0);
  const tolerance = HALF_TOLERANCE;
  for (let i = 0; i < eventSteps.length; i++) {
    const value = curve(eventSteps[i]);
    // A band that has vanished (S = 0) lies below one half.
    if (value === null || value <= 0.5 + tolerance) {
      if (value !== null && Math.abs(value - 0.5) < tolerance && i + 1 < eventSteps.length) {
        return (eventSteps[i].time + eventSteps[i + 1].time) / 2;
      }
      return eventSteps[i].time;
    }
  }
  return null;
}

/** S(t): the probability of lasting beyond t (1 before the first event). */
export function survivalAt(curve: Pick<SurvivalCurve, 'steps'>, time: number): number {
  let s = 1;
  for (const step of curve.steps) {
    if (step.time > time) break;
    s = step.survival;
  }
  return s;
}

/**
 * The time by which a share `p` of subjects is estimated to have had the event: the smallest
 * event time with S(t) <= 1 - p; null when the curve does not fall that far.
 */
export function survivalQuantile(curve: Pick<SurvivalCurve, 'steps'>, p: number): number | null {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile ${p} is not between 0 and 1`);
  for (const step of curve.steps) if (step.events > 0 && step.survival <= 1 - p + 1e-12) return step.time;
  return null;
}

/** Area under the step curve from 0 to `tau`: the mean survival time restricted to `tau`. */
export function restrictedMeanSurvival(curve: Pick<SurvivalCurve, 'steps'>, tau: number): number {
  let area = 0;
  let from = 0;
  let s = 1;
  for (const step of curve.steps) {
    if (step.time >= tau) break;
    area += s * (step.time - from);
    from = step.time;
    s = step.survival;
  }
  return area + s * Math.max(0, tau - from);
}

/**
 * Where an age stands against the curve: the estimated share of subjects that had ended by
 * that age (1 - S(age)). An alliance aged at the 90th percentile has outlived about 90%.
 */
export function survivalPercentile(curve: Pick<SurvivalCurve, 'steps'>, age: number): number {
  return 1 - survivalAt(curve, age);
}
