// An alliance's profile over HTTP: the five questions in the study's order; interests by their
// names with ties marked and explained; the cluster the same as /api/tiers places the ally in
// (one run, one answer), the tier of commitment from the ally's standing; the compare table
// says "cluster" and names interests; ATOP's coded names ("USA-LBR 1959") read as words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { readableAllianceName } from '../../src/analyses/alliance-names.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { HeavyWork } from '../../src/interfaces/api/heavy-work.ts';
import { testEvidenceDir } from './support.ts';

let app: OpenAPIHono;
let heavy: HeavyWork;

beforeAll(async () => {
  const evidenceDir = await testEvidenceDir();
  const evidence = await loadEvidence(evidenceDir);
  heavy = new HeavyWork({ evidenceDir, engine: {}, threads: 1, queueLimit: 4 });
  app = await createApp({ evidenceDir, evidence, dashboardDir: null, heavy });
}, 120_000);

afterAll(async () => {
  await heavy?.close();
});

type Entry = { id: string; label: string; points: number | null; tie: { with: string[]; why: string } | null; lines: { sources: string[] }[] };
interface Profile {
  questions: { id: string }[];
  interests: { answer: string; entries: Entry[] };
  compromises: { entries: Entry[] };
  asymmetry: { forms: { form: string; sources: string[] }[] };
  similarity: { mostSimilar: { ally: string; why: string }[]; mostDifferent: unknown[] };
  structure: { cluster: { number: number; of: number; members: { ally: string }[] } | null; commitmentTier: { tier: number; kind: string }; clustersExplained: string };
  sources: string[];
  sourceList: { id: string }[];
}

describe('/api/profile/{ally}', () => {
  it('answers the five questions in order, interests by name, ties marked with the reason', async () => {
    const res = await app.request('/api/profile/JPN?year=2024');
    expect(res.status).toBe(200);
    const p = await res.json() as Profile;
    expect(p.questions.map((q) => q.id)).toEqual(['interests', 'compromises', 'asymmetry', 'similarity', 'structure']);
    expect(p.interests.answer).not.toMatch(/deter-/);
    expect(p.interests.answer).toContain('Deterring China');
    for (const e of p.interests.entries) {
      const equal = p.interests.entries.filter((o) => o !== e && o.points !== null && e.points !== null && Math.abs(o.points - e.points) < 1e-9);
      expect(e.tie?.with.length ?? 0, e.id).toBe(equal.length);
      if (e.tie) expect(e.tie.why.length).toBeGreaterThan(20);
    }
    expect(p.interests.entries.find((e) => e.id === 'deter-china')!.tie!.with).toContain('Deterring North Korea');
    expect(p.asymmetry.forms.map((f) => f.form)).toEqual(['obligations', 'basing', 'capability', 'cost']);
    expect(p.similarity.mostSimilar.length).toBeGreaterThan(0);
    expect(p.structure.commitmentTier).toMatchObject({ tier: 1, kind: 'treaty ally' });
    expect(p.structure.clustersExplained).toContain('not tiers');
    const listed = new Set(p.sourceList.map((s) => s.id));
    for (const id of p.sources) expect(listed.has(id), id).toBe(true);
  }, 120_000);

  it('places the ally in the cluster /api/tiers gives it', async () => {
    const p = await (await app.request('/api/profile/POL')).json() as Profile;
    const tiers = await (await app.request('/api/tiers')).json() as { rows: { ally: string; tier: number }[] };
    expect(p.structure.cluster!.number).toBe(tiers.rows.find((r) => r.ally === 'POL')!.tier);
    expect(p.structure.cluster!.members.some((m) => m.ally === 'POL')).toBe(true);
  }, 120_000);

  it('answers 404 for an unknown ally', async () => {
    expect((await app.request('/api/profile/ZZZ')).status).toBe(404);
  });
});

describe('names and labels', () => {
  it('the compare table speaks of clusters and tiers of commitment, with interest names', async () => {
    const body = await (await app.request('/api/compare?allies=JPN,POL')).json() as { rows: { label: string; cells: { text: string }[] }[] };
    const labels = body.rows.map((r) => r.label);
    expect(labels).not.toContain('Tier (1 = highest mean net)');
    expect(labels).toContain('Cluster of similar profiles (numbered by mean net; not a tier)');
    expect(body.rows.find((r) => r.label.startsWith('Tier of commitment'))!.cells.map((c) => c.text)).toEqual(['tier 1 of 3: treaty ally', 'tier 1 of 3: treaty ally']);
    expect(body.rows.find((r) => r.label.startsWith('U.S. interests served most'))!.cells[0].text).toMatch(/^Deterring China, Deterring North Korea, Deterring Russia: tied at/);
  });

  it('reads ATOP\'s coded alliance names as words, keeping the code', async () => {
    const history = await (await app.request('/api/history')).json() as { usAlliances: { atopid: number; name: string }[] };
    const liberia = history.usAlliances.find((a) => a.atopid === 3370)!;
    expect(liberia.name).toBe('U.S.-Liberia agreement (1959; ATOP USA-LBR 1959)');
    expect(history.usAlliances.every((a) => !/^[A-Z]{3}-[A-Z]{3} \d{4}$/.test(a.name))).toBe(true);
    expect(readableAllianceName({ atopid: 1, name: 'USA-TUV 1979', defensePact: true }, new Map(), () => 'Tuvalu')).toBe('U.S.-Tuvalu defense pact (1979; ATOP USA-TUV 1979)');
    expect(readableAllianceName({ atopid: 2, name: 'USA-TUV 1979' }, new Map([[2, 'Curated name']]), () => 'Tuvalu')).toBe('Curated name');
  });
});
