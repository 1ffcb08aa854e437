// The Kaplan-Meier product-limit estimator. Alliances still in force (or whose records stop
// for reasons unrelated to the alliance) are right-censored: they count as at risk up to their
// last observed age and never as an ending. Conventions follow R's survival package so that
// a user can check any figure there: Greenwood variance, log-transformed 95% intervals, and a
// median at the midpoint of a flat stretch of the curve lying exactly at one half.

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
  /** Median survival time: null when the curve never falls to one half. */
  median: number | null;
  /** 95% interval of the median (where the interval bands cross one half); null ends are unbounded. */
  medianLower: number | null;
  medianUpper: number | null;
  /** Longest observed time (event or censored). */
  maxTime: number;
  /** Restricted mean survival time up to `maxTime`: the area under the curve. */
  restrictedMean: number;
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
  return {
    n: subjects.length,
    events: subjects.filter((s) => s.event).length,
    censored: subjects.filter((s) => !s.event).length,
    steps,
    median: crossingTime(steps, (s) => s.survival),
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

/**
 * The first time a curve falls to or below one half. When it sits exactly at one half over a
 * stretch, the midpoint of that stretch (to the next event time), as R's survival package does.
 */
function crossingTime(steps: readonly SurvivalStep[], curve: (s: SurvivalStep) => number | null): number | null {
  const eventSteps = steps.filter((s) => s.events > 0);
  const tolerance = 1e-12;
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
