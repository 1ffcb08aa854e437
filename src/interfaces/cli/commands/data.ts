// allies data build | check
// The definitions only: the work is in data-run.ts, imported when a command runs.
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../defaults.ts';
import { WIDE } from './options.ts';
import type * as Run from './data-run.ts';

const run = () => import('./data-run.ts');

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('build and check the evidence tables');

  data.command('build')
    .description('rebuild evidence/ from the publishers\' files (snapshots); leaves evidence/ untouched on any error')
    .option('--snapshots <dir>', 'snapshot directory (default: $ALLIES_SNAPSHOTS or ../shared/data)')
    .option('--out <dir>', 'write the evidence tables here instead of evidence/')
    .option('--json', 'print the build report as JSON')
    .option('--quiet', 'no progress bar')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.dataBuild>) => (await run()).dataBuild(...args));

  data.command('check')
    .description('validate the evidence tables (exit 1 on a new problem; problems the build already flags are listed as warnings) and report coverage of the covered allies')
    .option('--coverage', 'report, for each covered ally and indicator, the latest year with data, and list the gaps')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.dataCheck>) => (await run()).dataCheck(...args));
}
