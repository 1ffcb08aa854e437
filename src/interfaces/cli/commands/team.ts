// allies team ...: the team server's database from the command line. `team init --admin NAME`
// creates the first admin (password from $ALLIES_ADMIN_PASSWORD or stdin); `team token` makes
// an API token for scripts; `team migrate` applies the migrations; `team export` writes a
// published judgment set as a judgments file. DATABASE_URL selects a PostgreSQL server, else
// the PGlite directory (.alliance-ledger/team, or --dir / $ALLIES_TEAM_DIR).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';

interface DbFlags {
  dir?: string;
}

async function openTeamDb(flags: DbFlags) {
  const { openDb } = await import('../../../team/db.ts');
  const dir = flags.dir ?? process.env.ALLIES_TEAM_DIR;
  return openDb({ ...(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {}), ...(dir ? { dir: path.resolve(dir) } : {}) });
}

/** A store for account work: ratings are checked by the server, which loads the methodology. */
async function accountStore(flags: DbFlags) {
  const { TeamStore } = await import('../../../team/store.ts');
  const db = await openTeamDb(flags);
  try {
    return { store: await TeamStore.open(db, { judgments: {}, allies: new Set(), sources: new Set() }), db };
  } catch (err) {
    await db.close();
    throw err;
  }
}

async function readPassword(): Promise<string> {
  if (process.env.ALLIES_ADMIN_PASSWORD) return process.env.ALLIES_ADMIN_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('password (then Enter): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunk.includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

function where(): string {
  return process.env.DATABASE_URL ? 'the PostgreSQL server of DATABASE_URL' : 'the PGlite directory';
}

export function registerTeamCommands(program: Command): void {
  const team = program.command('team').description('the team server\'s database: first admin, API tokens, migrations, judgment sets (DATABASE_URL: PostgreSQL; else PGlite in .alliance-ledger/team)');
  const dirOption = ['--dir <dir>', 'PGlite directory when DATABASE_URL is not set (default: $ALLIES_TEAM_DIR or .alliance-ledger/team)'] as const;

  team.command('init')
    .description('apply the migrations and create the first admin; the password comes from $ALLIES_ADMIN_PASSWORD or the first line of stdin')
    .requiredOption('--admin <name>', 'the admin account\'s name')
    .option(...dirOption)
    .action(async (opts: { admin: string } & DbFlags) => {
      const { TeamError } = await import('../../../team/errors.ts');
      const { store, db } = await accountStore(opts);
      try {
        if (await store.accountCount() > 0) throw new Error(`${where()} has accounts already: an admin creates more with POST /api/team/accounts`);
        const account = await store.createAccount(null, { name: opts.admin, role: 'admin', password: await readPassword() }, 'allies team init');
        process.stdout.write(`created admin "${account.name}" in ${where()}; start the team server with: allies serve --team (or ALLIES_TEAM=1 npm start)\n`);
      } catch (err) {
        if (err instanceof TeamError) throw new Error(err.message, { cause: err });
        throw err;
      } finally {
        await db.close();
      }
    });

  team.command('token')
    .description('create an API token for an account (printed once; the database keeps only its hash)')
    .requiredOption('--account <name>', 'the account the token acts as')
    .option('--label <label>', 'what the token is for', 'script')
    .option(...dirOption)
    .action(async (opts: { account: string; label: string } & DbFlags) => {
      const { store, db } = await accountStore(opts);
      try {
        const account = (await store.listAccounts()).find((a) => a.name === opts.account);
        if (!account || account.disabled) throw new Error(`--account: no active account named "${opts.account}"`);
        const t = await store.createToken({ id: account.id, name: account.name, role: account.role }, opts.label, 'allies team token');
        process.stdout.write(`${t.token}\n`);
      } finally {
        await db.close();
      }
    });

  team.command('migrate')
    .description('apply the database migrations not yet applied (the server also does at start)')
    .option(...dirOption)
    .action(async (opts: DbFlags) => {
      const { migrate } = await import('../../../team/migrations.ts');
      const db = await openTeamDb(opts);
      try {
        const applied = await migrate(db);
        process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')} to ${where()}\n` : `${where()} is up to date\n`);
      } finally {
        await db.close();
      }
    });

  team.command('export')
    .description('write a published judgment set as a judgments file (the format of judgments/default.yaml)')
    .option('--set <version>', 'the set version (default: the one published now)')
    .requiredOption('--out <file>', 'the YAML file to write')
    .option(...dirOption)
    .action(async (opts: { set?: string; out: string } & DbFlags) => {
      const { setToYaml } = await import('../../../team/judgment-sets.ts');
      const { store, db } = await accountStore(opts);
      try {
        const version = opts.set !== undefined ? Number(opts.set) : await store.currentSetVersion();
        if (version === null || !Number.isInteger(version) || version < 1) throw new Error('--set: no such judgment set (start the team server once to import the default set)');
        const set = await store.set(version).catch(() => {
          throw new Error(`--set: no judgment set v${version}`);
        });
        await writeFile(opts.out, setToYaml(set));
        process.stdout.write(`wrote judgment set v${set.version} (${set.entries.length} entries) to ${opts.out}\n`);
      } finally {
        await db.close();
      }
    });
}
