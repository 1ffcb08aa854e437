// Results derived from the evidence and kept between processes (src/method/derived-cache.ts):
// the alliance network's memberships and the tables' columns come back from the cache exactly as
// computing them gives, under the evidence's content key; changed evidence has another key (a
// miss), and evidence parsed from CSV has none (never cached).
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR, loadEvidence, loadEvidenceFromCsv } from '../../src/evidence/load.ts';
import { allianceTies, networkMemberships } from '../../src/method/alliance-ties.ts';
import { useDerivedCache } from '../../src/method/derived-cache.ts';
import type { DerivedCache } from '../../src/method/derived-cache.ts';
import { evidenceCatalog } from '../../src/method/files.ts';
import { derivedCache } from '../../src/store/yaml-cache.ts';

let scratch: string;
const savedStoreDir = process.env.ALLIES_STORE_DIR;
const reads: { kind: string; hit: boolean }[] = [];
const counting: DerivedCache = {
  read: (kind, key) => {
    const v = derivedCache.read(kind, key);
    reads.push({ kind, hit: v !== null });
    return v;
  },
  write: (kind, key, data) => derivedCache.write(kind, key, data),
};

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'allies-derived-'));
  process.env.ALLIES_STORE_DIR = path.join(scratch, 'store');
  useDerivedCache(counting);
});

afterAll(async () => {
  useDerivedCache(derivedCache);
  if (savedStoreDir === undefined) delete process.env.ALLIES_STORE_DIR;
  else process.env.ALLIES_STORE_DIR = savedStoreDir;
  await rm(scratch, { recursive: true, force: true });
});

describe('results derived from the evidence, kept between processes', () => {
  it('gives the network memberships and table columns back exactly as computing them does, under the content key', async () => {
    const fromCsv = await loadEvidenceFromCsv(EVIDENCE_DIR);
    expect(fromCsv.contentKey).toBeNull();
    const computed = networkMemberships(fromCsv);
    expect(computed.length).toBeGreaterThan(100);

    const first = await loadEvidence(EVIDENCE_DIR);
    expect(first.contentKey).toMatch(/^[0-9a-f]{64}$/);
    reads.length = 0;
    expect(networkMemberships(first)).toEqual(computed);
    expect(reads.filter((r) => r.kind === 'network-memberships')).toEqual([{ kind: 'network-memberships', hit: false }]);
    const files = (await readdir(process.env.ALLIES_STORE_DIR!)).filter((n) => n.startsWith('yaml-'));
    expect(files.length).toBeGreaterThanOrEqual(1);

    // Another Evidence over the same folder (as another process would open it): read, not computed.
    const second = await loadEvidence(EVIDENCE_DIR);
    expect(second.contentKey).toBe(first.contentKey);
    reads.length = 0;
    const kept = networkMemberships(second);
    expect(reads).toEqual([{ kind: 'network-memberships', hit: true }]);
    expect(kept).toEqual(computed);
    for (const year of [1990, 2024]) {
      const allies = ['JPN', 'KOR', 'AUS', 'PHL', 'POL', 'DEU', 'NZL'];
      expect(allianceTies(second, allies, year)).toEqual(allianceTies(fromCsv, allies, year));
    }
    expect(evidenceCatalog(first).tables).toEqual(evidenceCatalog(fromCsv).tables);
    expect(evidenceCatalog(second).tables).toEqual(evidenceCatalog(fromCsv).tables);
    expect(reads.filter((r) => r.kind === 'table-columns')).toEqual([{ kind: 'table-columns', hit: false }, { kind: 'table-columns', hit: true }]);
  });

  it('changed evidence has another content key, and its memberships are computed from it', async () => {
    const dir = path.join(scratch, 'evidence');
    await cp(EVIDENCE_DIR, dir, { recursive: true });
    const file = path.join(dir, 'tables/grouping_members.csv');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const dropped = lines.findIndex((l) => l.startsWith('quad,IND,'));
    expect(dropped).toBeGreaterThan(0);
    await writeFile(file, lines.filter((_l, i) => i !== dropped).join('\n'));
    const changed = await loadEvidence(dir);
    const original = await loadEvidence(EVIDENCE_DIR);
    expect(changed.contentKey).not.toBe(original.contentKey);
    reads.length = 0;
    const m = networkMemberships(changed);
    expect(reads.filter((r) => r.kind === 'network-memberships')).toEqual([{ kind: 'network-memberships', hit: false }]);
    expect(m).toEqual(networkMemberships(await loadEvidenceFromCsv(dir)));
    expect(m.length).toBe(networkMemberships(original).length - 1);
  });
});
