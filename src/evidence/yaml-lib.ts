// The yaml package, loaded when a YAML text is first parsed (createRequire), not with the modules
// that parse: a process whose curated files all come from the cache of checked files
// (src/store/yaml-cache.ts), a rebuild of the evidence among them, never loads it (~35 ms).
import { createRequire } from 'node:module';
import type * as yaml from 'yaml';

let loaded: typeof yaml | null = null;

/** The yaml package. (The dashboard's build puts src/interfaces/web/yaml-lib-browser.ts in this module's place.) */
export function yamlLib(): typeof yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as typeof yaml);
}
