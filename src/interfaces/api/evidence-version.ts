// The evidence version: a hash of datapackage.json and every file it lists. Every API result
// derived from the evidence (and the shipped methodology) is a pure function of this version
// and the request, which is what lets the server answer with ETags and cache bodies.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function evidenceVersion(evidenceDir: string): Promise<string> {
  const manifest = await readFile(path.join(evidenceDir, 'datapackage.json'));
  const { resources } = JSON.parse(manifest.toString('utf8')) as { resources: { path: string }[] };
  const hash = createHash('sha256').update(manifest);
  for (const p of resources.map((r) => r.path).sort()) {
    hash.update(`\0${p}\0`);
    hash.update(await readFile(path.join(evidenceDir, p)));
  }
  return hash.digest('hex').slice(0, 16);
}
