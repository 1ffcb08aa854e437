// Loading at the edge: the published assessments (curated/assessments/*.yaml) that
// `allies validate` sets beside the ledgers. Parsing and comparing are in validation.ts (pure).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Evidence } from '../evidence/load.ts';
import { CuratedFileError } from '../evidence/sources.ts';
import { packagePath } from '../paths.ts';
import { readCuratedFile } from './files.ts';
import { parseAssessment } from './validation.ts';
import type { Assessment, AssessmentRegistries } from './validation.ts';

export const DEFAULT_ASSESSMENTS_DIR = packagePath('curated/assessments');

/**
 * Every assessment file of a folder, in file-name order, checked against the registries of an
 * evidence build (its sources and countries), as the claim registry is: a new source is
 * registered in curated/sources/*.yaml and the evidence rebuilt (npx allies data build).
 */
export async function loadAssessments(options: { dir?: string; evidence?: Pick<Evidence, 'sources' | 'countries'> } = {}): Promise<Assessment[]> {
  const dir = options.dir ?? DEFAULT_ASSESSMENTS_DIR;
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  } catch (e) {
    throw new CuratedFileError(dir, null, '', `cannot read the assessments folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'Check the path.');
  }
  if (files.length === 0) throw new CuratedFileError(dir, null, '', 'no assessment files (*.yaml)', 'Add one per published assessment (see curated/assessments/README.md).');
  const registries: AssessmentRegistries = options.evidence
    ? { sources: new Set(options.evidence.sources.map((s) => s.id)), countries: new Set(options.evidence.countries.map((c) => c.iso3)) }
    : {};
  const out: Assessment[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const file = path.join(dir, f);
    const a = parseAssessment(file, await readCuratedFile(file, 'assessment'), registries);
    const prior = seen.get(a.id);
    if (prior) throw new CuratedFileError(file, lineOfId(await readCuratedFile(file, 'assessment')), 'id', `assessment id "${a.id}" is already used by ${prior}`, 'Give each assessment its own id.');
    seen.set(a.id, file);
    out.push(a);
  }
  return out;
}

function lineOfId(text: string): number | null {
  const i = text.split('\n').findIndex((l) => /^id:/.test(l));
  return i < 0 ? null : i + 1;
}
