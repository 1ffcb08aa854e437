// What the browser build gets for `node:*` imports (see vite.config.ts): the pure path helpers
// the shared modules call at load time, and functions that explain themselves if a file
// reader is ever called in the browser.
function unavailable(name: string): () => never {
  return () => {
    throw new Error(`${name} is not available in the browser: the dashboard reads the evidence through the API`);
  };
}

const dirname = (p: string): string => p.replace(/\/[^/]*$/, '') || '/';
const join = (...parts: string[]): string => parts.filter(Boolean).join('/').replace(/\/+/g, '/');
const basename = (p: string, ext = ''): string => {
  const base = p.replace(/^.*\//, '');
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
};
const extname = (p: string): string => /\.[^./]*$/.exec(p)?.[0] ?? '';

export const path = { dirname, join, resolve: join, basename, extname, sep: '/', posix: { dirname, join, resolve: join, basename, extname } };
export { dirname, join, basename, extname };
export const resolve = join;
export const sep = '/';
export const fileURLToPath = (url: string | URL): string => new URL(String(url)).pathname;
export const pathToFileURL = (p: string): URL => new URL(`file://${p}`);
export const readFile = unavailable('readFile');
export const readdir = unavailable('readdir');
export const writeFile = unavailable('writeFile');
export const mkdir = unavailable('mkdir');
export const createHash = unavailable('createHash');
export const availableParallelism = (): number => 1;
export const createRequire = unavailable('createRequire');
export default path;
