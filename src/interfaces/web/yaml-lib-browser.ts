// The dashboard's src/evidence/yaml-lib.ts (vite.config.ts puts it in its place): the yaml
// package imported with the module, as a browser has no createRequire to load it on first use.
import * as yaml from 'yaml';

export function yamlLib(): typeof yaml {
  return yaml;
}
