// Evidence for the analysis tests: the shipped evidence (evidence/) when it already holds the
// tables and indicators a test needs; otherwise the pipeline run on the real snapshots
// (../shared/data), limited to the transforms the test needs, in a temporary folder. Either
// way the analyses are checked against the publishers' data.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EVIDENCE_DIR, loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { buildEvidence, defaultSnapshotDir } from '../../src/pipeline/build.ts';

export interface EvidenceNeeds {
  tables: readonly string[];
  indicators?: readonly string[];
  /** Source ids the evidence must register (e.g. the ones the claim registry cites). */
  sources?: readonly string[];
  /** Transforms that write them, run when the shipped evidence lacks any ('all': every transform). */
  transforms: readonly string[] | 'all';
}

export async function testEvidence(needs: EvidenceNeeds): Promise<{ evidence: Evidence; dir: string; cleanup: () => Promise<void> }> {
  try {
    const shipped = await loadEvidence(EVIDENCE_DIR, { indicators: needs.indicators ?? [] });
    const tables = new Set(shipped.tableNames());
    const hasAll = needs.tables.every((t) => tables.has(t)) && (needs.indicators ?? []).every((i) => shipped.indicator(i)) && (needs.sources ?? []).every((s) => shipped.source(s));
    if (hasAll) {
      return { evidence: shipped, dir: EVIDENCE_DIR, cleanup: async () => {} };
    }
  } catch {
    // no usable shipped evidence: build below
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'allies-analyses-'));
  const outDir = path.join(dir, 'evidence');
  await buildEvidence({ snapshotDir: defaultSnapshotDir(), outDir, only: needs.transforms === 'all' ? undefined : [...needs.transforms] });
  return { evidence: await loadEvidence(outDir, { indicators: needs.indicators ?? [] }), dir: outDir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** ATOP and the U.S.-commitment tables (with the curated groupings). */
export const ALLIANCE_NEEDS: EvidenceNeeds = {
  tables: ['allies', 'atop_alliances', 'atop_members', 'us_commitments', 'groupings', 'grouping_members'],
  transforms: ['allies', 'atop', 'commitments'],
};
