// The dashboard's build: `npx vite build --config src/interfaces/web/vite.config.ts` writes
// dist/web, which the API server serves. `npx vite --config ...` runs a dev server that
// proxies /api to `allies serve` on ALLIES_API (default http://localhost:5173).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.resolve(webDir, '../../..');

/**
 * The balance-sheet engine (src/method) is pure, but modules it shares with the CLI import
 * Node built-ins for their file-reading functions (loading YAML files, the evidence folder).
 * The browser never calls those; it gets a stand-in module so the shared code still bundles.
 */
function nodeBuiltinsStandIn(): Plugin {
  const standIn = path.join(webDir, 'node-stand-in.ts');
  // src/evidence/yaml-lib.ts loads the yaml package on first use through createRequire, which a
  // browser has not: the browser's imports it with the module.
  const yamlLib = path.join(webDir, 'yaml-lib-browser.ts');
  const evidenceYamlLib = path.join(projectDir, 'src/evidence/yaml-lib.ts');
  return {
    name: 'alliance-ledger-node-stand-in',
    enforce: 'pre',
    resolveId(id, importer) {
      if (/^node:/.test(id)) return standIn;
      return importer && id.startsWith('.') && path.resolve(path.dirname(importer), id) === evidenceYamlLib ? yamlLib : null;
    },
  };
}

export default defineConfig({
  root: webDir,
  base: '/',
  publicDir: false,
  plugins: [nodeBuiltinsStandIn(), preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: path.join(projectDir, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': process.env.ALLIES_API ?? 'http://localhost:5173' },
  },
});
