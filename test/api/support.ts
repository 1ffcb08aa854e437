// Evidence for the API tests: the shipped evidence/ folder (what `npm start` serves), or
// $ALLIES_EVIDENCE; a working tree without a committed build gets one built into a temp dir.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { EVIDENCE_DIR, loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { LedgerService } from '../../src/interfaces/api/ledger-service.ts';
import { buildEvidence, defaultSnapshotDir } from '../../src/pipeline/build.ts';

let dir: Promise<string> | undefined;

export function testEvidenceDir(): Promise<string> {
  return (dir ??= locate());
}

async function locate(): Promise<string> {
  const candidate = process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
  if (existsSync(path.join(candidate, 'datapackage.json'))) return candidate;
  const out = await mkdtemp(path.join(os.tmpdir(), 'allies-api-evidence-'));
  await buildEvidence({ snapshotDir: defaultSnapshotDir(), outDir: out });
  return out;
}

/** The API over the test evidence, with the engine's own ledger service beside it to hold the answers against. */
export async function ledgerTestApp(): Promise<{ app: OpenAPIHono; evidence: Evidence; service: LedgerService }> {
  const evidenceDir = await testEvidenceDir();
  const evidence = await loadEvidence(evidenceDir);
  const service = await LedgerService.load(evidence, { methodologyFile: process.env.ALLIES_METHODOLOGY || undefined, judgmentsFile: process.env.ALLIES_JUDGMENTS || undefined });
  const app = await createApp({ evidenceDir, evidence, dashboardDir: null });
  return { app, evidence, service };
}
