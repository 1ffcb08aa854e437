// The yaml package, loaded when a YAML text is first parsed (createRequire), not with the modules
// that parse: a process whose curated files all come from the cache of checked files
// (src/store/yaml-cache.ts), a rebuild of the evidence among them, never loads it (~35 ms).
import { createRequire } from 'node:module';
import type * as yaml from 'yaml';

const require = createRequire(import.meta.url);
let loaded: typeof yaml | null = null;

export function yamlLib(): typeof yaml {
  return (loaded ??= require('yaml') as typeof yaml);
}
