// The API description is the API: requests generated from /openapi.json (valid values within
// every parameter's schema, and malformed ones: hex and empty numbers, out-of-range years,
// unknown parameters) must get a status the description lists for the route, never a 5xx, a
// body of a documented media type, and for JSON a body the documented schema accepts.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../../src/interfaces/api/app.ts';
import { MAX_BODY_BYTES } from '../../src/interfaces/api/body-limit.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import { testEvidenceDir } from './support.ts';

interface Schema {
  type?: string | string[];
  minLength?: number;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
}
interface Parameter { name: string; in: 'query' | 'path'; required?: boolean; schema?: Schema; example?: unknown }
interface Operation { parameters?: Parameter[]; requestBody?: unknown; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
interface Document { paths: Record<string, Record<string, Operation>>; components?: Record<string, unknown> }

/** A request drawn from the description, and whether every part of it is valid by the schemas. */
interface Drawn { url: string; valid: boolean; inRangeIntegers: Set<string>; init?: RequestInit; label: string }
interface Value { text: string; valid: boolean }

/** Requests per operation (three times that with a body, whose kinds are more): a few hundred in all, so the test stays well under a minute. */
const RUNS_PER_OPERATION = 14;
/**
 * Draws are bounded by the description (up to 2,000,000 for /api/robustness); the contract is
 * the same at 300 draws as at the cap, and the cap's cost is the heavy-work tests' business.
 */
const DRAWS_TESTED = 300;

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

let app: OpenAPIHono;
let doc: Document;
let ajv: Ajv2020;
const validators = new Map<string, ValidateFunction>();
let scenarioTexts: string[] = [];

beforeAll(async () => {
  const evidenceDir = await testEvidenceDir();
  app = await createApp({ evidenceDir, evidence: await loadEvidence(evidenceDir), dashboardDir: null });
  doc = await (await app.request('/openapi.json')).json() as Document;
  // The document's schemas are JSON Schema 2020-12 (OpenAPI 3.1); its own keywords (example) are annotations.
  ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: doc.components ?? {} });
  const dir = path.resolve('scenarios');
  scenarioTexts = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.yaml')).slice(0, 3).map((f) => readFile(path.join(dir, f), 'utf8')));
});

function validatorFor(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"openapi.json#/components/')) as object);
    validators.set(key, v);
  }
  return v;
}

const typeOf = (s: Schema | undefined) => (Array.isArray(s?.type) ? s.type.find((t) => t !== 'null') : s?.type);

/** Values of one parameter: mostly valid by its schema, some not. */
function valueArb(p: Parameter): fc.Arbitrary<Value> {
  const s = p.schema ?? {};
  const valid = (a: fc.Arbitrary<string>) => a.map((text) => ({ text, valid: true }));
  const invalid = (...texts: string[]) => fc.constantFrom(...texts).map((text) => ({ text, valid: false }));
  if (typeOf(s) === 'integer') {
    const min = s.minimum ?? -1000;
    const max = p.name === 'draws' ? Math.min(s.maximum ?? DRAWS_TESTED, min + DRAWS_TESTED) : (s.maximum ?? min + 1000);
    return fc.oneof(
      { weight: 4, arbitrary: valid(fc.integer({ min, max }).map(String)) },
      { weight: 1, arbitrary: valid(fc.constantFrom(String(min), String(max))) },
      // Hex, exponent, padded, fractional and empty numbers, and the neighbours of the range.
      { weight: 2, arbitrary: invalid('', '0x7E8', '1e3', ' 2020', '2020.0', '+5', 'abc', String(min - 1), ...(s.maximum !== undefined ? [String(s.maximum + 1)] : [])) },
    );
  }
  if (s.enum) {
    return fc.oneof({ weight: 4, arbitrary: valid(fc.constantFrom(...s.enum.map(String))) }, { weight: 1, arbitrary: invalid('', 'XML', 'TRUE') });
  }
  if (s.pattern) {
    const pattern = new RegExp(s.pattern);
    const examples = [p.example, 'JPN', 'KOR,DEU', 'milex_share_gdp', 'sipri-milex-2025', 'hns-japan-x4', 'allies', 'us_commitments']
      .filter((x): x is string => typeof x === 'string' && pattern.test(x));
    return fc.oneof(
      { weight: 6, arbitrary: valid(examples.length ? fc.constantFrom(...examples) : fc.stringMatching(pattern, { size: 'xsmall' })) },
      { weight: 2, arbitrary: valid(fc.stringMatching(pattern, { size: 'xsmall' }).filter((x) => x.length < 60)) },
      { weight: 1, arbitrary: invalid('', '<script>', 'J P', '..', 'é') },
    );
  }
  // A free string (weights): anything long enough is schema-valid; the route judges it. Empty, below minLength, is a 400.
  const minLength = s.minLength ?? 0;
  const free = valid(fc.oneof(fc.constantFrom('defense_effort:2', 'nothing:1', 'defense_effort:x'), fc.string({ minLength, maxLength: 12 })));
  return minLength > 0 ? fc.oneof({ weight: 4, arbitrary: free }, { weight: 1, arbitrary: invalid('') }) : free;
}

function requestArb(route: string, method: string, op: Operation): fc.Arbitrary<Drawn> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(...pathParams.map((p) => valueArb(p).filter((v) => v.text !== '' && !v.text.includes('/') && v.text !== '..')));
  const queryArb = fc.tuple(...queryParams.map((p) => (p.required ? valueArb(p) : fc.option(valueArb(p), { freq: 2 }))));
  const unknownArb = fc.option(fc.constantFrom('yaer', 'callback', 'foo'), { freq: 4 });
  // Half the requests keep to the schemas (every malformed query value left out), so the
  // routes' work is reached as often as their validation.
  return fc.tuple(pathArb, queryArb, unknownArb, bodyArb(op), fc.boolean()).map(([pathValues, rawQueryValues, rawUnknown, body, clean]) => {
    const queryValues = rawQueryValues.map((v, i) => (clean && v && !v.valid ? (queryParams[i].required ? { text: String(queryParams[i].example ?? v.text), valid: true } : null) : v));
    const unknown = clean ? null : rawUnknown;
    let url = route;
    pathParams.forEach((p, i) => { url = url.replace(`{${p.name}}`, encodeURIComponent(pathValues[i].text)); });
    const search = new URLSearchParams();
    const inRangeIntegers = new Set<string>();
    let valid = pathValues.every((v) => v.valid);
    queryParams.forEach((p, i) => {
      const v = queryValues[i];
      if (v === null) return;
      search.set(p.name, v.text);
      valid &&= v.valid;
      if (v.valid && typeOf(p.schema) === 'integer') inRangeIntegers.add(p.name);
    });
    if (unknown) { search.set(unknown, '1'); valid = false; }
    if (body && !body.valid) valid = false;
    const query = search.toString();
    return {
      url: query ? `${url}?${query}` : url, valid, inRangeIntegers,
      init: body ? { method: method.toUpperCase(), body: body.body, headers: body.headers } : undefined,
      label: body ? `${body.label}` : '',
    };
  });
}

/** Bodies of a POST: scenario files as written, text that is not a scenario, and bodies that are not JSON (415) or not the schema (400). */
function bodyArb(op: Operation): fc.Arbitrary<{ body: string; headers: Record<string, string>; valid: boolean; label: string } | null> {
  if (!op.requestBody) return fc.constant(null);
  const json = { 'content-type': 'application/json' };
  return fc.oneof(
    fc.constantFrom(...scenarioTexts).map((yaml) => ({ body: JSON.stringify({ yaml }), headers: json, valid: true, label: 'a built-in scenario' })),
    fc.string({ maxLength: 40 }).filter((s) => s.length > 0).map((yaml) => ({ body: JSON.stringify({ yaml }), headers: json, valid: true, label: 'random text' })),
    fc.constantFrom('x: *nope', 'title: "\u001b[31mred"\nhorizon: 2030\nchanges: []').map((yaml) => ({ body: JSON.stringify({ yaml }), headers: json, valid: true, label: 'odd YAML' })),
    fc.constant({ body: 'yaml: x', headers: { 'content-type': 'text/plain' }, valid: false, label: 'text/plain' }),
    fc.constant({ body: '{"yaml":', headers: json, valid: false, label: 'malformed JSON' }),
    fc.constant({ body: '{"text":"x"}', headers: json, valid: false, label: 'wrong member' }),
    fc.constant({ body: JSON.stringify({ yaml: 'x'.repeat(MAX_BODY_BYTES) }), headers: json, valid: false, label: 'a body over the limit' }),
  );
}

/** Every way a response can break the description; empty when it keeps it. */
async function mismatches(op: Operation, drawn: Drawn, res: Response): Promise<string[]> {
  const out: string[] = [];
  const documented = op.responses[String(res.status)];
  const text = await res.text();
  if (res.status >= 500) out.push(`${res.status}: ${text.slice(0, 200)}`);
  if (!documented) return [...out, `status ${res.status} is not documented (documented: ${Object.keys(op.responses).join(', ')}): ${text.slice(0, 200)}`];
  if (!drawn.valid && ![400, 413, 415].includes(res.status)) out.push(`invalid input answered ${res.status}, not 400`);
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  const content = documented.content ?? {};
  if (!(mediaType in content)) return [...out, `content type ${mediaType} is not documented for ${res.status} (documented: ${Object.keys(content).join(', ')})`];
  if (mediaType.endsWith('json')) {
    const body: unknown = JSON.parse(text);
    const validate = validatorFor(content[mediaType].schema ?? {});
    if (!validate(body)) out.push(`body does not match the ${res.status} schema: ${ajv.errorsText(validate.errors?.slice(0, 3))}`);
    // A valid request refused for a number within the documented range: the range is not what is served.
    const field = (body as { field?: string }).field;
    if (drawn.valid && res.status === 400 && field && drawn.inRangeIntegers.has(field) && field !== 'from') {
      out.push(`"${field}" within the documented range refused: ${(body as { message?: string }).message}`);
    }
  }
  return out;
}

describe('the API keeps its description', () => {
  it('answers requests generated from /openapi.json with documented statuses, media types and schemas', async () => {
    const failures: string[] = [];
    let requests = 0;
    const statuses = new Map<number, number>();
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        await fc.assert(fc.asyncProperty(requestArb(route, method, op), async (drawn) => {
          const res = await app.request(drawn.url, drawn.init);
          requests++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const found = await mismatches(op, drawn, res);
          if (found.length) failures.push(`${method.toUpperCase()} ${drawn.url} ${drawn.label}: ${found.join('; ')}`);
        }), { numRuns: op.requestBody ? 3 * RUNS_PER_OPERATION : RUNS_PER_OPERATION, seed: 15 });
      }
    }
    console.log(`contract: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${failures.length} mismatches`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(requests).toBeGreaterThan(200);
    // The generated requests reach the routes' work, not only their validation.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(requests / 4);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(requests / 10);
    // The POST's statuses besides 200 and 400 were drawn too.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([413, 415]));
  });

  it('states the served years as the schema\'s range and parses numbers strictly', async () => {
    const years = (await (await app.request('/api/methodology')).json() as { years: { first: number; latest: number } }).years;
    const yearSchema = doc.paths['/api/ledgers'].get.parameters?.find((p) => p.name === 'year')?.schema;
    expect(yearSchema).toMatchObject({ type: 'integer', minimum: years.first, maximum: years.latest });
    for (const bad of ['0x7E8', '', '2024.0', '2e3', ' 2024']) {
      const res = await app.request(`/api/ledgers?year=${encodeURIComponent(bad)}`);
      expect(res.status, `year=${bad}`).toBe(400);
      expect((await res.json() as { field: string }).field).toBe('year');
    }
    for (const url of ['/api/robustness?seed=', '/api/robustness?draws=', '/api/scenarios/run?names=hns-japan-x4&draws=', '/api/ledgers?weights=']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(400);
      expect((await res.json() as { message: string }).message).toMatch(/empty/);
    }
  });

  it('refuses unknown parameters on every route, naming them', async () => {
    for (const url of ['/api/tables?yaer=2020', '/api/sources/sipri-milex-2025?yaer=2020', '/api/ledgers?yaer=2020', '/api/scenarios/hns-japan-x4/file?yaer=2020']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(400);
      expect(await res.json(), url).toMatchObject({ field: 'yaer' });
    }
  });
});
