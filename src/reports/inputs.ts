// Reading at the edge: everything a report is made from, read once. Scenario files are parsed
// first (a bad one stops before the evidence is read), then the evidence with the observation
// files the methodology, the analyses, the charts and the scenarios need, then the
// methodology, judgments, claim registry and interest map, each checked against it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ASYMMETRY_INDICATORS } from '../analyses/asymmetry.ts';
import { claimIndicators } from '../analyses/claims.ts';
import { COMPARISON_INDICATORS } from '../analyses/comparison.ts';
import { DEFAULT_CLAIMS_FILE, DEFAULT_INTERESTS_FILE, loadClaimRegistry, loadInterestMap } from '../analyses/files.ts';
import { EVIDENCE_DIR, loadEvidence } from '../evidence/load.ts';
import { CuratedFileError } from '../evidence/sources.ts';
import { DEFAULT_METHODOLOGY_FILE, indicatorsOf, latestYear, loadJudgments, loadMethodology, parseMethodology } from '../method/index.ts';
import { checkScenario, readScenario, scenarioIndicators } from '../scenarios/index.ts';
import type { ReportInputs } from './assemble.ts';
import { KEY_INDICATORS } from './assemble.ts';

export interface ReportFiles {
  evidenceDir?: string;
  methodologyFile?: string;
  /** A user's judgments, laid over the defaults. */
  judgmentsFile?: string;
  claimsFile?: string;
  interestsFile?: string;
  /** Built-in scenario names or scenario files. */
  scenarios?: readonly string[];
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CuratedFileError(file, null, '', `cannot read the ${what} file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'Check the path.');
  }
}

/** A path as a reader should see it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export async function loadReportInputs(files: ReportFiles = {}): Promise<ReportInputs> {
  const located = [];
  for (const name of files.scenarios ?? []) located.push(await readScenario(name));
  const methodologyFile = files.methodologyFile ?? DEFAULT_METHODOLOGY_FILE;
  const parsed = parseMethodology(methodologyFile, await readText(methodologyFile, 'methodology'));
  const unchecked = await loadClaimRegistry(null, files.claimsFile ?? DEFAULT_CLAIMS_FILE);
  const evidenceDir = files.evidenceDir ?? EVIDENCE_DIR;
  const evidence = await loadEvidence(evidenceDir, {
    indicators: [
      ...indicatorsOf(parsed.data), ...ASYMMETRY_INDICATORS, ...COMPARISON_INDICATORS, ...KEY_INDICATORS.map((k) => k.id),
      ...claimIndicators(unchecked), ...scenarioIndicators(located),
      parsed.data.burden_sharing.ability.indicator, ...parsed.data.burden_sharing.contributions.map((c) => c.indicator),
    ],
  });
  if (evidence.allies().length === 0) throw new Error(`${evidenceDir} has no covered allies: rebuild it with: npx allies data build`);
  const methodology = await loadMethodology(evidence, methodologyFile);
  const judgments = await loadJudgments(evidence, methodology, files.judgmentsFile);
  const context = { evidence, methodology, judgments, present: latestYear({ evidence, methodology }) };
  return {
    evidence,
    methodology,
    methodologyFile: shown(methodologyFile),
    judgments,
    claims: await loadClaimRegistry(evidence, files.claimsFile ?? DEFAULT_CLAIMS_FILE),
    interests: await loadInterestMap(evidence, files.interestsFile ?? DEFAULT_INTERESTS_FILE),
    scenarios: located.map((l) => checkScenario(l, context)),
  };
}
