// allies validate: the ledgers set beside published assessments (curated/assessments/*.yaml).
// Per assessment: the rank correlation and the sign/category agreement, then every
// disagreement with the line items that drive it. A check to report and explain, never a
// target the weights are tuned to (the output says so every time).
// The definitions only: the work is in validate-run.ts, imported when the command runs.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_ASSESSMENTS_DIR, EVIDENCE_DIR } from '../defaults.ts';
import { WIDE } from './options.ts';
import type * as Run from './validate-run.ts';

const run = () => import('./validate-run.ts');

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
export async function runValidation(opts: Omit<ValidateOptions, 'json'>): ReturnType<typeof Run.runValidation> {
  return (await run()).runValidation(opts);
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
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.validate>) => (await run()).validate(...args));
}
