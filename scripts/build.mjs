// `npm run build`: the library and the CLI compiled to JavaScript with declarations in dist/lib
// (tsc -p tsconfig.build.json; src/x.ts -> dist/lib/x.js + x.d.ts; other files under src/ are
// copied to the same place, src/a/b.html -> dist/lib/a/b.html). Plain JavaScript so it runs
// before anything is built. The new build is written beside the old one and swapped in whole,
// so a command started meanwhile sees the old build or the new one, never half of one; then
// dist/lib/build.json is stamped with the time the build started, which bin/allies.js compares
// with the sources' times to know whether the build is current.
//   node scripts/build.mjs               build now
//   node scripts/build.mjs --if-needed   skip when dist/lib is current, or when TypeScript is not
//                                        installed (npm install --omit=dev): the CLI then runs the
//                                        sources through tsx (`prepare`, on npm install / npm pack)
//   node scripts/build.mjs --dashboard   also build dist/web (Vite) when it is stale (`prepack`)
//   node scripts/build.mjs --store       also write dist/store/evidence.bin, the evidence store of
//                                        evidence/ that the package ships (`prepack`, `npm run
//                                        build`), with the compiled encoder; kept when its files
//                                        still match evidence/ by content (src/store/evidence-store.ts)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledIsCurrent } from '../bin/build-state.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = path.join(root, 'dist/lib');
const args = new Set(process.argv.slice(2));
const log = (line) => process.stdout.write(`${line}\n`);

function buildLib() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    if (!args.has('--if-needed')) throw new Error('TypeScript is not installed: run npm install first');
    log('dist/lib not built: TypeScript is not installed (the CLI runs the sources through tsx)');
    return;
  }
  const started = new Date();
  const next = `${lib}.tmp-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', next], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    process.exit(r.status ?? 1);
  }
  // Files the modules read beside themselves (src/team/web/*.html, …) keep their place relative
  // to the modules: dist/lib mirrors src/.
  const src = path.join(root, 'src');
  const web = path.join(src, 'interfaces/web') + path.sep;
  for (const e of readdirSync(src, { withFileTypes: true, recursive: true })) {
    const file = path.join(e.parentPath, e.name);
    if (e.isFile() && !/\.tsx?$/.test(e.name) && !file.startsWith(web)) cpSync(file, path.join(next, path.relative(src, file)));
  }
  // tsc rewrites '.ts' specifiers in the JavaScript but not in the declarations; consumers' tsc
  // resolves './x.js' to x.d.ts in every version, so the declarations say '.js' too.
  for (const e of readdirSync(next, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.d.ts')) continue;
    const file = path.join(e.parentPath, e.name);
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)(?<!\.d)\.tsx?\2/g, '$1$2$3.js$2');
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  const file = path.join(next, 'build.json');
  writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), seconds }, null, 2)}\n`);
  utimesSync(file, started, started);
  const old = `${lib}.old-${process.pid}`;
  if (existsSync(lib)) renameSync(lib, old);
  renameSync(next, lib);
  rmSync(old, { recursive: true, force: true });
  log(`dist/lib built in ${seconds.toFixed(1)} s`);
}

if (args.has('--if-needed') && compiledIsCurrent(root)) log('dist/lib is current');
else buildLib();

if (args.has('--store')) {
  // The compiled encoder writes the store; the check that the one there still matches (a hash of
  // each evidence file) makes a repeated build cheap.
  const module = path.join(lib, 'store/evidence-store.js');
  if (!existsSync(module)) log('dist/store/evidence.bin not written: dist/lib is not built');
  else {
    const script = `const started = performance.now();
      const m = await import(${JSON.stringify(pathToFileURL(module).href)});
      const wrote = await m.writeShippedStore(${JSON.stringify(path.join(root, 'evidence'))}, ${JSON.stringify(path.join(root, 'dist/store/evidence.bin'))});
      console.log(wrote ? 'dist/store/evidence.bin written in ' + ((performance.now() - started) / 1000).toFixed(1) + ' s' : 'dist/store/evidence.bin is current');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

if (args.has('--dashboard')) {
  // The dashboard's own check (a hash of its sources beside dist/web) decides whether Vite runs.
  const script = "const m = await import('./src/interfaces/web/dashboard-build.ts'); await m.ensureDashboardBuilt({ log: console.log });";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
