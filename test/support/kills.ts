// Killing the real CLI at chosen moments and telling what it left: shared by the SIGKILL tests
// (test/pipeline/kill.test.ts) and the full run in bench/kills.ts. Each area (the evidence build,
// an export, a report) has a target that must afterwards be the old complete state or the new
// one, and leftovers that the next run's start must remove.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { leftoversIn, recoverFolder, removeStaleTemporaryFiles } from '../../src/store/swap.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'src/interfaces/cli/main.ts');

/** What the swap hook prints just before it sleeps (src/store/swap.ts). */
export const SWAP_HOOK = /test hook: pausing \d+ ms inside the swap/;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
  /** Milliseconds from spawn to the SIGKILL, when one was sent. */
  killedAt: number | null;
}

export interface KillPlan {
  /** Send SIGKILL this long after the spawn. */
  afterMs?: number;
  /** Send SIGKILL as soon as standard error matches. */
  onStderr?: RegExp;
  /** Send SIGKILL `thenMs` after a name starting with `prefix` appears in `dir` (polled every 5 ms). */
  whenExists?: { dir: string; prefix: string; thenMs: number };
  env?: Record<string, string>;
  /** A run still going after this long is killed and reported as a failure (default 180 s). */
  limitMs?: number;
}

/** Run `allies <args>` as a user does (node + tsx), killing it as planned; resolves once it is reaped. */
export function runCli(args: string[], plan: KillPlan = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...plan.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killedAt: number | null = null;
    const kill = () => {
      if (killedAt !== null || child.exitCode !== null) return;
      killedAt = performance.now() - started;
      child.kill('SIGKILL');
    };
    const watch = plan.whenExists;
    const poll = watch ? setInterval(() => {
      readdir(watch.dir).then((names) => {
        if (!names.some((n) => n.startsWith(watch.prefix))) return;
        clearInterval(poll);
        timers.push(setTimeout(kill, watch.thenMs));
      }, () => undefined);
    }, 5) : undefined;
    const timers = [
      plan.afterMs !== undefined ? setTimeout(kill, plan.afterMs) : undefined,
      setTimeout(() => {
        kill();
        reject(new Error(`allies ${args.join(' ')} still running after ${plan.limitMs ?? 180_000} ms`));
      }, plan.limitMs ?? 180_000),
    ];
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (plan.onStderr?.test(stderr)) kill();
    });
    child.on('error', reject);
    // 'exit' comes after the child is reaped, so its pid is gone for processAlive().
    child.on('exit', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, killedAt });
    });
  });
}

/** A file's or folder's content as one hash ('missing' when absent): equal hashes, equal trees. */
export async function fingerprint(target: string): Promise<string> {
  let info;
  try {
    info = await stat(target);
  } catch {
    return 'missing';
  }
  if (!info.isDirectory()) return createHash('sha256').update(await readFile(target)).digest('hex');
  const lines: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), r);
      else lines.push(`${r}\t${createHash('sha256').update(await readFile(path.join(dir, entry.name))).digest('hex')}`);
    }
  };
  await walk(target, '');
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** A small seeded generator, so a failing sequence of kill moments can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function killSeed(): number {
  return Number(process.env.ALLIES_KILL_SEED ?? Date.now() % 1_000_000);
}

export type State = 'old' | 'new' | 'missing' | 'other';

export interface KillArea {
  name: string;
  /** The file or folder that must be whole: the old state or the new one. */
  target: string;
  /** CLI arguments of the run that is killed. */
  args: string[];
  /** Make the target the old complete state. */
  plantOld(): Promise<void>;
  /** What every run of this kind does first (src/store/swap.ts), done here in the test process. */
  recover(): Promise<void>;
  /** Where the new state is found when a run is killed inside the swap (staged, not yet moved in). */
  stagedNew(): Promise<string | null>;
  /** The staging folder whose appearance marks the writing phase (none for an export's single file). */
  writing?: { dir: string; prefix: string };
  /**
   * A quick real run whose start must repair a kill inside the swap: what it must say, and (for a
   * run too slow to finish in a test) the message after which it is killed, its repair done.
   */
  nextRun: { args: string[]; says: RegExp[]; killOn?: RegExp };
}

/** Leftovers of interrupted writes beside the target (staging, old and trash folders, temporaries). */
export async function leftoversBeside(target: string): Promise<string[]> {
  return leftoversIn(path.dirname(target));
}

/** The evidence build into a copy of the committed evidence; old = that copy plus a marker file. */
export function buildArea(work: string, snapshotDir: string): KillArea {
  const target = path.join(work, 'evidence');
  return {
    name: 'data build',
    target,
    args: ['data', 'build', '--quiet', '--snapshots', snapshotDir, '--out', target],
    async plantOld() {
      await rm(target, { recursive: true, force: true });
      await cp(path.join(ROOT, 'evidence'), target, { recursive: true });
      // A file no build writes, so the old state differs from the new one it would produce.
      await writeFile(path.join(target, 'KILL-TEST-OLD.txt'), 'the evidence as it was before the killed build\n');
    },
    async recover() {
      await recoverFolder(target, 'evidence');
    },
    async stagedNew() {
      const staged = (await readdir(work)).find((n) => n.startsWith('evidence.tmp-'));
      return staged ? path.join(work, staged) : null;
    },
    writing: { dir: work, prefix: 'evidence.tmp-' },
    // Any reader of the evidence repairs it: the quickest is an export of the sources.
    nextRun: {
      args: ['export', 'sources', '--format', 'csv', '--evidence', target, '--out', path.join(work, 'after', 'sources.csv')],
      says: [
        /evidence\/ was missing: process \d+ was stopped while replacing the evidence; restored the previous evidence from evidence\.old-\d+/,
        /removed a leftover of interrupted evidence writes whose process is gone: evidence\.tmp-\d+/,
      ],
    },
  };
}

/** `export ledgers --format csv` over an older file. */
export function exportArea(work: string): KillArea {
  const target = path.join(work, 'exports', 'ledgers.csv');
  return {
    name: 'export ledgers',
    target,
    args: ['export', 'ledgers', '--format', 'csv', '--out', target],
    async plantOld() {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, 'ally,year,note\nOLD,2000,the export as it was before the killed run\n');
    },
    async recover() {
      await removeStaleTemporaryFiles(path.dirname(target));
    },
    async stagedNew() {
      const staged = (await readdir(path.dirname(target))).find((n) => n.startsWith('.ledgers.csv.') && n.endsWith('.tmp'));
      return staged ? path.join(path.dirname(target), staged) : null;
    },
    // The next export into the same folder removes the dead run's temporary.
    nextRun: {
      args: ['export', 'sources', '--format', 'csv', '--out', path.join(work, 'exports', 'sources.csv')],
      says: [/removed 1 temporary file\(s\) of interrupted exports whose process is gone: \.ledgers\.csv\.\d+\.\d+\.tmp/],
    },
  };
}

/**
 * `report --format html,md` over an older report folder: two chapters and few draws for the tests,
 * every chapter (some 300 figure files to write) with `full`.
 */
export function reportArea(work: string, full = false): KillArea {
  const target = path.join(work, 'report');
  const args = ['report', '--format', 'html,md', '--no-progress', ...(full ? [] : ['--allies', 'JPN,DEU', '--draws', '200']), '--out', target];
  return {
    name: 'report',
    target,
    args,
    async plantOld() {
      await rm(target, { recursive: true, force: true });
      await mkdir(path.join(target, 'figures'), { recursive: true });
      for (const name of ['report.html', 'report.md', 'sources.bib', 'sources.csl.json', 'figures/old-map.svg']) {
        await writeFile(path.join(target, name), `${name} of the report as it was before the killed run\n`);
      }
    },
    async recover() {
      await recoverFolder(target, 'report');
    },
    async stagedNew() {
      const staged = (await readdir(work)).find((n) => n.startsWith('report.tmp-'));
      return staged ? path.join(work, staged) : null;
    },
    writing: { dir: work, prefix: 'report.tmp-' },
    // The next report run repairs the folder first; it is killed once it says it has.
    nextRun: {
      args,
      says: [
        /report\/ was missing: process \d+ was stopped while replacing the report; restored the previous report from report\.old-\d+/,
        /removed a leftover of interrupted report writes whose process is gone: report\.tmp-\d+/,
      ],
      killOn: /removed a leftover of interrupted report writes/,
    },
  };
}

export interface Trial {
  killedAt: number | null;
  /** The target right after the kill, before any repair. */
  raw: State;
  /** Leftovers right after the kill. */
  leftBehind: string[];
  /** The target after the repair every run starts with. */
  after: State;
  /** Leftovers after that repair (must be none). */
  remaining: string[];
}

export function classify(fp: string, old: string, next: string | null): State {
  if (fp === 'missing') return 'missing';
  if (fp === old) return 'old';
  if (next !== null && fp === next) return 'new';
  return 'other';
}

/**
 * Kill one run of `area` after `at` ms (or `at` ms into its writing phase), then repair as the next
 * run would and look again.
 */
export async function killOnce(area: KillArea, at: number | { writingMs: number }, old: string, next: string | null): Promise<Trial & { run: CliRun }> {
  const plan: KillPlan = typeof at === 'number' ? { afterMs: at } : { whenExists: { ...area.writing!, thenMs: at.writingMs } };
  const run = await runCli(area.args, plan);
  const raw = classify(await fingerprint(area.target), old, next);
  const leftBehind = await leftoversBeside(area.target);
  await area.recover();
  return {
    run,
    killedAt: run.killedAt,
    raw,
    leftBehind,
    after: classify(await fingerprint(area.target), old, next),
    remaining: await leftoversBeside(area.target),
  };
}

export interface SwapKill {
  run: CliRun;
  /** Fingerprint of the complete new state found staged at the kill. */
  staged: string | null;
  raw: State;
  leftBehind: string[];
  next: CliRun;
  after: State;
  remaining: string[];
}

/**
 * Kill a run exactly inside its swap (the test hook holds it there), then start the next real run,
 * whose start must put the old state back, say so, and remove the leftovers.
 */
export async function killInSwap(area: KillArea, old: string): Promise<SwapKill> {
  const run = await runCli(area.args, { onStderr: SWAP_HOOK, env: { ALLIES_TEST_PAUSE_IN_SWAP: '60000' } });
  const stagedPath = await area.stagedNew();
  const staged = stagedPath ? await fingerprint(stagedPath) : null;
  const raw = classify(await fingerprint(area.target), old, staged);
  const leftBehind = await leftoversBeside(area.target);
  const next = await runCli(area.nextRun.args, area.nextRun.killOn ? { onStderr: area.nextRun.killOn } : {});
  return {
    run, staged, raw, leftBehind, next,
    after: classify(await fingerprint(area.target), old, staged),
    remaining: await leftoversBeside(area.target),
  };
}
