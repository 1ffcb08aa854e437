// Option parsers and option sets shared by the command definitions. Cheap on purpose: the
// definitions import this file and commander only; the work is in the *-run.ts files, imported
// when a command runs (issue 13).
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../defaults.ts';

export interface InputOptions {
  method?: string;
  judgments?: string;
  evidence: string;
}

export function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

export const year = integer('--year', 1800, 2100);

/** --method, --judgments and --evidence: the inputs of a ledger. */
export function withInputs(command: Command, judgmentsHelp = 'your judgments, laid over judgments/default.yaml (your ratings replace the defaults for the allies and judgments they rate)'): Command {
  return command
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--judgments <file>', judgmentsHelp)
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR);
}

/** A usage error found after parsing: commander prints it and the CLI exits with 2. */
export function usage(command: Command, message: string): never {
  return command.error(`error: ${message}`, { exitCode: 2, code: 'allies.usage' });
}

export function outputFormat(command: Command, opts: { json?: boolean; csv?: boolean; md?: boolean }): 'json' | 'csv' | 'md' | 'text' {
  const chosen = (['json', 'csv', 'md'] as const).filter((f) => opts[f]);
  if (chosen.length > 1) usage(command, `choose one output format, not ${chosen.map((f) => `--${f}`).join(' and ')}`);
  return chosen[0] ?? 'text';
}

/** --wide, on every command that prints a table: full width (otherwise the width of table-layout.ts). */
export const WIDE = ['--wide', 'print every column of the tables and every line unwrapped (default: fit $COLUMNS, else the terminal; piped output is not cut)'] as const;
