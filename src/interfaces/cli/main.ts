// `allies`: the command-line interface. Each command group lives in its own file under
// commands/; this file wires them together and turns errors into messages and exit codes.
import { Command, CommanderError } from 'commander';
import { registerAnalysisCommands } from './commands/analyses.ts';
import { registerDataCommands } from './commands/data.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerEvidenceCommands } from './commands/evidence.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerExplainCommands } from './commands/explain.ts';
import { registerExerciseCommands } from './commands/exercise.ts';
import { registerRegionCommand } from './commands/regions.ts';
import { registerReportCommands } from './commands/report.ts';
import { registerScenarioCommands } from './commands/scenario.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTeamCommands } from './commands/team.ts';
import { registerValidateCommand } from './commands/validate.ts';
import { setWide } from './table-layout.ts';
import { filterTerminalOutput, terminalSafe } from './terminal.ts';

export function makeProgram(): Command {
  const program = new Command('allies')
    .description('Alliance Ledger: sourced balance sheets of U.S. allies and alliances')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Tables and text fit the terminal unless the command runs with --wide (table-layout.ts).
    .hook('preAction', (_program, action) => setWide(action.opts().wide === true));
  registerDataCommands(program);
  registerDbCommands(program);
  registerEvidenceCommands(program);
  registerLedgerCommands(program);
  registerExplainCommands(program);
  registerAnalysisCommands(program);
  registerRegionCommand(program);
  registerScenarioCommands(program);
  registerExerciseCommands(program);
  registerReportCommands(program);
  registerServeCommand(program);
  registerTeamCommands(program);
  registerValidateCommand(program);
  return program;
}

/** Exit codes: 0 success, 1 failure (bad input named in the message), 2 usage error. */
export async function run(argv: string[]): Promise<number> {
  const program = makeProgram();
  // Everything a command prints may quote a file: no control characters reach the terminal.
  const restoreStdout = filterTerminalOutput(process.stdout);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${terminalSafe(message)}\n`);
    if (process.env.ALLIES_DEBUG && err instanceof Error) process.stderr.write(`${terminalSafe(err.stack ?? '')}\n`);
    return 1;
  } finally {
    restoreStdout();
  }
}

const invokedDirectly = process.argv[1] && /(allies(\.js)?|main\.[jt]s)$/.test(process.argv[1]);
if (invokedDirectly) {
  // `allies ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  process.exitCode = await run(process.argv.slice(2));
}
