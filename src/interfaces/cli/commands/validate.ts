// allies validate: the ledgers set beside published assessments (curated/assessments/*.yaml).
// Per assessment: the rank correlation and the sign/category agreement, then every
// disagreement with the line items that drive it. A check to report and explain, never a
// target the weights are tuned to (the output says so every time).
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../../../evidence/load.ts';
import { DEFAULT_ASSESSMENTS_DIR, loadAssessments } from '../../../analyses/assessment-files.ts';
import { validateAssessments, validationText, validationYears } from '../../../analyses/validation.ts';
import { loadLedgerInputs } from '../../../method/files.ts';
import { computeLedger } from '../../../method/ledger.ts';
import type { YearLedger } from '../../../method/ledger.ts';
import { printJson } from '../format.ts';

function whole(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

export interface ValidateOptions {
  year?: number;
  json?: boolean;
  method?: string;
  judgments?: string;
  evidence: string;
  assessments: string;
  only?: string;
  drivers: number;
}

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

export function registerValidateCommand(program: Command): void {
  program.command('validate')
    .description('set the ledgers beside published assessments (curated/assessments): rank correlation, sign/category agreement, and the line items behind each disagreement. A check to report, not a target: weights are never tuned to it')
    .option('--year <year>', 'compare every assessment with this year\'s ledger (default: each assessment\'s own year)', whole('--year', 1800, 2100))
    .option('--only <ids>', 'only these assessments (ids, comma-separated)')
    .option('--drivers <n>', 'driving line items listed per disagreement (the rest are summed)', whole('--drivers', 1, 100), 5)
    .option('--assessments <dir>', 'folder of assessment files', DEFAULT_ASSESSMENTS_DIR)
    .option('--json', 'print JSON')
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--judgments <file>', 'your judgments, laid over judgments/default.yaml')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .action(async (opts: ValidateOptions) => {
      const report = await runValidation(opts);
      if (opts.json) return printJson(report);
      process.stdout.write(validationText(report));
    });
}
