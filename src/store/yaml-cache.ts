// A derived cache of checked YAML files (the methodology, the judgments), and of a few results
// derived from the evidence (derivedCache, below): what parsing the file
// and validating it with its zod schema gave, and the line of every node (for the semantic
// checks' error messages and the judgments' origins), so that a process that reads an unchanged
// file skips the YAML parser and the schema (~0.4 s and much of the garbage of `allies sheet`).
// Like the evidence store it is never the record: the YAML file is.
//
// One file per YAML file, kind and code, beside the evidence store (src/store/evidence-store.ts's
// folders): yaml-<sha256 of kind, absolute path and code stamp, 16 hex>.bin, the newest 64 kept. A hit needs the same sha256 of
// the text, the same code (size and mtime of every module of src/method, src/evidence and
// src/store, and of the zod and yaml packages: a changed schema is a miss), the same format and
// an intact body (CRC-32); anything else is a miss, and the file is parsed and the cache written
// again (whole or not at all: a temporary file and a rename). Only files that parse and validate
// are cached: an error is always found, and located, by the parser itself.
// ALLIES_EVIDENCE_STORE=off or ALLIES_YAML_CACHE=off turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import * as zlib from 'node:zlib';
import type { DerivedCache } from '../method/derived-cache.ts';
import type { CheckedYamlCache, LineTree } from '../method/located.ts';
import { storeFolders } from './evidence-store.ts';

/** Bump when the entry's layout or meaning changes. */
const FORMAT = 1;
const MAGIC = 'ALYAML\u0001\u0000';
const NAME = /^yaml-[0-9a-f]{16}\.bin$/;
/** Cache files kept per folder (the newest). */
const KEEP = 64;

interface Entry {
  format: number;
  kind: string;
  file: string;
  sha256: string;
  code: string;
  data: unknown;
  lines: LineTree | null;
}

function enabled(): boolean {
  return process.env.ALLIES_EVIDENCE_STORE !== 'off' && process.env.ALLIES_YAML_CACHE !== 'off';
}

let codeStamp: string | null = null;

/** What the cached results depend on besides the text: the modules that parse and validate, and the parser and zod packages. */
function code(): string {
  if (codeStamp !== null) return codeStamp;
  const parts: string[] = [String(FORMAT)];
  // The folders of the modules that parse and validate (beside this one, from the sources or compiled).
  const folders: [string, URL][] = [
    ['method', new URL('../method/', import.meta.url)],
    ['analyses', new URL('../analyses/', import.meta.url)],
    ['evidence', new URL('../evidence/', import.meta.url)],
    ['store', new URL('./', import.meta.url)],
  ];
  for (const [dir, url] of folders) {
    const folder = fileURLToPath(url);
    let names: string[] = [];
    try {
      names = readdirSync(folder).sort();
    } catch {
      // not there
    }
    for (const name of names) {
      try {
        const st = statSync(path.join(folder, name));
        if (st.isFile()) parts.push(`${dir}/${name}:${st.size}:${st.mtimeMs}`);
      } catch {
        // removed meanwhile
      }
    }
  }
  const require = createRequire(import.meta.url);
  for (const pkg of ['zod', 'yaml']) {
    try {
      const entry = require.resolve(pkg);
      const st = statSync(entry);
      parts.push(`${entry}:${st.size}:${st.mtimeMs}`);
    } catch {
      parts.push(`${pkg}:?`);
    }
  }
  codeStamp = createHash('sha256').update(parts.join('\n')).digest('hex');
  return codeStamp;
}

function checksum(body: Uint8Array): number {
  const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  if (crc32) return crc32(body);
  let h = 0x811c9dc5 ^ body.length;
  for (let i = 0; i < body.byteLength; i++) h = Math.imul(h ^ body[i], 0x01000193);
  return h >>> 0;
}

/** One file per kind, YAML file (or derived scope) and code: the sources (through tsx) and the build do not take turns overwriting it. */
function cacheName(kind: string, scope: string): string {
  return `yaml-${createHash('sha256').update(`${kind}\u0000${scope}\u0000${code()}`).digest('hex').slice(0, 16)}.bin`;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The cached result of parsing and validating `text` as `kind`, or null (a miss). */
export function readYamlCache(kind: string, file: string, text: string): { data: unknown; lines: LineTree | null } | null {
  return readEntry(kind, path.resolve(file), text);
}

function readEntry(kind: string, scope: string, text: string): { data: unknown; lines: LineTree | null } | null {
  if (!enabled()) return null;
  const name = cacheName(kind, scope);
  let textSha: string | null = null;
  for (const dir of storeFolders()) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(dir, name));
    } catch {
      continue;
    }
    if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== MAGIC) continue;
    const body = bytes.subarray(16);
    if (bytes.readUInt32LE(8) !== checksum(body)) continue;
    let entry: Entry;
    try {
      entry = deserialize(body) as Entry;
    } catch {
      continue;
    }
    textSha ??= sha256(text);
    if (entry.format !== FORMAT || entry.kind !== kind || entry.file !== scope || entry.sha256 !== textSha || entry.code !== code()) continue;
    return { data: entry.data, lines: entry.lines };
  }
  return null;
}

/** Keep the result of parsing and validating `text` (quietly: a cache that cannot be written is no error). */
export function writeYamlCache(kind: string, file: string, text: string, data: unknown, lines: LineTree | null): void {
  writeEntry(kind, path.resolve(file), text, data, lines);
}

function writeEntry(kind: string, scope: string, text: string, data: unknown, lines: LineTree | null): void {
  if (!enabled()) return;
  let body: Buffer;
  try {
    body = serialize({ format: FORMAT, kind, file: scope, sha256: sha256(text), code: code(), data, lines } satisfies Entry);
  } catch {
    return; // something the serializer cannot hold: not cached
  }
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(checksum(body), 8);
  const name = cacheName(kind, scope);
  for (const dir of storeFolders()) {
    const temporary = path.join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(temporary, Buffer.concat([head, body]));
      renameSync(temporary, path.join(dir, name));
      prune(dir);
      return;
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}

/** Keep the newest KEEP cache files of a folder (tests parse many scratch files). */
function prune(dir: string): void {
  const names = readdirSync(dir).filter((n) => NAME.test(n));
  if (names.length <= KEEP) return;
  const aged = names.map((n) => {
    try {
      return { n, t: statSync(path.join(dir, n)).mtimeMs };
    } catch {
      return { n, t: -1 };
    }
  }).sort((a, b) => b.t - a.t);
  for (const { n } of aged.slice(KEEP)) rmSync(path.join(dir, n), { force: true });
}

/** The cache for src/method/yaml.ts's parseLocatedYaml. */
export const yamlCache: CheckedYamlCache = { read: readYamlCache, write: writeYamlCache };

/**
 * The same cache for results derived from the evidence (the alliance network's memberships, the
 * tables' columns), keyed by the evidence's content (Evidence.contentKey: the checksums of the
 * files the store was made from) and the code: a changed evidence file or module is a miss.
 */
export const derivedCache: DerivedCache = {
  read: (kind, contentKey) => readEntry(kind, 'evidence', contentKey)?.data ?? null,
  write: (kind, contentKey, data) => writeEntry(kind, 'evidence', contentKey, data, null),
};
