// Evidence for the API tests: the shipped evidence/ folder (what `npm start` serves), or
// $ALLIES_EVIDENCE; a working tree without a committed build gets one built into a temp dir.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
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
