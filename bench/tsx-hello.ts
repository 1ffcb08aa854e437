// The peer of the start-up figures (bench/cli.ts, bench/package.ts): a TypeScript hello world
// started as bin/allies.js starts the CLI from source (register tsx, then import a .ts file).
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes the hello world into `scratch`; returns the .mjs file to run with node. */
export function tsxHelloWorld(scratch: string, root: string): string {
  const hello = path.join(scratch, 'hello.ts');
  const helloBin = path.join(scratch, 'hello.mjs');
  writeFileSync(path.join(scratch, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(hello, "const greeting: string = 'hello';\nconsole.log(greeting);\n");
  const tsxApi = path.join(root, 'node_modules/tsx/dist/esm/api/index.mjs');
  writeFileSync(helloBin, `import { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(hello)});\n`);
  return helloBin;
}
