#!/usr/bin/env node
// `npm start`: the compiled server (dist/lib, which `npm install` builds) when that build is
// current, so the server starts without compiling TypeScript on the way; otherwise the sources
// through tsx (a fresh edit, or before the first build). ALLIES_FROM_SOURCE=1 always runs the
// sources. What it does: src/interfaces/api/start.ts.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { compiledIsCurrent, LIB } from '../bin/build-state.js';

const argv = process.argv.slice(2);
if (process.env.ALLIES_FROM_SOURCE !== '1' && compiledIsCurrent()) {
  const { start } = await import(pathToFileURL(path.join(LIB, 'interfaces/api/start.js')).href);
  await start(argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./start.ts');
}
