// The API description generates good clients: every operation has a stable camelCase
// operationId, Redocly's recommended rules pass (redocly.yaml), and a client generated from the
// live description with openapi-typescript typechecks (strict) in a consumer that uses
// openapi-fetch's createClient<paths>(), then calls every GET operation against the server on
// an ephemeral port with example parameters taken from the description, each answer 200 with a
// body the documented schema accepts.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { loadEvidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { openDb } from '../../src/team/db.ts';
import { startServer } from '../../src/interfaces/api/serve.ts';
import type { RunningServer } from '../../src/interfaces/api/serve.ts';
import { testEvidenceDir } from './support.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

interface Schema { type?: string | string[]; example?: unknown; minimum?: number; maximum?: number }
interface Parameter { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema?: Schema; example?: unknown }
interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  info: { license?: { name: string }; contact?: unknown };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** The ledger year the examples use when a route takes a year and the description gives no example. */
const EXAMPLE_YEAR = 2024;

let server: RunningServer;
let doc: Document;
/** The description in team mode (src/team/, PGlite in memory): the team routes besides. */
let teamDoc: Document;
let dir: string;

beforeAll(async () => {
  const evidenceDir = await testEvidenceDir();
  server = await startServer({ evidenceDir, evidence: await loadEvidence(evidenceDir), dashboardDir: null, port: 0, warm: false });
  doc = await (await fetch(`${server.url}/openapi.json`)).json() as Document;
  const db = await openDb({ dir: ':memory:' });
  try {
    const teamApp = await createApp({ evidenceDir, evidence: await loadEvidence(evidenceDir), dashboardDir: null, team: { db, admin: { name: 'admin', password: 'admin-password-1' } } });
    teamDoc = await (await teamApp.request('/openapi.json')).json() as Document;
  } finally {
    await db.close();
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-openapi-client-'));
  // The consumer resolves openapi-fetch and the Node types from the project's node_modules.
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function operations(of: Document = doc): { method: string; path: string; op: Operation }[] {
  return Object.entries(of.paths).flatMap(([p, item]) => Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ method, path: p, op })));
}

/** A parameter's example value: the description's own, or for a year the example year within its range. */
function exampleOf(p: Parameter): unknown {
  const example = p.example ?? p.schema?.example;
  if (example !== undefined) return p.schema?.type === 'integer' ? Number(example) : example;
  if (p.name === 'year' && p.schema?.type === 'integer' && (p.schema.minimum ?? -Infinity) <= EXAMPLE_YEAR && EXAMPLE_YEAR <= (p.schema.maximum ?? Infinity)) return EXAMPLE_YEAR;
  return undefined;
}

/** The path and query of a GET call built from the description's examples (required ones must have one). */
function exampleParams(op: Operation): { path: Record<string, unknown>; query: Record<string, unknown> } {
  const out = { path: {} as Record<string, unknown>, query: {} as Record<string, unknown> };
  for (const p of op.parameters ?? []) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    const value = exampleOf(p);
    if (value === undefined) {
      if (p.required || p.in === 'path') throw new Error(`${op.operationId}: required parameter "${p.name}" has no example in the description`);
      continue;
    }
    out[p.in][p.name] = value;
  }
  return out;
}

/** JSON media in a 200 answer, or null when the route answers text only (a YAML file). */
function jsonSchemaOf(op: Operation): unknown {
  return op.responses['200']?.content?.['application/json']?.schema ?? null;
}

describe('the API description', () => {
  it.each([['single-user', () => doc], ['team mode', () => teamDoc]])('names every operation with a unique camelCase operationId and declares its tags (%s)', (_mode, get) => {
    const doc = get();
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(20);
    const missing = ops.filter(({ op }) => !op.operationId).map(({ method, path: p }) => `${method.toUpperCase()} ${p}`);
    expect(missing, 'operations without an operationId').toEqual([]);
    const ids = ops.map(({ op }) => op.operationId!);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id)), 'operationIds not camelCase').toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'operationIds used twice').toEqual([]);
    // Stable names clients are generated against: renaming one breaks every generated client.
    const byRoute = Object.fromEntries(ops.map(({ method, path: p, op }) => [`${method} ${p}`, op.operationId]));
    expect(byRoute).toMatchObject({
      'get /api/allies': 'listAllies', 'get /api/countries': 'listCountries', 'get /api/observations': 'listObservations',
      'get /api/ledgers': 'listLedgers', 'get /api/ledgers/{ally}': 'getLedger', 'get /api/rankings': 'getRankings',
      'get /api/methodology': 'getMethodology', 'get /api/scenarios/run': 'runScenarios', 'post /api/scenarios/run': 'runScenarioFile',
    });
    const declared = new Map((doc.tags ?? []).map((t) => [t.name, t.description ?? '']));
    for (const { op } of ops) {
      expect(op.tags?.length, `${op.operationId} has a tag`).toBeGreaterThan(0);
      for (const tag of op.tags ?? []) expect(declared.get(tag), `tag "${tag}" declared with a description`).toBeTruthy();
    }
    expect(doc.info.license?.name).toBe('MIT');
    expect(doc.info.contact).toBeTruthy();
    expect(doc.servers?.length).toBeGreaterThan(0);
  });

  it('declares text/csv wherever the route answers ?format=csv', async () => {
    for (const { method, path: p, op } of operations()) {
      if (method !== 'get') continue;
      const formats = (op.parameters ?? []).find((x) => x.name === 'format' && x.in === 'query')?.schema as { enum?: string[] } | undefined;
      if (!formats?.enum?.includes('csv')) continue;
      expect(Object.keys(op.responses['200']?.content ?? {}), `${op.operationId} declares CSV`).toContain('text/csv');
      if (op.operationId !== 'getLedger') continue;
      // The route that lacked it: the CSV it answers is the one declared.
      const { path: params } = exampleParams(op);
      const res = await fetch(`${server.url}${p.replace('{ally}', String(params.ally))}?format=csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    }
  });

  it.each([['single-user', () => doc], ['team mode', () => teamDoc]])('passes Redocly\'s recommended rules (redocly.yaml), with no error and no warning (%s)', async (mode, get) => {
    const file = path.join(dir, `openapi-${mode.replace(/\W+/g, '-')}.json`);
    await writeFile(file, JSON.stringify(get()));
    const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/redocly'), ['lint', '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'json', file], { cwd: ROOT, maxBuffer: 16 << 20, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } })
      .catch((err: { stdout?: string; message: string }) => ({ stdout: err.stdout ?? err.message }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
    expect(report.problems.map((x) => `${x.ruleId}: ${x.message} at ${x.location[0]?.pointer}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});

describe('a client generated from the description', () => {
  it('typechecks (strict) with openapi-fetch and answers every GET operation with the documented body', async () => {
    // 1. Generate the types from the live description.
    const types = astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]));
    await writeFile(path.join(dir, 'api.ts'), types);
    expect(types).toMatch(/export interface operations \{/);
    expect(types).toMatch(/\bgetLedger: \{/);

    // 2. A consumer: every GET operation called with the description's examples, plus typed uses that must compile.
    const gets = operations().filter(({ method }) => method === 'get');
    const calls = gets.map(({ path: p, op }) => {
      const params = exampleParams(op);
      const parts = [
        Object.keys(params.path).length ? `path: ${JSON.stringify(params.path)}` : '',
        Object.keys(params.query).length ? `query: ${JSON.stringify(params.query)}` : '',
      ].filter(Boolean).join(', ');
      const parseAs = jsonSchemaOf(op) ? '' : ', parseAs: \'text\'';
      return `  out.push(await call(${JSON.stringify(op.operationId)}, ${JSON.stringify(p)}, () => client.GET(${JSON.stringify(p)}, { params: { ${parts} }${parseAs} })));`;
    });
    const consumer = `import { writeFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import type { operations, paths } from './api.ts';

const [baseUrl, outFile] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl });
// Routes that also answer CSV or YAML: a client for the JSON media types types every body as its JSON schema.
const json = createClient<paths, 'application/json'>({ baseUrl });

interface Result { operationId: string; path: string; status: number; contentType: string | null; body: unknown }
async function call(operationId: string, path: string, send: () => Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<Result> {
  const { data, error, response } = await send();
  return { operationId, path, status: response.status, contentType: response.headers.get('content-type'), body: data ?? error };
}

// Typed uses: these lines compile only if the generated types describe the API.
type LedgerQuery = NonNullable<operations['getLedger']['parameters']['query']>;
const query: LedgerQuery = { year: 2024, partners: 'true' };
async function typed(): Promise<void> {
  const { data } = await json.GET('/api/ledgers/{ally}', { params: { path: { ally: 'JPN' }, query } });
  if (data) {
    const net: number | null = data.net;
    const lines: { item: string; score: number | null; sources: string[] }[] = data.lines;
    void net; void lines;
  }
  const allies = await client.GET('/api/allies', {});
  if (allies.data && typeof allies.data === 'object') {
    const first: { iso3: string; region: string | null } | undefined = allies.data.rows[0];
    void first;
  }
  // @ts-expect-error: no such path
  await client.GET('/api/no-such-route', {});
  // @ts-expect-error: the ally is a path parameter, and required
  await client.GET('/api/ledgers/{ally}', { params: { query: { year: 2024 } } });
  // @ts-expect-error: year is a number
  await client.GET('/api/ledgers', { params: { query: { year: 'last' } } });
}
void typed;

const out: Result[] = [];
${calls.join('\n')}
writeFileSync(outFile, JSON.stringify(out));
`;
    const consumerFile = path.join(dir, 'consumer.ts');
    await writeFile(consumerFile, consumer);

    // 3. Typecheck it, strict.
    const program = ts.createProgram([consumerFile], {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true, skipLibCheck: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: ['node'],
      typeRoots: [path.join(dir, 'node_modules/@types')], noUnusedLocals: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})` : ''));
    expect(diagnostics).toEqual([]);

    // 4. Run it against the server, every GET operation through openapi-fetch.
    const resultsFile = path.join(dir, 'results.json');
    await run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), consumerFile, server.url, resultsFile], { cwd: dir, maxBuffer: 16 << 20 });
    const results = JSON.parse(await readFile(resultsFile, 'utf8')) as { operationId: string; path: string; status: number; contentType: string | null; body: unknown }[];
    expect(results.map((r) => r.operationId).sort()).toEqual(gets.map(({ op }) => op.operationId).sort());

    // 5. Each answer: 200, a documented media type, and a JSON body the documented schema accepts.
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: doc.components ?? {} });
    for (const r of results) {
      const op = doc.paths[r.path].get;
      expect(r.status, `${r.operationId}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
      const media = (r.contentType ?? '').split(';')[0];
      expect(Object.keys(op.responses['200'].content ?? {}), `${r.operationId} answers a documented media type`).toContain(media);
      const schema = jsonSchemaOf(op);
      if (media !== 'application/json' || !schema) {
        expect(typeof r.body, r.operationId).toBe('string');
        continue;
      }
      const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')) as object);
      expect(validate(r.body) ? [] : validate.errors, `${r.operationId} body matches its schema`).toEqual([]);
    }
  }, 240_000);
});
