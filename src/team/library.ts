// The team library: methodologies and scenarios of the team, managed by editors (issue 14,
// items 1 and 5). Each is a YAML text held to the project's own checkers (the ones `allies sheet
// --method FILE` and `allies scenario run FILE` use), so a refusal names the line and the field
// in the checkers' words. Every record carries a version: a write against a stale one gets 409
// with the current record. Every write appends its audit row (actor, before, after, reason) in
// the same transaction, and resolves only after COMMIT.
import type { Evidence } from '../evidence/load.ts';
import { CuratedFileError } from '../evidence/sources.ts';
import { evidenceCatalog } from '../method/files.ts';
import { checkMethodology, parseMethodology } from '../method/methodology.ts';
import type { EvidenceCatalog, Methodology } from '../method/methodology.ts';
import { checkScenario, parseScenario } from '../scenarios/load.ts';
import type { Scenario, ScenarioContext } from '../scenarios/load.ts';
import type { Db, Sql } from './db.ts';
import { TeamError, conflict, invalid, missing } from './errors.ts';
import type { Actor } from './store.ts';

export const LIBRARY_KINDS = ['methodology', 'scenario'] as const;
export type LibraryKind = (typeof LIBRARY_KINDS)[number];

const TABLE: Record<LibraryKind, string> = { methodology: 'team_methodologies', scenario: 'team_scenarios' };
/** The route segment of a kind: /api/team/methodologies, /api/team/scenarios. */
export const PLURAL: Record<LibraryKind, string> = { methodology: 'methodologies', scenario: 'scenarios' };

export const LIBRARY_NAME = /^[a-z0-9][a-z0-9-]{0,79}$/;
/** The largest text taken (the shipped methodology is 45 KB, the largest scenario 3 KB). */
export const MAX_LIBRARY_TEXT: Record<LibraryKind, number> = { methodology: 500_000, scenario: 100_000 };

export interface LibrarySummary {
  kind: LibraryKind;
  name: string;
  title: string;
  version: number;
  /** What the checked file says of itself: methodology id, version, line items, years; scenario id, horizon, changes. */
  summary: Record<string, unknown>;
  author: string | null;
  updated_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface LibraryRecord extends LibrarySummary {
  yaml: string;
}

/** What a team scenario is checked against: the engine's methodology and the judgments in force now. */
export type ScenarioContextOf = () => ScenarioContext;

const iso = (d: unknown): string => (d instanceof Date ? d.toISOString() : String(d));

type Row = Record<string, unknown>;

function recordOf(kind: LibraryKind, r: Row): LibraryRecord {
  return {
    kind, name: String(r.name), title: String(r.title), version: Number(r.version), summary: (r.summary ?? {}) as Record<string, unknown>,
    author: r.author === null || r.author === undefined ? null : String(r.author), updated_by: r.updated_by_name === null || r.updated_by_name === undefined ? null : String(r.updated_by_name),
    created_at: iso(r.created_at), updated_at: iso(r.updated_at), yaml: String(r.yaml),
  };
}

const summaryOf = (r: LibraryRecord): LibrarySummary => {
  const { yaml: _y, ...rest } = r;
  return rest;
};

const select = (kind: LibraryKind, what = 't.*') => `SELECT ${what}, a.name AS author, u.name AS updated_by_name FROM ${TABLE[kind]} t
  LEFT JOIN team_accounts a ON a.id = t.author_id LEFT JOIN team_accounts u ON u.id = t.updated_by`;

/** A checker's refusal as the API gives it: 400, the line and the field, the checker's own words. */
export function yamlProblem(err: unknown): unknown {
  if (!(err instanceof CuratedFileError)) return err;
  const where = `${err.line !== null ? `line ${err.line}` : ''}${err.line !== null && err.field ? ', ' : ''}${err.field ? `field "${err.field}"` : ''}`;
  return new TeamError(400, 'invalid_request', `yaml: ${where ? `${where}: ` : ''}${err.problem}. ${err.hint}`, err.field ? `yaml.${err.field}` : 'yaml', { line: err.line });
}

export class TeamLibrary {
  private catalog: EvidenceCatalog | null = null;
  /** Checked methodologies by name and version (records are immutable per version). */
  private readonly methodologies = new Map<string, Methodology>();

  constructor(readonly db: Db, readonly evidence: Evidence, private readonly scenarioContext: ScenarioContextOf) {}

  /** Parse and check a text as the CLI checks a file; returns the title and the summary kept beside it. */
  check(kind: LibraryKind, name: string, yaml: string): { title: string; summary: Record<string, unknown>; checked: Methodology | Scenario } {
    if (yaml.length > MAX_LIBRARY_TEXT[kind]) throw invalid('yaml', `at most ${MAX_LIBRARY_TEXT[kind].toLocaleString('en-US')} characters`);
    const file = `team ${kind} ${name}`;
    try {
      if (kind === 'methodology') {
        this.catalog ??= evidenceCatalog(this.evidence);
        const m = checkMethodology(parseMethodology(file, yaml), this.catalog);
        return { title: m.title, summary: { methodology: m.methodology, version: m.version, items: m.items.length, judgments: Object.keys(m.judgments).length, first_year: m.years.first }, checked: m };
      }
      const s = checkScenario(parseScenario(file, yaml), this.scenarioContext());
      return { title: s.title, summary: { scenario: s.id, horizon: s.horizon, changes: s.changes.length, kinds: [...new Set(s.changes.map((c) => c.spec.kind))] }, checked: s };
    } catch (err) {
      throw yamlProblem(err);
    }
  }

  async list(kind: LibraryKind): Promise<LibrarySummary[]> {
    return (await this.db.query(`${select(kind, 't.name, t.title, t.version, t.summary, t.created_at, t.updated_at, \'\' AS yaml')} ORDER BY t.name`)).map((r) => summaryOf(recordOf(kind, r)));
  }

  async get(kind: LibraryKind, name: string, tx: Sql = this.db, lock = ''): Promise<LibraryRecord | null> {
    const [r] = await tx.query(`${select(kind)} WHERE t.name = $1 ${lock}`, [name]);
    return r ? recordOf(kind, r) : null;
  }

  async require(kind: LibraryKind, name: string): Promise<LibraryRecord> {
    const r = await this.get(kind, name);
    if (!r) throw missing(`${kind} "${name}"`, 'name');
    return r;
  }

  async create(actor: Actor, kind: LibraryKind, input: { name: string; yaml: string; reason?: string }): Promise<LibraryRecord> {
    if (!LIBRARY_NAME.test(input.name)) throw invalid('name', 'lower-case letters, digits and dashes (1 to 80), starting with a letter or digit');
    const { title, summary } = this.check(kind, input.name, input.yaml);
    return this.db.transaction(async (tx) => {
      const made = await tx.query(
        `INSERT INTO ${TABLE[kind]} (name, title, yaml, summary, author_id, updated_by) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (name) DO NOTHING RETURNING name`,
        [input.name, title, input.yaml, JSON.stringify(summary), actor.id],
      );
      if (!made.length) {
        const now = await this.get(kind, input.name, tx);
        throw conflict(`name: the team has a ${kind} named "${input.name}" (version ${now?.version}); revise it with PUT /api/team/${PLURAL[kind]}/${input.name} and that version`, now, 'name');
      }
      const record = (await this.get(kind, input.name, tx))!;
      await audit(tx, actor, 'create', kind, input.name, null, record, input.reason);
      return record;
    });
  }

  async revise(actor: Actor, kind: LibraryKind, name: string, input: { yaml: string; version: number; reason?: string }): Promise<LibraryRecord> {
    const { title, summary } = this.check(kind, name, input.yaml);
    return this.db.transaction(async (tx) => {
      const before = await this.get(kind, name, tx, 'FOR UPDATE OF t');
      if (!before) throw missing(`${kind} "${name}"`, 'name');
      if (before.version !== input.version) throw conflict(`version: ${kind} "${name}" is at version ${before.version}, not ${input.version}; reload it and apply your change again`, before);
      await tx.query(`UPDATE ${TABLE[kind]} SET title = $2, yaml = $3, summary = $4, updated_by = $5, version = version + 1, updated_at = now() WHERE name = $1`,
        [name, title, input.yaml, JSON.stringify(summary), actor.id]);
      const after = (await this.get(kind, name, tx))!;
      await audit(tx, actor, 'update', kind, name, before, after, input.reason);
      return after;
    });
  }

  async remove(actor: Actor, kind: LibraryKind, name: string, input: { version: number; reason?: string }): Promise<LibrarySummary> {
    return this.db.transaction(async (tx) => {
      const before = await this.get(kind, name, tx, 'FOR UPDATE OF t');
      if (!before) throw missing(`${kind} "${name}"`, 'name');
      if (before.version !== input.version) throw conflict(`version: ${kind} "${name}" is at version ${before.version}, not ${input.version}; reload it and delete again if you still mean to`, before);
      await tx.query(`DELETE FROM ${TABLE[kind]} WHERE name = $1`, [name]);
      await audit(tx, actor, 'delete', kind, name, before, null, input.reason);
      return summaryOf(before);
    });
  }

  /** A team methodology checked against the evidence, kept per name and version. */
  async methodology(name: string): Promise<{ record: LibraryRecord; methodology: Methodology }> {
    const record = await this.require('methodology', name);
    const key = `${name}@${record.version}`;
    let m = this.methodologies.get(key);
    if (!m) {
      m = this.check('methodology', name, record.yaml).checked as Methodology;
      if (this.methodologies.size > 16) this.methodologies.delete(this.methodologies.keys().next().value!);
      this.methodologies.set(key, m);
    }
    return { record, methodology: m };
  }
}

// The audit row, as src/team/store.ts writes it (the same table and columns; append-only).
async function audit(tx: Sql, actor: Actor, action: string, entity: string, entityId: string, before: unknown, after: unknown, reason?: string): Promise<void> {
  await tx.query('INSERT INTO team_audit (actor_id, actor, action, entity, entity_id, before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    actor.id, actor.name, action, entity, entityId,
    before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), reason ?? null,
  ]);
}
