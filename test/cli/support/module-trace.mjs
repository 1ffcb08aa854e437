// Records every module a process loads, for test/cli/startup.test.ts:
//   MODULE_TRACE=<file> node --import ./module-trace.mjs ...
// ES modules through a load hook (it runs on the loaders' thread, so it appends to the file as
// it goes), CommonJS modules from the require cache when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.MODULE_TRACE;
if (out) {
  register('./module-trace-hooks.mjs', import.meta.url);
  const require = createRequire(import.meta.url);
  const Module = require('node:module');
  process.on('exit', () => {
    appendFileSync(out, Object.keys(Module._cache).map((f) => `${f}\n`).join(''));
  });
}
