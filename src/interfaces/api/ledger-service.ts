// The balance-sheet engine behind the API: the shipped methodology and judgments checked
// against the evidence once, and ledgers, robustness runs and burden-sharing reports
// computed on demand and kept per (methodology version, year, weights).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Evidence } from '../../evidence/load.ts';
import { computeBurdenSharing } from '../../method/burden.ts';
import type { BurdenReport } from '../../method/burden.ts';
import { absenceOf } from '../../method/membership.ts';
import { notFound } from './problem.ts';
import { DEFAULT_JUDGMENTS_FILE, DEFAULT_METHODOLOGY_FILE, loadJudgments, loadMethodology } from '../../method/files.ts';
import type { Judgment } from '../../method/judgments.ts';
import { computeLedger, latestYear } from '../../method/ledger.ts';
import type { YearLedger } from '../../method/ledger.ts';
import type { Methodology } from '../../method/methodology.ts';
import { RobustnessPool } from '../../method/robustness-parallel.ts';
import { drawSettingsOf, scoreMatrix } from '../../method/robustness.ts';
import type { RobustnessResult } from '../../method/robustness.ts';
import type { HeavyWork } from './heavy-work.ts';
import { activeJudgmentSet, judgmentSetKey } from './judgment-scope.ts';
import { invalidField } from './problem.ts';

/** Weights that differ from the methodology's, by line-item id. */
export type WeightOverrides = Readonly<Record<string, number>>;

export interface EngineFiles {
  methodologyFile?: string;
  judgmentsFile?: string;
}

/** Bounded memo: the oldest entry leaves first. */
class Memo<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly capacity: number) {}
  get(key: string, make: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
    return value;
  }
  forget(key: string): void {
    this.entries.delete(key);
  }
}

export function weightsKey(weights: WeightOverrides): string {
  return Object.keys(weights).sort().map((k) => `${k}:${weights[k]}`).join(',');
}

/** `item:weight,item:weight` as the API and the dashboard's URLs write it. */
export function parseWeightOverrides(raw: string | undefined, methodology: Methodology): WeightOverrides {
  if (raw === undefined || raw === '') return {};
  const ids = new Set(methodology.items.map((i) => i.id));
  const out: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const m = /^([a-z][a-z0-9_]*):(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw invalidField('weights', `"${part}" is not of the form item_id:number (e.g. defense_effort:1.5)`);
    if (!ids.has(m[1])) throw invalidField('weights', `"${m[1]}" is not a line item of methodology ${methodology.methodology}; items: ${[...ids].join(', ')}`);
    const w = Number(m[2]);
    if (w > 1000) throw invalidField('weights', `${m[1]}: ${w} is above the maximum weight of 1000`);
    if (methodology.items.find((i) => i.id === m[1])!.weight !== w) out[m[1]] = w;
  }
  const weighted = withWeights(methodology, out);
  for (const side of ['asset', 'liability'] as const) {
    if (!weighted.items.some((i) => i.side === side && i.weight > 0)) throw invalidField('weights', `every ${side} weight is 0: a balance sheet needs at least one weighted ${side}`);
  }
  return out;
}

export function withWeights(methodology: Methodology, weights: WeightOverrides): Methodology {
  if (Object.keys(weights).length === 0) return methodology;
  return { ...methodology, items: methodology.items.map((i) => (i.id in weights ? { ...i, weight: weights[i.id] } : i)) };
}

export class LedgerService {
  private readonly ledgers = new Memo<YearLedger>(48);
  private readonly burdens = new Memo<BurdenReport>(48);
  private readonly robustnessRuns = new Memo<Promise<RobustnessResult>>(48);
  private pool: RobustnessPool | null = null;
  /** The API's worker threads for heavy jobs (createApp attaches them); without, runs stay in-process. */
  private heavyWork: HeavyWork | null = null;

  private constructor(
    readonly evidence: Evidence,
    readonly methodology: Methodology,
    /** The judgments file's; in team mode a request's published set replaces them (judgment-scope.ts). */
    private readonly fileJudgments: Judgment[],
    /** The methodology file as shipped (YAML), for download and for editing in the browser. */
    readonly methodologyText: string,
    /** Hash of the methodology and judgments files: with the evidence version, fixes every result. */
    private readonly fileVersion: string,
    readonly years: { first: number; latest: number },
  ) {}

  static async load(evidence: Evidence, files: EngineFiles = {}): Promise<LedgerService> {
    const methodologyFile = files.methodologyFile ?? DEFAULT_METHODOLOGY_FILE;
    const judgmentsFile = files.judgmentsFile ?? DEFAULT_JUDGMENTS_FILE;
    const methodology = await loadMethodology(evidence, methodologyFile);
    const judgments = await loadJudgments(evidence, methodology, undefined, judgmentsFile);
    const [methodologyText, judgmentsText] = await Promise.all([readFile(methodologyFile, 'utf8'), readFile(judgmentsFile, 'utf8')]);
    const version = createHash('sha256').update(methodologyText).update('\0').update(judgmentsText).digest('hex').slice(0, 16);
    const years = { first: methodology.years.first, latest: latestYear({ evidence, methodology }) };
    return new LedgerService(evidence, methodology, judgments, methodologyText, version, years);
  }

  /** The judgments results are computed with: the file's, or in team mode the set published now. */
  get judgments(): Judgment[] {
    return activeJudgmentSet()?.judgments ?? this.fileJudgments;
  }

  /** What fixes every result with the evidence version (cache keys, ETags): the files' hash, and in team mode the set's version. */
  get version(): string {
    const set = activeJudgmentSet();
    return set ? `${this.fileVersion}.set${set.version}` : this.fileVersion;
  }

  checkYear(year: number | undefined, field = 'year'): number {
    if (year === undefined) return this.years.latest;
    if (year < this.years.first || year > this.years.latest) {
      throw invalidField(field, `${year} is outside the years the methodology covers (${this.years.first}-${this.years.latest})`);
    }
    return year;
  }

  /** The year's ledger: its allies, and with `partners` its partners too (unranked, on the allies' scale). */
  ledger(year: number, weights: WeightOverrides = {}, partners = false): YearLedger {
    return this.ledgers.get(`${year}|${weightsKey(weights)}|${partners ? 'partners' : ''}${judgmentSetKey()}`, () =>
      computeLedger({ evidence: this.evidence, methodology: withWeights(this.methodology, weights), judgments: this.judgments, partners }, year));
  }

  burden(year: number): BurdenReport {
    return this.burdens.get(String(year), () => computeBurdenSharing(this.evidence, this.methodology, year));
  }

  attachHeavyWork(work: HeavyWork): void {
    this.heavyWork = work;
  }

  /** The heavy-work queue the API runs robustness, tiers and scenario runs on. */
  get heavy(): HeavyWork | null {
    return this.heavyWork;
  }

  /** Robustness of a year's ranking; draws and seed default to the methodology's. `signal`: the requester went away. */
  robustness(year: number, options: { draws?: number; seed?: number; weights?: WeightOverrides; signal?: AbortSignal } = {}): Promise<RobustnessResult> {
    const m = withWeights(this.methodology, options.weights ?? {});
    const settings = drawSettingsOf(m.robustness, {
      ...(options.draws !== undefined ? { draws: options.draws } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    // In the API the run goes to a worker thread; the queue remembers results of equal runs.
    if (this.heavyWork) return this.heavyWork.run({ kind: 'robustness', year, draws: settings.draws, seed: settings.seed, weights: Object.fromEntries(Object.entries(options.weights ?? {}).sort()) }, options.signal);
    const key = `${year}|${settings.draws}|${settings.seed}|${weightsKey(options.weights ?? {})}${judgmentSetKey()}`;
    return this.robustnessRuns.get(key, () => {
      const matrix = scoreMatrix(this.ledger(year, options.weights), m);
      this.pool ??= new RobustnessPool();
      const run = this.pool.run(matrix, settings, m.robustness.interval);
      // A failed run is not remembered: the next request tries again.
      run.catch(() => this.robustnessRuns.forget(key));
      return run;
    });
  }

  async close(): Promise<void> {
    await this.heavyWork?.close();
    await this.pool?.close();
  }
}

/**
 * The 404 for a covered country that is not one of the year's allies: why (its standing), and
 * what to ask for instead (partners=true, or the first year it is an ally). `partnersWill`
 * says what partners=true gives on the route asking.
 */
export function notAnAllyInYear(evidence: Parameters<typeof absenceOf>[0], iso3: string, year: number, years: { first: number; latest: number }, partnersWill: string): ReturnType<typeof notFound> {
  const a = absenceOf(evidence, iso3, year, years);
  const hint = a.partner ? ` Add partners=true ${partnersWill}, scored on the allies' scale and not ranked.`
    : a.alliedIn !== null ? ` Its ledgers as an ally start in ${a.alliedIn} (year=${a.alliedIn}).` : ' It is not an ally in any year the methodology covers.';
  return notFound(`${a.message}${hint}`, 'ally');
}
