// Loading at the edge: the curated files the analyses read (the claim registry, the interest
// map). Everything else in src/analyses is pure.
import { readFile } from 'node:fs/promises';
import type { Evidence } from '../evidence/load.ts';
import { CuratedFileError } from '../evidence/sources.ts';
import { packagePath } from '../paths.ts';
import { parseClaimRegistry } from './claims.ts';
import type { ClaimRegistry } from './claims.ts';
import { parseInterestMap } from './interests.ts';
import type { InterestMap } from './interests.ts';

export const DEFAULT_CLAIMS_FILE = packagePath('curated/claims.yaml');
export const DEFAULT_INTERESTS_FILE = packagePath('methods/interests.yaml');

/** Read a curated or methods file; a missing file is an error that names it. */
export async function readCuratedFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CuratedFileError(file, null, '', `cannot read the ${what} file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'Check the path.');
  }
}

/** Read and validate the claim registry; with the evidence, every claim must cite a source it registers. */
export async function loadClaimRegistry(evidence: Pick<Evidence, 'sources'> | null, file: string = DEFAULT_CLAIMS_FILE): Promise<ClaimRegistry> {
  return parseClaimRegistry(file, await readCuratedFile(file, 'claims'), evidence ? new Set(evidence.sources.map((s) => s.id)) : undefined);
}


/** Read and validate the interest map; its sources must be registered. */
export async function loadInterestMap(evidence: Pick<Evidence, 'sources'>, file: string = DEFAULT_INTERESTS_FILE): Promise<InterestMap> {
  return parseInterestMap(file, await readCuratedFile(file, 'interests'), new Set(evidence.sources.map((s) => s.id)));
}
