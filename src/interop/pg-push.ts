// `allies db push`: the evidence, the registries, the ledgers of every year and the methodology
// into the analyst's own PostgreSQL (15 or later), in one transaction.
//
// The evidence tables are derived at run time from evidence/datapackage.json, never hard-coded:
// one table per resource (observations/wdi.csv -> observations_wdi, tables/allies.csv -> allies,
// country_names.csv -> country_names), the package's field types, primary keys, foreign keys,
// required/unique/enum constraints, and COMMENT ON TABLE/COLUMN from its titles and descriptions.
// Resources that share a folder and a schema (observations/*.csv) are also one view
// (`observations`, UNION ALL, with the resource each row came from). The ledger tables follow the
// ledger export's columns (src/exports/table.ts) and the methodology's line items.
//
// Idempotent by replacement, not upsert: inside the transaction the tables of the previous push
// (listed in `alliance_ledger_push`) and of this one are dropped and created again, then loaded
// with COPY ... FROM STDIN. An upsert would keep rows the rebuilt evidence no longer has and
// could not follow a changed column or key; replacing makes a second push give exactly the same
// state, and readers see the old tables until the commit. Anything else in the schema (the
// analyst's own tables) stays; views over our tables are dropped with them (CASCADE).
// Any error rolls the whole push back: the database keeps its previous state.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { EVIDENCE_DIR } from '../evidence/load.ts';
import { ledgerTable } from '../exports/table.ts';
import type { ExportColumn } from '../exports/table.ts';
import { DEFAULT_METHODOLOGY_FILE } from '../method/files.ts';
import { loadLedgerInputs } from '../method/files.ts';
import { computeLedger, latestYear } from '../method/ledger.ts';
import type { AllyLedger } from '../method/ledger.ts';

export const DEFAULT_SCHEMA = 'alliance_ledger';
/** The table that records what the last push wrote (tables, versions): the next push replaces exactly those. */
export const PUSH_TABLE = 'alliance_ledger_push';

// ---------------------------------------------------------------------------------------------
// The descriptor

interface FieldDescriptor {
  name: string;
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  constraints?: { required?: boolean; unique?: boolean; enum?: unknown[] };
}
interface ForeignKeyDescriptor {
  fields: string | string[];
  reference: { resource: string; fields: string | string[] };
}
interface ResourceDescriptor {
  name: string;
  path: string | string[];
  title?: string;
  description?: string;
  dialect?: { delimiter?: string; quoteChar?: string; doubleQuote?: boolean; header?: boolean };
  schema: {
    fields: FieldDescriptor[];
    primaryKey?: string | string[];
    foreignKeys?: ForeignKeyDescriptor[];
    missingValues?: string[];
  };
}
interface PackageDescriptor {
  name?: string;
  title?: string;
  description?: string;
  resources: ResourceDescriptor[];
}

/** A column of a table we create: name, SQL type, constraints and comment. */
export interface ColumnPlan {
  name: string;
  sqlType: string;
  notNull: boolean;
  unique: boolean;
  enumValues?: string[];
  comment: string;
}

export interface TablePlan {
  /** SQL table name (unquoted, lower-case). */
  table: string;
  /** Resource name in the descriptor, or null for the ledger and methodology tables. */
  resource: string | null;
  comment: string;
  columns: ColumnPlan[];
  primaryKey: string[];
  foreignKeys: { columns: string[]; table: string; references: string[] }[];
}

const SQL_TYPES: Record<string, string> = {
  string: 'text', integer: 'bigint', number: 'double precision', boolean: 'boolean', date: 'date', datetime: 'timestamptz',
  time: 'time', year: 'integer', yearmonth: 'text', duration: 'interval', object: 'jsonb', array: 'jsonb', geopoint: 'text', geojson: 'jsonb', any: 'text',
};

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string): string => `'${text.replaceAll('\'', '\'\'')}'`;

/** The SQL table a resource loads into: its name in snake case, without the tables- prefix of the evidence tables. */
export function tableNameOfResource(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^tables_/, '');
}

function pathsOf(r: ResourceDescriptor): string[] {
  return list(r.path);
}

/** The evidence tables, from the descriptor. */
export function planEvidenceTables(pkg: PackageDescriptor): TablePlan[] {
  const byResource = new Map(pkg.resources.map((r) => [r.name, tableNameOfResource(r.name)]));
  return pkg.resources.map((r) => {
    const pk = list(r.schema.primaryKey);
    return {
      table: byResource.get(r.name)!,
      resource: r.name,
      comment: [r.title, r.description].filter(Boolean).join(': ') || `${r.name} (${pathsOf(r).join(', ')})`,
      columns: r.schema.fields.map((f) => ({
        name: f.name,
        sqlType: SQL_TYPES[f.type ?? 'string'] ?? 'text',
        notNull: f.constraints?.required === true,
        unique: f.constraints?.unique === true,
        enumValues: f.constraints?.enum?.map(String),
        comment: [f.title, f.description].filter(Boolean).join(': ') || `${f.name} (${f.type ?? 'string'})`,
      })),
      primaryKey: pk,
      foreignKeys: (r.schema.foreignKeys ?? []).flatMap((fk) => {
        // An empty resource name refers to the resource itself (Table Schema).
        const target = fk.reference.resource === '' ? byResource.get(r.name) : byResource.get(fk.reference.resource);
        return target ? [{ columns: list(fk.fields), table: target, references: list(fk.reference.fields) }] : [];
      }),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The ledger and methodology tables (derived from the export's columns and the methodology)

const SQL_OF_EXPORT: Record<ExportColumn['type'], string> = { string: 'text', integer: 'bigint', number: 'double precision', boolean: 'boolean' };

type Cell = string | number | boolean | null;
interface RowsTable { plan: TablePlan; rows: Cell[][] }

function col(name: string, sqlType: string, comment: string, notNull = false): ColumnPlan {
  return { name, sqlType, notNull, unique: false, comment };
}

async function ledgerTables(options: PushOptions, tableOf: (resource: string) => string | null): Promise<{ tables: RowsTable[]; methodology: { id: string; version: string; sha256: string }; years: { first: number; latest: number } }> {
  const methodologyFile = options.methodologyFile ?? DEFAULT_METHODOLOGY_FILE;
  const inputs = await loadLedgerInputs({ evidenceDir: options.evidenceDir, methodologyFile, judgmentsFile: options.judgmentsFile });
  const m = inputs.methodology;
  const first = m.years.first;
  const latest = latestYear(inputs);
  const ledgers: AllyLedger[] = [];
  for (let y = first; y <= latest; y++) {
    ledgers.push(...computeLedger(inputs, y).allies);
    // Let the evidence COPY running meanwhile move on between years.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const methodologyText = await readFile(methodologyFile, 'utf8');
  const sha256 = createHash('sha256').update(methodologyText).digest('hex');
  const countries = tableOf('countries');
  const sources = tableOf('sources');

  // ledgers: one row per ally and year.
  const summary: TablePlan = {
    table: 'ledgers', resource: null,
    comment: `Balance sheets: one row per ally and year (${first}-${latest}), methodology ${m.methodology} ${m.version}; the year's allies on 31 December, partners left out`,
    columns: [
      col('year', 'bigint', 'year of the ledger', true), col('ally', 'text', 'ISO 3166 alpha-3 code of the ally', true), col('name', 'text', 'name of the ally'),
      col('region', 'text', 'analytic region'), col('standing', 'text', 'treaty | mnna | treated-as-mnna: the standing on 31 December of the year'),
      col('standing_label', 'text', 'e.g. "NATO since 2004"'), col('assets', 'double precision', 'asset points (weighted mean score of the asset lines x the asset balance)'),
      col('liabilities', 'double precision', 'liability points'), col('net', 'double precision', 'assets minus liabilities'),
      col('ranked', 'boolean', 'ranked: coverage reaches the methodology\'s minimum and both sides have lines'), col('rank', 'bigint', '1 = highest net among the ranked allies of the year'),
      col('coverage', 'double precision', 'share of all line-item weight with observed data'), col('coverage_assets', 'double precision', 'share of the asset weight with observed data'),
      col('coverage_liabilities', 'double precision', 'share of the liability weight with observed data'), col('items_observed', 'bigint', 'line items with observed data'),
      col('items_imputed', 'bigint', 'line items with an imputed score'), col('items_missing', 'bigint', 'line items without a score'),
    ],
    primaryKey: ['year', 'ally'],
    foreignKeys: countries ? [{ columns: ['ally'], table: countries, references: ['iso3'] }] : [],
  };
  const summaryRows = ledgers.map((l): Cell[] => [
    l.year, l.ally, l.name, l.region, l.membership.standing, l.membership.label, l.assets, l.liabilities, l.net, l.ranked, l.rank,
    l.coverage.overall, l.coverage.assets, l.coverage.liabilities, l.coverage.itemsObserved, l.coverage.itemsImputed, l.coverage.itemsMissing,
  ]);

  // ledger_lines: the ledger export, column for column (its names and types, as `allies export ledgers`).
  const exported = ledgerTable(ledgers);
  const lines: TablePlan = {
    table: 'ledger_lines', resource: null,
    comment: 'Line items of every ledger with their points, values and sources, one row per ally, year and line item, then the ally\'s totals (total_assets, total_liabilities, net): the columns of `allies export ledgers`; empty text is NULL',
    columns: exported.columns.map((c) => col(c.name, SQL_OF_EXPORT[c.type], c.description, ['year', 'ally', 'item'].includes(c.name))),
    primaryKey: ['year', 'ally', 'item'],
    foreignKeys: [{ columns: ['year', 'ally'], table: 'ledgers', references: ['year', 'ally'] }],
  };
  const lineRows = exported.rows.map((r) => exported.columns.map((c): Cell => (c.type === 'string' && r[c.name] === '' ? null : r[c.name])));

  // ledger_line_sources: every source behind a line, one row each.
  const lineSources: TablePlan = {
    table: 'ledger_line_sources', resource: null,
    comment: 'The sources behind every ledger line (observations, judgments\' citations, table rows), one row per line and source',
    columns: [col('year', 'bigint', 'year of the ledger', true), col('ally', 'text', 'ISO 3166 alpha-3 code of the ally', true), col('item', 'text', 'line item id', true), col('source', 'text', 'source id', true)],
    primaryKey: ['year', 'ally', 'item', 'source'],
    foreignKeys: [
      { columns: ['year', 'ally', 'item'], table: 'ledger_lines', references: ['year', 'ally', 'item'] },
      ...(sources ? [{ columns: ['source'], table: sources, references: ['id'] }] : []),
    ],
  };
  const lineSourceRows = ledgers.flatMap((l) => l.lines.flatMap((line) => [...new Set(line.sources)].map((s): Cell[] => [l.year, l.ally, line.item, s])));

  // methodology: the version the ledgers were computed with.
  const methodology: TablePlan = {
    table: 'methodology', resource: null,
    comment: 'The methodology the ledgers were computed with (one row), its file verbatim',
    columns: [
      col('id', 'text', 'methodology id', true), col('version', 'text', 'semantic version', true), col('title', 'text', 'title'), col('description', 'text', 'description'),
      col('date', 'date', 'date of the version'), col('authors', 'text', 'authors, ;-separated'), col('first_year', 'bigint', 'first year with a ledger'),
      col('latest_year', 'bigint', 'latest year with a ledger (the last year the methodology\'s indicators cover enough allies)'),
      col('asset_balance', 'double precision', 'balance factor of the assets'), col('liability_balance', 'double precision', 'balance factor of the liabilities'),
      col('file', 'text', 'methodology file name'), col('sha256', 'text', 'SHA-256 of the methodology file'), col('yaml', 'text', 'the methodology file as YAML'),
    ],
    primaryKey: ['id'],
    foreignKeys: [],
  };
  const methodologyRows: Cell[][] = [[
    m.methodology, m.version, m.title, m.description, m.date, m.authors.join(';'), first, latest, m.balance.assets, m.balance.liabilities,
    path.basename(methodologyFile), sha256, methodologyText,
  ]];

  // methodology_items: the line items, their weights and definitions.
  const items: TablePlan = {
    table: 'methodology_items', resource: null,
    comment: 'The methodology\'s line items: side, heading, construct, measure, normalization, weight, missing-data policy, rationale and citations',
    columns: [
      col('item', 'text', 'line item id', true), col('position', 'bigint', 'order in the methodology file', true), col('side', 'text', 'asset | liability', true),
      col('line_group', 'text', 'the heading the item appears under in the T-account'), col('label', 'text', 'label'), col('unit', 'text', 'unit of the raw value'),
      col('construct', 'text', 'what the line measures'), col('weight', 'double precision', 'weight within its side', true),
      col('missing_policy', 'text', 'exclude | impute:<with>'), col('staleness_years', 'double precision', 'how old an observation may be (empty: the methodology\'s)'),
      col('measure', 'jsonb', 'the measure (indicator reads and operations) as in the methodology file'), col('normalize', 'jsonb', 'the normalization'),
      col('rationale', 'text', 'why the line is there and signed as it is'), col('citations', 'jsonb', 'citations: source id and locator'),
    ],
    primaryKey: ['item'],
    foreignKeys: [],
  };
  const itemRows = m.items.map((it, i): Cell[] => [
    it.id, i + 1, it.side, it.group, it.label, it.unit, it.construct ?? null, it.weight,
    it.missing.policy === 'impute' ? `impute:${it.missing.with}` : it.missing.policy, typeof it.staleness_years === 'number' ? it.staleness_years : null,
    JSON.stringify(it.measure), JSON.stringify(it.normalize), it.rationale.trim(), JSON.stringify(it.citations),
  ]);

  return {
    tables: [
      { plan: methodology, rows: methodologyRows }, { plan: items, rows: itemRows },
      { plan: summary, rows: summaryRows }, { plan: lines, rows: lineRows }, { plan: lineSources, rows: lineSourceRows },
    ],
    methodology: { id: m.methodology, version: m.version, sha256 },
    years: { first, latest },
  };
}

// ---------------------------------------------------------------------------------------------
// COPY ... FROM STDIN through pg's protocol (pg has no copy streams of its own)

const CHUNK = 1 << 16;

/** Run a COPY ... FROM STDIN, sending `data`; resolves to the rows copied. */
export function copyFrom(client: pg.Client, sql: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(sql) as pg.Query & {
      handleCopyInResponse: (con: { sendCopyFromChunk: (b: Buffer) => void; endCopyFrom: () => void }) => void;
      callback: (err: Error | null, res?: { rowCount: number | null }) => void;
    };
    query.handleCopyInResponse = (con) => {
      for (let i = 0; i < data.length; i += CHUNK) con.sendCopyFromChunk(data.subarray(i, i + CHUNK));
      con.endCopyFrom();
    };
    query.callback = (err, res) => (err ? reject(err) : resolve(res?.rowCount ?? 0));
    void client.query(query as unknown as pg.QueryConfig);
  });
}

/** Rows as COPY's CSV: NULL unquoted empty, text always quoted (so an empty string stays one). */
export function copyCsv(rows: readonly Cell[][]): Buffer {
  const parts: string[] = [];
  for (const row of rows) {
    parts.push(row.map((v) => {
      if (v === null) return '';
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      return `"${v.replaceAll('"', '""')}"`;
    }).join(','));
  }
  return Buffer.from(parts.length ? `${parts.join('\n')}\n` : '', 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Connecting

/** A connection failure or a bad URL, with a message naming the server but never the password. */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/** host:port of a database URL, for messages (never the user's password). */
export function describeServer(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || decodeURIComponent(u.searchParams.get('host') ?? '') || 'localhost';
    return `${host}:${u.port || '5432'}`;
  } catch {
    return 'the server';
  }
}

export function checkDatabaseUrl(url: string | undefined): string {
  if (!url) throw new DatabaseUrlError('no database URL: give --database-url postgres://user:password@host:5432/dbname or set DATABASE_URL');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DatabaseUrlError('the database URL is not a URL: give postgres://user:password@host:5432/dbname (percent-encode special characters in the password)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new DatabaseUrlError(`the database URL must start with postgres:// or postgresql:// (given ${u.protocol}//${u.hostname})`);
  return url;
}

/** Why a connection failed, naming host and port (never the password). */
export function connectionMessage(err: unknown, server: string, url: string): string {
  const e = err as { code?: string; message?: string };
  const user = (() => { try { return decodeURIComponent(new URL(url).username); } catch { return ''; } })();
  const database = (() => { try { return decodeURIComponent(new URL(url).pathname.slice(1)); } catch { return ''; } })();
  switch (e.code) {
    case 'ECONNREFUSED': return `cannot connect to PostgreSQL at ${server}: connection refused (is the server running and listening on that port?)`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `cannot connect to PostgreSQL at ${server}: host not found`;
    case 'ETIMEDOUT': return `cannot connect to PostgreSQL at ${server}: timed out`;
    case '28P01': case '28000': return `PostgreSQL at ${server} refused user "${user}": authentication failed (check the user and password in the URL)`;
    case '3D000': return `PostgreSQL at ${server} has no database "${database}" (create it first: createdb ${database})`;
    default: {
      // pg's own messages do not carry the password; strip the URL's anyway, should one ever quote it.
      const password = (() => { try { return decodeURIComponent(new URL(url).password); } catch { return ''; } })();
      let text = e.message ?? String(err);
      if (password) text = text.replaceAll(password, '***');
      return `cannot connect to PostgreSQL at ${server}: ${text}`;
    }
  }
}

/**
 * A connected client, or a DatabaseUrlError naming host and port (never the password) that says
 * why it could not connect. `config` adds to the connection (application name, options, types).
 */
export async function openClient(url: string, config: Omit<pg.ClientConfig, 'connectionString'> = {}): Promise<{ client: pg.Client; server: string }> {
  checkDatabaseUrl(url);
  const server = describeServer(url);
  const client = new pg.Client({ connectionTimeoutMillis: 15_000, ...config, connectionString: url });
  // An error event after connecting (server gone) must not crash the process: the query fails instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new DatabaseUrlError(connectionMessage(err, server, url));
  }
  return { client, server };
}

export async function connect(url: string): Promise<pg.Client> {
  const { client, server } = await openClient(url, { application_name: 'alliance-ledger db push' });
  const version = Number((await client.query<{ server_version_num: string }>('show server_version_num')).rows[0]?.server_version_num ?? 0);
  if (version < 150000) {
    await client.end().catch(() => undefined);
    throw new DatabaseUrlError(`PostgreSQL at ${server} is version ${Math.floor(version / 10000)}: db push needs 15 or later (UNIQUE NULLS NOT DISTINCT, COPY HEADER MATCH)`);
  }
  return client;
}

// ---------------------------------------------------------------------------------------------
// The push

export interface PushOptions {
  /** postgres:// URL (default $DATABASE_URL). */
  databaseUrl?: string;
  /** Schema to write to (default alliance_ledger); created when missing. */
  schema?: string;
  evidenceDir?: string;
  methodologyFile?: string;
  judgmentsFile?: string;
  /** Leave out the ledger and methodology tables (evidence and registries only). */
  evidenceOnly?: boolean;
  /** Called after each step (tests use it to fail a push half-way). */
  onStep?: (step: string) => void | Promise<void>;
}

export interface PushedTable {
  table: string;
  resource: string | null;
  rows: number;
  primaryKey: string[];
  /** How the key was made: primary key as declared, or (nulls in a key column) an identity row id with UNIQUE NULLS NOT DISTINCT. */
  key: 'primary' | 'unique-nulls-not-distinct' | 'none';
  foreignKeys: number;
}

export interface PushReport {
  server: string;
  schema: string;
  tables: PushedTable[];
  views: string[];
  evidenceSha256: string;
  methodology: { id: string; version: string; sha256: string } | null;
  years: { first: number; latest: number } | null;
  ms: { total: number; evidence: number; ledgers: number; constraints: number };
}

function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new DatabaseUrlError(`--schema "${schema}": lower-case letters, digits and underscores, starting with a letter (at most 63)`);
  if (/^pg_/.test(schema) || schema === 'information_schema') throw new DatabaseUrlError(`--schema "${schema}" is reserved by PostgreSQL`);
  return schema;
}

function createTableSql(schema: string, plan: TablePlan): string {
  const cols = plan.columns.map((c) => `${ident(c.name)} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE TABLE ${ident(schema)}.${ident(plan.table)} (${cols.join(', ')})`;
}

async function commentSql(client: pg.Client, schema: string, plan: TablePlan, rowId: boolean, extra: string): Promise<void> {
  const t = `${ident(schema)}.${ident(plan.table)}`;
  const statements = [`COMMENT ON TABLE ${t} IS ${literal(plan.comment + extra)}`];
  for (const c of plan.columns) statements.push(`COMMENT ON COLUMN ${t}.${ident(c.name)} IS ${literal(c.comment)}`);
  if (rowId) statements.push(`COMMENT ON COLUMN ${t}."row_id" IS ${literal('row number in the file (a key: some rows leave a column of the natural key empty)')}`);
  await client.query(statements.join(';\n'));
}

/** The key of a loaded table: PRIMARY KEY as declared, or when a key column holds NULLs, the identity row id and UNIQUE NULLS NOT DISTINCT. */
async function addKey(client: pg.Client, schema: string, plan: TablePlan): Promise<PushedTable['key']> {
  const t = `${ident(schema)}.${ident(plan.table)}`;
  for (const c of plan.columns) {
    if (c.unique && !plan.primaryKey.includes(c.name)) await client.query(`ALTER TABLE ${t} ADD UNIQUE (${ident(c.name)})`);
    if (c.enumValues?.length) await client.query(`ALTER TABLE ${t} ADD CHECK (${ident(c.name)} IN (${c.enumValues.map(literal).join(', ')}))`);
  }
  if (!plan.primaryKey.length) return 'none';
  const cols = plan.primaryKey.map(ident).join(', ');
  // The key as declared; should a key column hold NULLs (23502), back to the savepoint for the other form.
  await client.query('SAVEPOINT alliance_ledger_key');
  try {
    await client.query(`ALTER TABLE ${t} ADD CONSTRAINT ${ident(`${plan.table}_pkey`)} PRIMARY KEY (${cols})`);
    await client.query('RELEASE SAVEPOINT alliance_ledger_key');
    return 'primary';
  } catch (err) {
    if ((err as { code?: string }).code !== '23502') throw new Error(`${plan.table}: primary key (${plan.primaryKey.join(', ')}): ${(err as Error).message}`, { cause: err });
    await client.query('ROLLBACK TO SAVEPOINT alliance_ledger_key');
  }
  // The rows keep the files' order: the identity numbers them as loaded.
  await client.query(`ALTER TABLE ${t} ADD COLUMN "row_id" bigint GENERATED ALWAYS AS IDENTITY`);
  await client.query(`ALTER TABLE ${t} ADD CONSTRAINT ${ident(`${plan.table}_pkey`)} PRIMARY KEY ("row_id")`);
  await client.query(`ALTER TABLE ${t} ADD CONSTRAINT ${ident(`${plan.table}_key`)} UNIQUE NULLS NOT DISTINCT (${cols})`);
  return 'unique-nulls-not-distinct';
}

/** COPY options for a resource's CSV as the descriptor's dialect and missing values state it. */
function copyOptions(r: ResourceDescriptor, columns: string[]): string {
  const d = r.dialect ?? {};
  const missing = r.schema.missingValues ?? [''];
  if (missing.length > 1) throw new Error(`${r.name}: missingValues ${JSON.stringify(missing)}: db push handles one missing-value marker per resource`);
  const opts = [`FORMAT csv`, `HEADER ${d.header === false ? 'false' : 'MATCH'}`, `DELIMITER ${literal(d.delimiter ?? ',')}`, `QUOTE ${literal(d.quoteChar ?? '"')}`, `ENCODING 'UTF8'`];
  if (missing.length === 1) {
    opts.push(`NULL ${literal(missing[0])}`);
    // A quoted empty cell is missing too, as Frictionless reads it.
    if (missing[0] === '' && columns.length) opts.push(`FORCE_NULL (${columns.map(ident).join(', ')})`);
  } else {
    opts.push('NULL E\'\\x01\'');
  }
  return opts.join(', ');
}

/** Same folder, same fields: resources that are one table split into files (observations/*.csv) get one view. */
function unionViews(pkg: PackageDescriptor, tables: Map<string, string>): { view: string; resources: ResourceDescriptor[] }[] {
  const groups = new Map<string, ResourceDescriptor[]>();
  for (const r of pkg.resources) {
    const p = pathsOf(r)[0] ?? '';
    const folder = p.includes('/') ? p.slice(0, p.indexOf('/')) : '';
    if (!folder) continue;
    const key = `${folder}\u0000${r.schema.fields.map((f) => `${f.name}:${f.type ?? 'string'}`).join(',')}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()]
    .filter(([, rs]) => rs.length > 1)
    .map(([key, rs]) => ({ view: tableNameOfResource(key.split('\u0000')[0]), resources: rs }))
    .filter(({ view }) => ![...tables.values()].includes(view));
}

/**
 * Push the evidence, registries, ledgers and methodology into PostgreSQL, in one transaction.
 * Throws DatabaseUrlError for a bad URL or a server it cannot reach; any other error rolls back.
 */
export async function pushToPostgres(options: PushOptions = {}): Promise<PushReport> {
  const started = performance.now();
  const url = checkDatabaseUrl(options.databaseUrl ?? process.env.DATABASE_URL);
  const schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const evidenceDir = path.resolve(options.evidenceDir ?? EVIDENCE_DIR);
  const step = async (name: string) => { await options.onStep?.(name); };

  const pkgText = await readFile(path.join(evidenceDir, 'datapackage.json'), 'utf8');
  const pkg = JSON.parse(pkgText) as PackageDescriptor;
  const evidencePlans = planEvidenceTables(pkg);
  const tableOfResource = new Map(evidencePlans.map((p) => [p.resource!, p.table]));
  const seen = new Set<string>();
  for (const p of evidencePlans) {
    if (seen.has(p.table) || p.table === PUSH_TABLE) throw new Error(`evidence/datapackage.json: two resources load into table "${p.table}"; rename one`);
    seen.add(p.table);
  }
  const evidenceHash = createHash('sha256').update(pkgText);
  const files = new Map<string, Buffer[]>();
  for (const r of pkg.resources) {
    const parts = await Promise.all(pathsOf(r).map((p) => readFile(path.join(evidenceDir, p))));
    files.set(r.name, parts);
    for (const b of parts) evidenceHash.update(b);
  }
  const evidenceSha256 = evidenceHash.digest('hex');

  const views = unionViews(pkg, tableOfResource);
  const ledgerNames = ['methodology', 'methodology_items', 'ledgers', 'ledger_lines', 'ledger_line_sources'];
  const clash = evidencePlans.find((p) => ledgerNames.includes(p.table));
  if (clash && !options.evidenceOnly) throw new Error(`evidence/datapackage.json: resource "${clash.resource}" loads into "${clash.table}", the name of a ledger table; rename the resource`);

  const client = await connect(url);
  const server = describeServer(url);
  // The ledgers are computed while the evidence is copied (the server works, this process computes).
  let ledgerMs = 0;
  const ledgerWork = options.evidenceOnly ? Promise.resolve(null) : (async () => {
    const t0 = performance.now();
    const result = await ledgerTables({ ...options, evidenceDir }, (resource) => tableOfResource.get(resource) ?? null);
    ledgerMs = performance.now() - t0;
    return result;
  })();
  ledgerWork.catch(() => undefined);
  const pushed: PushedTable[] = [];
  const ms = { evidence: 0, constraints: 0 };
  let ledgers: Awaited<typeof ledgerWork> | undefined;
  try {
    await client.query('BEGIN');
    // Index builds for the keys in memory; the setting ends with the transaction.
    await client.query('SET LOCAL maintenance_work_mem = \'256MB\'');
    // One push at a time per schema; a second waits for the first to commit.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`alliance-ledger db push ${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    // Replace what the previous push wrote (its own list), and whatever has the names of this push's tables.
    const hasPrevious = (await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${ident(schema)}.${ident(PUSH_TABLE)}`])).rows[0]?.t;
    const previous = hasPrevious ? await client.query<{ tables: string[]; views: string[] }>(`SELECT tables, views FROM ${ident(schema)}.${ident(PUSH_TABLE)}`) : null;
    const oldViews = new Set([...(previous?.rows[0]?.views ?? []), ...views.map((v) => v.view)]);
    const oldTables = new Set([...(previous?.rows[0]?.tables ?? []), ...evidencePlans.map((p) => p.table), ...(options.evidenceOnly ? [] : ledgerNames), PUSH_TABLE]);
    for (const v of oldViews) await client.query(`DROP VIEW IF EXISTS ${ident(schema)}.${ident(v)} CASCADE`);
    if (oldTables.size) await client.query(`DROP TABLE IF EXISTS ${[...oldTables].map((t) => `${ident(schema)}.${ident(t)}`).join(', ')} CASCADE`);
    await step('dropped');

    // The evidence: every resource, COPY of the file as it is (HEADER MATCH checks its columns against the descriptor).
    const evidenceStarted = performance.now();
    for (const plan of evidencePlans) {
      const r = pkg.resources.find((x) => x.name === plan.resource)!;
      await client.query(createTableSql(schema, plan));
      const columns = plan.columns.map((c) => ident(c.name)).join(', ');
      const sql = `COPY ${ident(schema)}.${ident(plan.table)} (${columns}) FROM STDIN WITH (${copyOptions(r, plan.columns.map((c) => c.name))})`;
      let rows = 0;
      // Each file of the resource with its own header line.
      for (const [i, data] of files.get(r.name)!.entries()) {
        rows += await copyFrom(client, sql, data).catch((err: Error) => { throw new Error(`evidence/${pathsOf(r)[i]}: ${err.message}`, { cause: err }); });
      }
      pushed.push({ table: plan.table, resource: plan.resource, rows, primaryKey: plan.primaryKey, key: 'none', foreignKeys: plan.foreignKeys.length });
      await step(`table:${plan.table}`);
    }
    ms.evidence = performance.now() - evidenceStarted;

    ledgers = await ledgerWork;
    for (const t of ledgers?.tables ?? []) {
      await client.query(createTableSql(schema, t.plan));
      const columns = t.plan.columns.map((c) => ident(c.name)).join(', ');
      const rows = await copyFrom(client, `COPY ${ident(schema)}.${ident(t.plan.table)} (${columns}) FROM STDIN WITH (FORMAT csv)`, copyCsv(t.rows));
      pushed.push({ table: t.plan.table, resource: null, rows, primaryKey: t.plan.primaryKey, key: 'none', foreignKeys: t.plan.foreignKeys.length });
      await step(`table:${t.plan.table}`);
    }

    // Keys after the load (one index build each), then foreign keys, comments and views.
    const constraintsStarted = performance.now();
    const plans = [...evidencePlans, ...(ledgers?.tables ?? []).map((t) => t.plan)];
    for (const plan of plans) {
      const entry = pushed.find((p) => p.table === plan.table)!;
      entry.key = await addKey(client, schema, plan);
    }
    await step('keys');
    for (const plan of plans) {
      for (const [i, fk] of plan.foreignKeys.entries()) {
        await client.query(`ALTER TABLE ${ident(schema)}.${ident(plan.table)} ADD CONSTRAINT ${ident(`${plan.table}_fk${i + 1}`)} FOREIGN KEY (${fk.columns.map(ident).join(', ')}) REFERENCES ${ident(schema)}.${ident(fk.table)} (${fk.references.map(ident).join(', ')})`)
          .catch((err: Error) => { throw new Error(`${plan.table}: foreign key (${fk.columns.join(', ')}) -> ${fk.table} (${fk.references.join(', ')}): ${err.message}`, { cause: err }); });
      }
    }
    await step('foreign-keys');
    for (const plan of plans) {
      const entry = pushed.find((p) => p.table === plan.table)!;
      await commentSql(client, schema, plan, entry.key === 'unique-nulls-not-distinct', entry.key === 'unique-nulls-not-distinct' ? ` (key: ${plan.primaryKey.join(', ')}, unique with NULLs not distinct; row_id is the primary key)` : '');
    }
    for (const v of views) {
      const cols = v.resources[0].schema.fields.map((f) => ident(f.name)).join(', ');
      const body = v.resources.map((r) => `SELECT ${literal(r.name)}::text AS resource, ${cols} FROM ${ident(schema)}.${ident(tableOfResource.get(r.name)!)}`).join('\nUNION ALL\n');
      await client.query(`CREATE VIEW ${ident(schema)}.${ident(v.view)} AS ${body}`);
      const fields = v.resources[0].schema.fields;
      await client.query([
        `COMMENT ON VIEW ${ident(schema)}.${ident(v.view)} IS ${literal(`${v.resources.length} resources in one: ${v.resources.map((r) => tableOfResource.get(r.name)).join(', ')}`)}`,
        `COMMENT ON COLUMN ${ident(schema)}.${ident(v.view)}."resource" IS 'the resource (file) of the row in evidence/datapackage.json'`,
        ...fields.map((f) => `COMMENT ON COLUMN ${ident(schema)}.${ident(v.view)}.${ident(f.name)} IS ${literal([f.title, f.description].filter(Boolean).join(': ') || f.name)}`),
      ].join(';\n'));
    }
    ms.constraints = performance.now() - constraintsStarted;

    // What this push wrote: the next one replaces exactly this.
    await client.query(`CREATE TABLE ${ident(schema)}.${ident(PUSH_TABLE)} (evidence_sha256 text NOT NULL, package text, methodology text, methodology_version text, methodology_sha256 text, first_year bigint, latest_year bigint, tables text[] NOT NULL, views text[] NOT NULL)`);
    const pushComments: Record<string, string> = {
      evidence_sha256: 'SHA-256 of datapackage.json and every file it lists, as pushed', package: 'name of the data package',
      methodology: 'methodology id of the ledgers', methodology_version: 'its version', methodology_sha256: 'SHA-256 of the methodology file',
      first_year: 'first ledger year', latest_year: 'latest ledger year', tables: 'the tables this push wrote (the next push replaces them)', views: 'the views this push wrote',
    };
    await client.query([
      `COMMENT ON TABLE ${ident(schema)}.${ident(PUSH_TABLE)} IS 'What the last allies db push wrote: the evidence and methodology versions, its tables and views (replaced by the next push)'`,
      ...Object.entries(pushComments).map(([c, text]) => `COMMENT ON COLUMN ${ident(schema)}.${ident(PUSH_TABLE)}.${ident(c)} IS ${literal(text)}`),
    ].join(';\n'));
    await client.query(
      `INSERT INTO ${ident(schema)}.${ident(PUSH_TABLE)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [evidenceSha256, pkg.name ?? null, ledgers?.methodology.id ?? null, ledgers?.methodology.version ?? null, ledgers?.methodology.sha256 ?? null, ledgers?.years.first ?? null, ledgers?.years.latest ?? null, pushed.map((p) => p.table), views.map((v) => v.view)],
    );
    await step('commit');
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    server, schema, tables: pushed, views: views.map((v) => v.view), evidenceSha256,
    methodology: ledgers?.methodology ?? null, years: ledgers?.years ?? null,
    ms: { total: performance.now() - started, evidence: ms.evidence, ledgers: ledgerMs, constraints: ms.constraints },
  };
}
