// The load hook of module-trace.mjs: one line per module URL.
import { appendFileSync } from 'node:fs';

const out = process.env.MODULE_TRACE;

export async function load(url, context, nextLoad) {
  if (out) appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}
