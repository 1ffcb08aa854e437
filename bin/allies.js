#!/usr/bin/env node
// `allies`: runs the compiled CLI (dist/lib, from `npm run build`, which `npm install` runs in a
// clone and which the published package ships) when that build is current, and otherwise the
// TypeScript sources through tsx, so a clone works before its first build and right after an
// edit. ALLIES_FROM_SOURCE=1 always runs the sources, ALLIES_FROM_SOURCE=0 the build as it is.
import { existsSync } from 'node:fs';
import { COMPILED_CLI, compiledIsCurrent } from './build-state.js';

const choice = process.env.ALLIES_FROM_SOURCE;
if (choice === '0' ? existsSync(COMPILED_CLI) : choice !== '1' && compiledIsCurrent()) {
  await import('../dist/lib/interfaces/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/interfaces/cli/main.ts');
}
