// parseYamlFile keeps the parser's data of an unchanged text in the cache of checked files, and
// still checks the schema every time: a schema that now refuses the same text (it depends on other
// files) gives the error, with its line, as if nothing were cached; a changed text is parsed again.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CuratedFileError, parseYamlFile } from '../../src/evidence/sources.ts';
import { currentCheckedYamlCache, useCheckedYamlCache } from '../../src/method/located.ts';
import { yamlCache } from '../../src/store/yaml-cache.ts';
import { parseYamlWithLines } from '../../src/method/yaml.ts';

let scratch: string;
const saved = { dir: process.env.ALLIES_STORE_DIR, cache: currentCheckedYamlCache() };

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'allies-yaml-data-'));
  process.env.ALLIES_STORE_DIR = scratch;
  useCheckedYamlCache(yamlCache);
});

afterAll(async () => {
  if (saved.dir === undefined) delete process.env.ALLIES_STORE_DIR;
  else process.env.ALLIES_STORE_DIR = saved.dir;
  useCheckedYamlCache(saved.cache);
  await rm(scratch, { recursive: true, force: true });
});

const TEXT = 'allies:\n  - iso3: JPN\n    since: 1960\n  - iso3: KOR\n    since: 1953\n';
const Allies = z.object({ allies: z.array(z.object({ iso3: z.string(), since: z.number() })) });
const file = () => path.join(scratch, 'allies.yaml');

describe('parseYamlFile with the cache of checked files', () => {
  it('gives the same data from the cache as from the parser, and checks the schema on every read', () => {
    const first = parseYamlFile(file(), TEXT, Allies, 'hint');
    expect(first.allies.map((a) => a.iso3)).toStrictEqual(['JPN', 'KOR']);
    expect(parseYamlFile(file(), TEXT, Allies, 'hint')).toStrictEqual(first);
    // A schema that refuses what it accepted before (the same text, so a cache hit): the error and
    // its line are the parser's, as without a cache.
    const Stricter = z.object({ allies: z.array(z.object({ iso3: z.string(), since: z.number().max(1955) })) });
    let error: unknown;
    try {
      parseYamlFile(file(), TEXT, Stricter, 'hint');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CuratedFileError);
    expect(error).toMatchObject({ line: 3, field: 'allies.0.since' });
    // The schema's output, not the cached data: a default it adds is there on a hit too.
    const WithDefault = z.object({ allies: z.array(z.object({ iso3: z.string(), since: z.number(), tier: z.string().default('treaty') })) });
    expect(parseYamlFile(file(), TEXT, WithDefault, 'hint').allies[1]).toStrictEqual({ iso3: 'KOR', since: 1953, tier: 'treaty' });
  });

  it('parses a changed text again', async () => {
    parseYamlFile(file(), TEXT, Allies, 'hint');
    const changed = TEXT.replace('KOR', 'PHL');
    expect(parseYamlFile(file(), changed, Allies, 'hint').allies[1].iso3).toBe('PHL');
    expect((await readdir(scratch)).some((n) => /^yaml-[0-9a-f]{16}\.bin$/.test(n))).toBe(true);
    // Broken YAML is never served from an entry of the path: the parser names its line.
    expect(() => parseYamlFile(file(), 'allies: [\n', Allies, 'hint')).toThrow(CuratedFileError);
  });
});

describe('parseYamlWithLines with the cache of checked files', () => {
  it('gives the same data and lines from the cache as from the parser; the schema still decides', () => {
    const text = 'series:\n  - indicator: x\n    entries:\n      - year: 2020\n      - year: 2021\n';
    const Series = z.object({ series: z.array(z.object({ indicator: z.string(), entries: z.array(z.object({ year: z.number() })) })) });
    const where = path.join(scratch, 'curated.yaml');
    const first = parseYamlWithLines(where, text, Series, 'hint');
    const again = parseYamlWithLines(where, text, Series, 'hint');
    expect(again.data).toStrictEqual(first.data);
    for (const p of [['series', 0, 'entries', 0], ['series', 0, 'entries', 1], ['series', 0, 'indicator'], ['series', 0, 'entries', 7]]) {
      expect(again.lineOf(p)).toBe(first.lineOf(p));
    }
    expect(again.lineOf(['series', 0, 'entries', 1])).toBe(5);
    const Refusing = z.object({ series: z.array(z.object({ indicator: z.string(), entries: z.array(z.object({ year: z.number().max(2020) })) })) });
    expect(() => parseYamlWithLines(where, text, Refusing, 'hint')).toThrow(expect.objectContaining({ line: 5, field: 'series.0.entries.1.year' }) as Error);
  });
});
