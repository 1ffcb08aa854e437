// Prints how long the CLI takes to start and how much memory it holds (not a test):
// wall time and peak RSS, the median of several runs, for `allies --help`, `allies sheet JPN`,
// `allies rank --json` and `allies data check`, beside peers measured in the same run
// (`node -e 0` and a TypeScript hello world through tsx, started the way bin/allies.js starts
// the sources). The CLI runs from its sources through tsx (ALLIES_FROM_SOURCE=1), and compiled
// (dist/lib) when that build is current (`npm run build`).
//   npx tsx bench/cli.ts [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- plain JavaScript without declarations (bin/ is the packaging's)
import { compiledIsCurrent } from '../bin/build-state.js';
import { tsxHelloWorld } from './tsx-hello.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'allies-bench-cli-'));
const helloBin = tsxHelloWorld(scratch, root);

interface Sample { wall: number; rssMiB: number; status: number }

/** One run: wall seconds and peak resident memory (MiB) of the child. */
function measure(args: string[], env: NodeJS.ProcessEnv): Sample {
  if (haveTime) {
    const r = spawnSync(TIME, ['-v', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env });
    const wallText = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\):\s*([\d:.]+)/.exec(r.stderr)?.[1] ?? '0';
    const wall = wallText.split(':').map(Number).reduce((acc, part) => acc * 60 + part, 0);
    const rssKiB = Number(/Maximum resident set size \(kbytes\):\s*(\d+)/.exec(r.stderr)?.[1] ?? 0);
    return { wall, rssMiB: rssKiB / 1024, status: r.status ?? -1 };
  }
  // Without GNU time: a child that runs the command and reports its own child's usage.
  const started = performance.now();
  const r = spawnSync(process.execPath, ['-e', `
    const { spawnSync } = require('node:child_process');
    const r = spawnSync(process.execPath, ${JSON.stringify(args)}, { stdio: 'ignore' });
    process.stderr.write(String(process.resourceUsage().maxRSS) + ' ' + r.status);
  `], { cwd: root, encoding: 'utf8', env });
  const wall = (performance.now() - started) / 1000;
  const [rss, status] = r.stderr.trim().split(' ').map(Number);
  return { wall, rssMiB: rss / 1024, status };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Row { name: string; wall: number; rssMiB: number; failed: number }

function bench(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Row {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(measure(args, env));
  return {
    name,
    wall: median(samples.map((s) => s.wall)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
    failed: samples.filter((s) => s.status !== 0).length,
  };
}

const allies = path.join(root, 'bin/allies.js');
const load0 = os.loadavg()[0];
const peers = [
  bench('node -e 0', ['-e', '0']),
  bench('tsx hello world', [helloBin]),
];
const COMMANDS: [string, string[]][] = [
  ['--help', ['--help']],
  ['sheet JPN', ['sheet', 'JPN']],
  ['rank --json', ['rank', '--json']],
  ['data check', ['data', 'check']],
];
const fromSource = { ...process.env, ALLIES_FROM_SOURCE: '1' };
const compiled = compiledIsCurrent() as boolean;
const commands = [
  ...COMMANDS.map(([name, args]) => bench(`allies ${name} (tsx)`, [allies, ...args], fromSource)),
  ...(compiled ? COMMANDS.map(([name, args]) => bench(`allies ${name} (dist)`, [allies, ...args], { ...process.env, ALLIES_FROM_SOURCE: '0' })) : []),
];
const load1 = os.loadavg()[0];
rmSync(scratch, { recursive: true, force: true });

const [node0, tsxHello] = peers;
const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, digits: number) => x.toFixed(digits).padStart(8);
console.log(`median of ${RUNS} runs; ${haveTime ? '/usr/bin/time -v' : 'process.resourceUsage of a child'}; ${os.cpus().length} cores`);
console.log(`${pad('command', 28)}  ${'wall s'.padStart(8)}  ${'RSS MiB'.padStart(8)}  ${'÷ node'.padStart(8)}  ${'÷ tsx'.padStart(8)}  ${'RSS ÷ tsx'.padStart(9)}`);
for (const row of [...peers, ...commands]) {
  console.log(`${pad(row.name, 28)}  ${num(row.wall, 3)}  ${num(row.rssMiB, 1)}  ${num(row.wall / node0.wall, 1)}  ${num(row.wall / tsxHello.wall, 1)}  ${num(row.rssMiB / tsxHello.rssMiB, 1).padStart(9)}${row.failed ? `   (${row.failed} runs exited non-zero)` : ''}`);
}
if (!compiled) console.log('dist/lib is not current (npm run build): the compiled CLI was not measured');
console.log(`load average ${load0.toFixed(2)} before, ${load1.toFixed(2)} after (1 min)`);
