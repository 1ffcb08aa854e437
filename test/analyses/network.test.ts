// The alliance network: measures on small graphs with known answers, then the U.S. network
// from ATOP and the curated groupings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/evidence/load.ts';
import { commitmentNames, readAllianceEvidence } from '../../src/analyses/alliances.ts';
import {
  allianceMemberships, groupingMemberships, latticeIndex, latticeSeries, louvain, modularity, networkNodes, networkYear,
} from '../../src/analyses/network.ts';
import type { NetworkMembership, NetworkNode } from '../../src/analyses/network.ts';
import { ALLIANCE_NEEDS, testEvidence } from './support.ts';

const node = (iso3: string, region = 'asia'): NetworkNode => ({ iso3, name: iso3, region, role: iso3 === 'USA' ? 'us' : 'ally' });
const spell = (id: string, member: string, from: number, to: number | null = null): NetworkMembership => ({
  instrument: { id, name: id, type: 'alliance', source: 'fixture', locator: id }, member, from, to,
});

describe('network measures', () => {
  // Two triangles joined by one edge: {0,1,2} and {3,4,5}, bridge 2-3.
  const twoTriangles = [[1, 2], [0, 2], [0, 1, 3], [2, 4, 5], [3, 5], [3, 4]];

  it('Louvain finds the two triangles; their modularity is 5/14', () => {
    const c = louvain(twoTriangles);
    expect(c).toEqual([0, 0, 0, 1, 1, 1]);
    expect(modularity(twoTriangles, c)).toBeCloseTo(5 / 14, 10);
    expect(modularity(twoTriangles, [0, 0, 0, 0, 0, 0])).toBeCloseTo(0, 10);
  });

  it('a pure hub and spokes has a lattice index of 0; ties among the spokes raise it', () => {
    const nodes = ['USA', 'JPN', 'KOR', 'AUS'].map((n) => node(n));
    const spokes = ['JPN', 'KOR', 'AUS'].flatMap((a) => [spell(`us-${a}`, 'USA', 1960), spell(`us-${a}`, a, 1960)]);
    const hub = networkYear(1970, nodes, spokes);
    expect(hub.index.all).toEqual({ usTies: 3, allyTies: 0, share: 0 });
    expect(hub.nodes[0].betweenness).toBe(1); // every path between allies runs through Washington
    const trilateral = [...spokes, spell('tri', 'JPN', 2023), spell('tri', 'KOR', 2023), spell('tri', 'USA', 2023)];
    expect(networkYear(2024, nodes, trilateral).index.all).toEqual({ usTies: 3, allyTies: 1, share: 0.25 });
    expect(networkYear(2000, nodes, trilateral).index.all.share).toBe(0);
  });

  it('counts a pair tied by several instruments once, listing the instruments; ends ties when a spell ends', () => {
    const nodes = ['USA', 'JPN'].map((n) => node(n));
    const both = [spell('a', 'USA', 1950), spell('a', 'JPN', 1950, 1960), spell('b', 'USA', 1955), spell('b', 'JPN', 1955)];
    expect(networkYear(1958, nodes, both).ties).toEqual([{ a: 'USA', b: 'JPN', kind: 'us-ally', instruments: ['a', 'b'] }]);
    expect(networkYear(1965, nodes, both).ties[0].instruments).toEqual(['b']);
    expect(latticeIndex([])).toEqual({ usTies: 0, allyTies: 0, share: null });
  });
});

describe('the U.S. alliance network (real evidence)', () => {
  let evidence: Evidence;
  let cleanup: () => Promise<void>;
  let nodes: NetworkNode[];
  let memberships: NetworkMembership[];
  beforeAll(async () => {
    ({ evidence, cleanup } = await testEvidence(ALLIANCE_NEEDS));
    const { alliances, members, commitments } = readAllianceEvidence(evidence);
    memberships = [
      ...allianceMemberships(alliances, members, commitments, commitmentNames(commitments)),
      ...groupingMemberships(evidence.table('groupings'), evidence.table('grouping_members')),
    ];
    nodes = networkNodes(evidence.allies(), memberships, (iso) => evidence.country(iso));
  });
  afterAll(() => cleanup());

  it('places the United States at the centre, with partners from the groupings (India through the Quad)', () => {
    const y = networkYear(2024, nodes, memberships);
    const top = [...y.nodes].sort((a, b) => b.betweenness - a.betweenness)[0];
    expect(top.iso3).toBe('USA');
    expect(y.nodes.find((n) => n.iso3 === 'IND')).toMatchObject({ role: 'partner' });
    const jpnAus = y.ties.find((t) => (t.a === 'AUS' && t.b === 'JPN') || (t.a === 'JPN' && t.b === 'AUS'))!;
    expect(jpnAus.instruments).toEqual(expect.arrayContaining(['quad', 'jpn-aus-raa']));
    // NATO members form one community.
    const nato = y.nodes.filter((n) => ['DEU', 'POL', 'FRA', 'FIN'].includes(n.iso3)).map((n) => n.community);
    expect(new Set(nato).size).toBe(1);
  });

  it('Asia moved from hub and spokes toward a latticework: its index rose from 2000 to 2024', () => {
    const [y2000, y2024] = latticeSeries([2000, 2024], nodes, memberships);
    expect(y2000.byRegion.asia.share!).toBeLessThan(0.2);
    expect(y2024.byRegion.asia.share!).toBeGreaterThanOrEqual(0.4);
  });

  it('Finland ties to the other NATO members through NATO from 2023 (a curated accession), not before', () => {
    const viaNato = (year: number) => networkYear(year, nodes, memberships).ties
      .find((t) => [t.a, t.b].includes('FIN') && [t.a, t.b].includes('DEU'))?.instruments.includes('atop-3180') ?? false;
    expect(viaNato(2022)).toBe(false);
    expect(viaNato(2024)).toBe(true);
  });

  it('with a member limit, large multilaterals (NATO, the Rio Treaty) drop out', () => {
    const small = networkYear(2024, nodes, memberships, { maxMembers: 10 });
    expect(small.instruments.map((i) => i.id)).not.toContain('atop-3180');
    expect(small.ties.length).toBeLessThan(networkYear(2024, nodes, memberships).ties.length);
  });
});
