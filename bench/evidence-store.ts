// Prints what opening the evidence costs, per form it could take (not a test): wall time and peak
// RSS of a fresh process that opens it and computes Japan's ledger (or reads Japan's series),
// the median of several runs, with the load average.
//   csv        parse every evidence CSV (ALLIES_EVIDENCE_STORE=off: what every process did before)
//   store      the columnar store (src/store/evidence-store.ts): one read, objects made per series
//   parquet    the observations as one Parquet file (hyparquet-writer / hyparquet), read whole
//   pglite     the embedded database (src/store/evidence-db.ts), opened when already loaded
// and the time to encode the store from the CSV (what a rebuild costs).
//   npx tsx bench/evidence-store.ts [--runs N] [--only csv,store,...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

// ---- the child: one measurement ----------------------------------------------------------------
const mode = arg('--child');
if (mode) {
  const t0 = performance.now();
  const out: Record<string, number | string> = {};
  if (mode === 'csv' || mode === 'store') {
    const { cachedEvidence, DEFAULT_METHODOLOGY_FILE, loadLedgerInputs } = await import('../src/method/files.ts');
    const { indicatorsOf, parseMethodology } = await import('../src/method/methodology.ts');
    const { computeLedger, latestYear } = await import('../src/method/ledger.ts');
    const { EVIDENCE_DIR } = await import('../src/evidence/load.ts');
    const { readFile } = await import('node:fs/promises');
    const indicators = indicatorsOf(parseMethodology(DEFAULT_METHODOLOGY_FILE, await readFile(DEFAULT_METHODOLOGY_FILE, 'utf8')).data);
    const t1 = performance.now();
    out.imports = t1 - t0;
    // The evidence a ledger reads (its indicators' files), as loadLedgerInputs reads it (then cached).
    await cachedEvidence(EVIDENCE_DIR, indicators);
    out.open = performance.now() - t1;
    const t2 = performance.now();
    const inputs = await loadLedgerInputs(); // methodology and judgments checked against it
    out.inputs = performance.now() - t2;
    const t3 = performance.now();
    const ledger = computeLedger(inputs, latestYear(inputs));
    out.ledger = performance.now() - t3;
    out.allies = ledger.allies.length;
  } else if (mode === 'store-open') {
    const { loadEvidence } = await import('../src/evidence/load.ts');
    const ev = await loadEvidence();
    out.open = performance.now() - t0;
    out.series = ev.series('JPN', 'milex_share_gdp').length;
  } else if (mode === 'encode') {
    const { encodeStore } = await import('../src/store/evidence-store.ts');
    const bytes = await encodeStore({ dir: path.join(root, 'evidence') });
    out.open = performance.now() - t0;
    out.bytes = bytes.length;
  } else if (mode === 'parquet-write') {
    const { loadEvidence } = await import('../src/evidence/load.ts');
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const { writeFile } = await import('node:fs/promises');
    const obs = (await loadEvidence()).observations;
    const col = <K extends keyof (typeof obs)[number]>(k: K) => obs.map((o) => o[k]);
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'country', data: col('country'), type: 'STRING' },
        { name: 'counterpart', data: col('counterpart'), type: 'STRING' },
        { name: 'indicator', data: col('indicator'), type: 'STRING' },
        { name: 'year', data: col('year'), type: 'INT32' },
        { name: 'value', data: col('value'), type: 'DOUBLE' },
        { name: 'low', data: col('low'), type: 'DOUBLE' },
        { name: 'high', data: col('high'), type: 'DOUBLE' },
        { name: 'source', data: col('source'), type: 'STRING' },
        { name: 'locator', data: col('locator'), type: 'STRING' },
        { name: 'flags', data: obs.map((o) => o.flags.join(';')), type: 'STRING' },
        { name: 'note', data: col('note'), type: 'STRING' },
      ],
    });
    await writeFile(arg('--file')!, new Uint8Array(buf));
    out.open = performance.now() - t0;
    out.bytes = buf.byteLength;
  } else if (mode === 'parquet') {
    const { readFile } = await import('node:fs/promises');
    const { parquetReadObjects } = await import('hyparquet');
    const bytes = await readFile(arg('--file')!);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const rows = await parquetReadObjects({ file });
    out.open = performance.now() - t0;
    out.series = rows.filter((r) => r.country === 'JPN' && r.indicator === 'milex_share_gdp').length;
  } else if (mode === 'pglite') {
    const { openEvidenceDb } = await import('../src/store/evidence-db.ts');
    const db = await openEvidenceDb({ dbDir: arg('--file')! });
    out.open = performance.now() - t0;
    const r = await db.query<{ n: number }>("select count(*)::int as n from observations where country = 'JPN' and indicator = 'milex_share_gdp'");
    out.series = r.rows[0].n;
    await db.close();
  }
  const usage = process.resourceUsage();
  out.rssMiB = usage.maxRSS / 1024;
  out.cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

// ---- the parent --------------------------------------------------------------------------------
const runs = Number(arg('--runs') ?? 3);
const only = arg('--only')?.split(',');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'allies-bench-store-'));
const parquetFile = path.join(scratch, 'observations.parquet');
const dbDir = path.join(scratch, 'db');

function child(m: string, env: Record<string, string> = {}, extra: string[] = []): Record<string, number> {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', m, ...extra], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${m}: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Record<string, number>), wall: (performance.now() - started) / 1000 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

console.log(`evidence open, median of ${runs} fresh processes (node --import tsx; load average at start ${load()})\n`);
console.log('open: the evidence; inputs: methodology + judgments checked against it; ledger: the year\'s ledger, first run');
console.log('form            wall s   open ms  inputs ms  ledger ms  open+ledger ms  peak RSS MiB  CPU s');
const row = (label: string, samples: Record<string, number>[]) => {
  const m = (k: string) => median(samples.map((s) => s[k] ?? NaN));
  const cell = (x: number, w: number) => (Number.isNaN(x) ? '-' : x.toFixed(0)).padStart(w);
  console.log(`${label.padEnd(14)} ${m('wall').toFixed(2).padStart(6)} ${cell(m('open'), 9)} ${cell(m('inputs'), 10)} ${cell(m('ledger'), 10)} ${cell(median(samples.map((s) => s.open + (s.ledger ?? NaN))), 15)} ${m('rssMiB').toFixed(0).padStart(13)} ${m('cpu').toFixed(2).padStart(6)}`);
};
const want = (x: string) => !only || only.includes(x);
const repeat = (f: () => Record<string, number>) => Array.from({ length: runs }, f);

if (want('store')) {
  child('store-open'); // make sure the store exists and is fresh
  row('store+ledger', repeat(() => child('store')));
  row('store open', repeat(() => child('store-open')));
}
if (want('csv')) row('csv+ledger', repeat(() => child('csv', { ALLIES_EVIDENCE_STORE: 'off' })));
if (want('parquet')) {
  const w = child('parquet-write', {}, ['--file', parquetFile]);
  console.log(`               (parquet file: ${(w.bytes / 2 ** 20).toFixed(1)} MiB)`);
  row('parquet read', repeat(() => child('parquet', {}, ['--file', parquetFile])));
}
if (want('pglite')) {
  child('pglite', {}, ['--file', dbDir]); // load it once
  row('pglite open', repeat(() => child('pglite', {}, ['--file', dbDir])));
}
if (want('encode')) {
  const e = repeat(() => child('encode'));
  row('store encode', e);
  console.log(`               (store file: ${(e[0].bytes / 2 ** 20).toFixed(1)} MiB)`);
}
console.log(`\nload average at end: ${load()}`);
rmSync(scratch, { recursive: true, force: true });
