// Citations a reference manager takes as they are: pandoc --citeproc (Debian's pandoc) resolves
// a Markdown file citing every evidence source id as [@id] against the BibTeX and against the
// CSL-JSON bibliography with no warning; each source has the entry type of what it is, the
// same in both (pandoc's reading of the BibTeX gives the CSL type of the CSL-JSON); DOIs are in
// `doi`; terms and hashes are not in the references.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citationType, CITATION_TYPES, toBibtex, toCslJson } from '../../src/evidence/citations.ts';
import { loadSourceRegistry } from '../../src/evidence/sources.ts';
import type { Source } from '../../src/evidence/schema.ts';
import { DEFAULT_CURATED_DIR } from '../../src/pipeline/build.ts';

const PANDOC = ['/usr/bin/pandoc', '/usr/local/bin/pandoc'].find((p) => existsSync(p)) ?? 'pandoc';
const hasPandoc = spawnSync(PANDOC, ['--version']).status === 0;

interface CslItem { id: string; type: string; DOI?: string; URL?: string; note?: string; 'container-title'?: string; volume?: string; issue?: string; page?: string }

let dir: string;
let sources: Source[];
let bib: string;
let csl: CslItem[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-citations-'));
  sources = await loadSourceRegistry(DEFAULT_CURATED_DIR);
  bib = toBibtex(sources);
  csl = toCslJson(sources) as CslItem[];
  await writeFile(path.join(dir, 'sources.bib'), bib);
  await writeFile(path.join(dir, 'sources.json'), JSON.stringify(csl));
  await writeFile(path.join(dir, 'cites.md'), `# Every source\n\n${sources.map((s) => `See [@${s.id}].`).join('\n\n')}\n\n# References\n`);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the citations', () => {
  it('are keyed by the evidence\'s own source ids', () => {
    expect([...bib.matchAll(/^@[a-z]+\{([^,]+),$/gm)].map((m) => m[1])).toEqual(sources.map((s) => s.id));
    expect(csl.map((i) => i.id)).toEqual(sources.map((s) => s.id));
    expect(bib).toContain('@dataset{atop-5.1,');
  });

  it('give each source the type of what it is', () => {
    const typeOf = (id: string) => csl.find((i) => i.id === id)!.type;
    expect(typeOf('atop-5.1')).toBe('dataset');
    expect(typeOf('beckley-2015')).toBe('article-journal');
    expect(typeOf('rand-rr201-2013')).toBe('report');
    expect(typeOf('treaty-north-atlantic-1949')).toBe('treaty');
    expect(typeOf('us-code-22-2321k')).toBe('legislation');
    expect(typeOf('bverfg-1994-out-of-area')).toBe('legal_case');
    expect(typeOf('davis-ueno-2024-yen')).toBe('article-newspaper');
    expect(typeOf('state-mnna')).toBe('webpage');
    expect(typeOf('johnson-2000-blowback')).toBe('book');
    for (const s of sources) expect(Object.keys(CITATION_TYPES), s.id).toContain(citationType(s));
    expect(bib).toMatch(/^@techreport\{rand-rr201-2013,$/m);
    expect(bib).toMatch(/^@legal\{treaty-north-atlantic-1949,$/m);
    expect(bib).toMatch(/^@online\{state-mnna,$/m);
  });

  it('put journal, volume, issue, pages and DOI of articles in their fields; every DOI in doi', () => {
    const beckley = csl.find((i) => i.id === 'beckley-2015')!;
    expect(beckley).toMatchObject({ 'container-title': 'International Security', volume: '39', issue: '4', page: '7-48', DOI: '10.1162/ISEC_a_00197' });
    expect(beckley.URL).toBeUndefined();
    const withDoiUrl = sources.filter((s) => /doi\.org\//.test(s.url));
    expect(withDoiUrl.length).toBe(14);
    for (const s of withDoiUrl) {
      expect(csl.find((i) => i.id === s.id)!.DOI, s.id).toBe(s.url.replace(/^https?:\/\/(dx\.)?doi\.org\//, ''));
      expect(bib, s.id).toMatch(new RegExp(`doi = \\{${s.url.replace(/^https?:\/\/(dx\.)?doi\.org\//, '').replace(/[.()]/g, '\\$&')}\\}`));
    }
    expect(bib).not.toMatch(/doi\.org/);
  });

  it('leave terms of use and snapshot hashes to the registry', () => {
    expect(bib).not.toMatch(/sha256|Terms:/);
    for (const i of csl) expect(i.note ?? '', i.id).not.toMatch(/sha256|Terms:/);
  });
});

// CI installs pandoc (.ci/run): there the test fails rather than skips without it.
describe.runIf(hasPandoc || process.env.CI)('pandoc --citeproc', () => {
  function render(bibliography: string): { out: string; err: string; status: number | null } {
    const r = spawnSync(PANDOC, ['--citeproc', '--bibliography', bibliography, '-t', 'html', path.join(dir, 'cites.md')], { encoding: 'utf8' });
    return { out: r.stdout, err: r.stderr, status: r.status };
  }

  it.each(['sources.bib', 'sources.json'])('resolves every [@id] against %s with no warning, one entry per source', (file) => {
    const { out, err, status } = render(path.join(dir, file));
    expect(status).toBe(0);
    expect(err).toBe('');
    expect(out).not.toMatch(/\?\?\?|citation .* not found/);
    const entries = [...out.matchAll(/<div id="ref-([^"]+)" class="csl-entry"/g)].map((m) => m[1]);
    expect(entries.sort()).toEqual(sources.map((s) => s.id).sort());
  });

  it('reads the BibTeX entry types as the CSL-JSON types, for every entry type', () => {
    const fromBib = JSON.parse(execFileSync(PANDOC, ['-f', 'biblatex', '-t', 'csljson', path.join(dir, 'sources.bib')], { encoding: 'utf8' })) as CslItem[];
    const types = new Map(fromBib.map((i) => [i.id, i.type]));
    for (const i of csl) expect(types.get(i.id), i.id).toBe(i.type);
    expect(new Set(csl.map((i) => i.type))).toEqual(new Set(Object.keys(CITATION_TYPES)));
  });
});
