// The CLI loads the evidence schemas (plain zod) long before `allies serve` loads the API,
// whose @hono/zod-openapi extends zod only from then on. The routes must register in that
// order too. A fresh Node process shows it: test workers may have extended zod already.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const script = `
import { Country } from './src/evidence/schema.ts';
const before = typeof Country.openapi;
const { OpenAPIHono } = await import('@hono/zod-openapi');
const { registerEvidenceRoutes } = await import('./src/interfaces/api/routes/evidence.ts');
const { registerLedgerRoutes } = await import('./src/interfaces/api/routes/ledgers.ts');
const app = new OpenAPIHono();
const ctx = { evidence: { query: () => [], yearSpan: () => null }, evidenceDir: '', evidenceVersion: 'v', cache: null };
registerEvidenceRoutes(app, ctx);
registerLedgerRoutes(app, ctx, 'not loaded');
const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
console.log(JSON.stringify({ before, schemas: Object.keys(doc.components.schemas) }));
`;

describe('the API routes', () => {
  it('register when the evidence schemas were built before zod was extended for OpenAPI', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectDir, encoding: 'utf8' });
    const { before, schemas } = JSON.parse(out.trim().split('\n').pop()!) as { before: string; schemas: string[] };
    expect(before).toBe('undefined');
    expect(schemas).toEqual(expect.arrayContaining(['Country', 'Observation', 'Source', 'Indicator', 'AllyLedger']));
  });
});
