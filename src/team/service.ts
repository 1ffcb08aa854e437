// The team server's engine room: the store opened on the team's database, checked against the
// methodology and evidence the server loaded, and ledgers computed from the judgment set
// published now. The set in force is read from the database on every request (one small
// query), so two server processes against one database serve the same ledgers; the judgments
// of a set version are kept in memory only as a cache keyed by that version.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CuratedFileError } from '../evidence/sources.ts';
import { DEFAULT_JUDGMENTS_FILE } from '../method/files.ts';
import { checkJudgments, parseJudgments } from '../method/judgments.ts';
import type { Judgment } from '../method/judgments.ts';
import { computeLedger } from '../method/ledger.ts';
import type { AllyLedger } from '../method/ledger.ts';
import type { Methodology } from '../method/methodology.ts';
import { RobustnessPool } from '../method/robustness-parallel.ts';
import { drawSettingsOf } from '../method/robustness.ts';
import type { RobustnessResult } from '../method/robustness.ts';
import { scoreMatrix } from '../method/score-matrix.ts';
import type { Evidence } from '../evidence/load.ts';
import { openDb } from './db.ts';
import type { Db, DbOptions } from './db.ts';
import { TeamError, invalid, missing } from './errors.ts';
import { judgmentsOfSet } from './judgment-sets.ts';
import type { JudgmentSet } from './judgment-sets.ts';
import { TeamStore } from './store.ts';
import type { TeamCatalog } from './store.ts';

export interface TeamOptions extends DbOptions {
  /** An already open database (tests); otherwise opened from url/dir. */
  db?: Db;
  /** The first admin, created when the database has no account (ALLIES_ADMIN / ALLIES_ADMIN_PASSWORD). */
  admin?: { name: string; password: string };
  /** The judgments file imported as set 1 (default: the engine's). */
  judgmentsFile?: string;
  /**
   * The PostgreSQL server `POST /api/team/evidence/push` writes to (default: `url`, the team's
   * own server); none on PGlite.
   */
  pushUrl?: string;
}

export { teamOptionsFromEnv } from './env.ts';

export function catalogOf(evidence: Evidence, methodology: Methodology): TeamCatalog {
  return {
    judgments: methodology.judgments,
    allies: new Set(evidence.allies().map((a) => a.iso3)),
    sources: new Set(evidence.sources.map((s) => s.id)),
  };
}

export class TeamService {
  private readonly judgmentsBySet = new Map<number, Judgment[]>();
  private pool: RobustnessPool | null = null;

  private constructor(
    readonly store: TeamStore, readonly evidence: Evidence, readonly methodology: Methodology, private readonly ownsDb: boolean,
    /** Where `allies db push` from the team server writes (PostgreSQL only), or null. */
    readonly pushUrl: string | null = null,
  ) {}

  static async start(evidence: Evidence, methodology: Methodology, options: TeamOptions = {}): Promise<TeamService> {
    const db = options.db ?? await openDb(options);
    try {
      const catalog = catalogOf(evidence, methodology);
      const file = options.judgmentsFile ?? DEFAULT_JUDGMENTS_FILE;
      const located = parseJudgments(path.basename(file), await readFile(file, 'utf8'));
      const judgments = checkJudgments(located, methodology, catalog.allies, catalog.sources);
      const store = await TeamStore.open(db, catalog, { name: located.data.judgments, description: located.data.description, judgments });
      if (options.admin && await store.accountCount() === 0) {
        await store.createAccount(null, { name: options.admin.name, role: 'admin', password: options.admin.password }, 'first admin, from ALLIES_ADMIN at start').catch((err: unknown) => {
          // Another process starting at once made it: fine.
          if (!(err instanceof TeamError && err.status === 409)) throw err;
        });
      }
      return new TeamService(store, evidence, methodology, !options.db, options.pushUrl ?? options.url ?? null);
    } catch (err) {
      if (!options.db) await db.close();
      throw err;
    }
  }

  /** A judgments file's text, checked against the methodology, imported as the next set. */
  parseSetFile(text: string): { name: string; description: string; judgments: Judgment[] } {
    try {
      const located = parseJudgments('upload.yaml', text);
      return { name: located.data.judgments, description: located.data.description, judgments: checkJudgments(located, this.methodology, this.store.catalog.allies, this.store.catalog.sources) };
    } catch (err) {
      if (err instanceof CuratedFileError) throw invalid('yaml', `${err.line !== null ? `line ${err.line}: ` : ''}${err.field ? `field "${err.field}": ` : ''}${err.problem}`);
      throw err;
    }
  }

  async judgmentsOf(version?: number): Promise<{ set: JudgmentSet | null; version: number; judgments: Judgment[] }> {
    const v = version ?? await this.store.currentSetVersion();
    if (v === null) throw missing('a published judgment set', 'set');
    const hit = this.judgmentsBySet.get(v);
    if (hit) return { set: null, version: v, judgments: hit };
    const set = await this.store.set(v);
    const judgments = judgmentsOfSet(set);
    if (this.judgmentsBySet.size > 16) this.judgmentsBySet.delete(this.judgmentsBySet.keys().next().value!);
    this.judgmentsBySet.set(v, judgments);
    return { set, version: v, judgments };
  }

  /**
   * One ally's ledger under a set (default: the set published now), every judgment line with its
   * provenance; under the server's methodology, or a team methodology already checked.
   */
  async allyLedger(ally: string, year: number, version?: number, methodology: Methodology = this.methodology): Promise<{ set_version: number; ledger: AllyLedger }> {
    const { version: v, judgments } = await this.judgmentsOf(version);
    if (year < methodology.years.first) throw invalid('year', `${year} is before the first year of methodology ${methodology.methodology} (${methodology.years.first})`);
    const ledger = computeLedger({ evidence: this.evidence, methodology, judgments }, year);
    const one = ledger.allies.find((a) => a.ally === ally);
    if (!one) throw new TeamError(404, 'not_found', `ally: ${ally} is not one of the allies of ${year}`, 'ally');
    return { set_version: v, ledger: one };
  }

  /**
   * Robustness of a year's ranking under a set: judgments are drawn within each entry's range,
   * which for a published round spans the raters' spread (the aggregate's stated rule).
   */
  async robustness(year: number, options: { draws?: number; seed?: number; version?: number } = {}): Promise<{ set_version: number; result: RobustnessResult }> {
    const { version: v, judgments } = await this.judgmentsOf(options.version);
    const ledger = computeLedger({ evidence: this.evidence, methodology: this.methodology, judgments }, year);
    const settings = drawSettingsOf(this.methodology.robustness, { ...(options.draws !== undefined ? { draws: options.draws } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
    this.pool ??= new RobustnessPool();
    return { set_version: v, result: await this.pool.run(scoreMatrix(ledger, this.methodology), settings, this.methodology.robustness.interval) };
  }

  async close(): Promise<void> {
    await this.pool?.close();
    if (this.ownsDb) await this.store.db.close();
  }
}
