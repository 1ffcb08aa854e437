// The work of allies validate (defined in validate.ts), imported when it runs.
import path from 'node:path';
import { loadAssessments } from '../../../analyses/assessment-files.ts';
import { validateAssessments, validationText, validationYears } from '../../../analyses/validation.ts';
import { loadLedgerInputs } from '../../../method/files.ts';
import { computeLedger } from '../../../method/ledger.ts';
import type { YearLedger } from '../../../method/ledger.ts';
import { printJson, printText } from '../format.ts';
import type { ValidateOptions } from './validate.ts';

/** Load the inputs, compute the ledgers the assessments need, and validate (shared by the CLI and bench/validate.ts). */
export async function runValidation(opts: Omit<ValidateOptions, 'json'>) {
  const inputs = await loadLedgerInputs({
    evidenceDir: path.resolve(opts.evidence),
    methodologyFile: opts.method ? path.resolve(opts.method) : undefined,
    judgmentsFile: opts.judgments ? path.resolve(opts.judgments) : undefined,
  });
  let assessments = await loadAssessments({ dir: path.resolve(opts.assessments), evidence: inputs.evidence });
  if (opts.only !== undefined) {
    const wanted = opts.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = wanted.filter((id) => !assessments.some((a) => a.id === id));
    if (unknown.length) throw new Error(`--only: unknown assessment ${unknown.join(', ')}; the assessments are: ${assessments.map((a) => a.id).join(', ')}`);
    assessments = assessments.filter((a) => wanted.includes(a.id));
  }
  const ledgers = new Map<number, YearLedger>();
  for (const y of validationYears(assessments, opts.year)) ledgers.set(y, computeLedger(inputs, y));
  return validateAssessments(assessments, (y) => ledgers.get(y)!, { year: opts.year, drivers: opts.drivers });
}

export async function validate(opts: ValidateOptions): Promise<void> {
  const report = await runValidation(opts);
  if (opts.json) return printJson(report);
  printText(validationText(report));
}
