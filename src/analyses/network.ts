// The U.S. alliance network of a year: the United States, its covered allies and the partners
// of its minilateral groupings as nodes; a tie wherever two of them share an alliance in
// force (ATOP member level, plus curated accessions after 2018), a minilateral grouping or
// an access or basing agreement. Measures: degree, betweenness (Brandes 2001), communities
// (label propagation, Raghavan et al. 2007) and a hub-and-spokes versus latticework index,
// the share of ally-to-ally ties among all ties (0: every tie runs through Washington).
import type { TableRow } from '../evidence/load.ts';
import { betweenness } from '../method/network.ts';
import type { MemberObligations, UsCommitment, AllianceRecord } from './alliances.ts';
import { ATOP_COVERAGE_END, isNonaggressionOnly, TableReader } from './alliances.ts';

export type InstrumentType = 'alliance' | 'grouping' | 'access';

export interface Instrument {
  id: string;
  name: string;
  type: InstrumentType;
  source: string;
  locator: string;
}

/** One membership spell: `member` belongs to `instrument` from `from` to `to` (null: open). */
export interface NetworkMembership {
  instrument: Instrument;
  member: string;
  from: number;
  to: number | null;
}

export interface NetworkNode {
  iso3: string;
  name: string;
  region: string | null;
  /** us | ally (covered) | partner (member of a U.S. grouping only) */
  role: 'us' | 'ally' | 'partner';
}

export interface NetworkTie {
  a: string;
  b: string;
  kind: 'us-ally' | 'ally-ally';
  instruments: string[];
}

export interface CentralityRow extends NetworkNode {
  degree: number;
  /** Other covered allies tied (the ledger's "allies tied"), and the weighted tie strength (allyTieStrength); null for the U.S. and partners. */
  allyTies: number | null;
  tieStrength: number | null;
  /** Normalized betweenness in [0, 1]. */
  betweenness: number;
  community: number;
}

export interface LatticeIndex {
  usTies: number;
  allyTies: number;
  /** allyTies / (usTies + allyTies); null without ties. */
  share: number | null;
}

export interface NetworkYear {
  year: number;
  nodes: CentralityRow[];
  ties: NetworkTie[];
  instruments: Instrument[];
  communities: { id: number; members: string[] }[];
  modularity: number;
  index: { all: LatticeIndex; byRegion: Record<string, LatticeIndex> };
}

export const NETWORK_DEFINITIONS = [
  'Nodes: the United States, the covered allies (curated/allies.yaml) and the other members of the curated minilateral groupings (e.g. India through the Quad).',
  `Alliance ties: two nodes share an ATOP 5.1 alliance in force that year (member entry and exit dates), excluding pacts whose only obligation is nonaggression (ATOP's NNA rule: the Helsinki Final Act and the Treaty of Amity and Cooperation would otherwise tie every participant). Alliances in force at the end of ATOP's coverage (${ATOP_COVERAGE_END.year}) are carried forward, and accessions after ${ATOP_COVERAGE_END.year} come from us_commitments (Finland 2023, Sweden 2024 in NATO).`,
  'Grouping and access ties: members of a curated minilateral grouping, or parties to an access or basing agreement, from the year it took effect (groupings coded as treaties are left to ATOP).',
  'A pair of nodes tied by several instruments counts as one tie; the instruments are listed. With a member limit, instruments with more members among the nodes (NATO, the Rio Treaty, the OAS Charter) are left out, so that the index measures the small-group ties a latticework is made of.',
  'Allies tied and tie strength (the ledger\'s network line): the other covered allies an ally shares an instrument with, and the sum over its instruments of (other allies in it) / (n - 1) for an instrument of n members, so that NATO adds about 1 to each member and a bilateral agreement between two allies adds 1. No member limit applies to these two.',
  'Lattice index: ally-to-ally ties / all ties (ally-to-ally plus U.S.-to-ally); 0 is a pure hub and spokes, values near 1 a latticework. By region: ties whose two allies are both in the region, plus their U.S. ties.',
  'Betweenness: Brandes (2001), normalized by (n-1)(n-2)/2. Communities: Louvain modularity optimization (Blondel et al. 2008), nodes visited in code order and ties broken toward the smallest community, so results are reproducible; the partition\'s modularity (Newman 2006) is reported.',
];

// --- memberships from the evidence ---

function yearOf(v: string | number | boolean | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const m = /^(\d{4})/.exec(String(v));
  return m ? Number(m[1]) : null;
}

/** ATOP memberships (non-NNA alliances), with curated post-2018 accessions to ATOP alliances. */
export function allianceMemberships(alliances: readonly AllianceRecord[], members: readonly MemberObligations[], commitments: readonly UsCommitment[], names: ReadonlyMap<number, string> = new Map()): NetworkMembership[] {
  const included = new Map(alliances.filter((a) => !isNonaggressionOnly(a)).map((a) => [a.atopid, a]));
  const instrumentOf = (a: AllianceRecord): Instrument => ({
    id: `atop-${a.atopid}`, name: names.get(a.atopid) ?? a.name, type: 'alliance', source: a.source.split(';')[0], locator: a.locator.split('; ')[0],
  });
  const out: NetworkMembership[] = [];
  for (const m of members) {
    const a = included.get(m.atopid);
    if (!a) continue;
    out.push({ instrument: instrumentOf(a), member: m.member, from: m.entry.year, to: m.exit?.year ?? null });
  }
  for (const c of commitments) {
    if (c.atopid === null || !c.basis.startsWith('curated') || c.status !== 'in-force' || !c.begin) continue;
    const a = included.get(c.atopid);
    if (!a || members.some((m) => m.atopid === c.atopid && m.member === c.ally)) continue;
    out.push({ instrument: { ...instrumentOf(a), source: c.source.split(';')[0], locator: c.locator }, member: c.ally, from: c.begin.year, to: c.end?.year ?? null });
  }
  return out;
}

/** Memberships of curated groupings (minilaterals, access and basing agreements). */
export function groupingMemberships(groupings: readonly TableRow[], groupingMembers: readonly TableRow[]): NetworkMembership[] {
  const g = new TableReader('groupings', groupings);
  const gm = new TableReader('grouping_members', groupingMembers);
  const byId = new Map<string, { instrument: Instrument; from: number | null }>();
  g.rows.forEach((_, i) => {
    const kind = g.text(i, 'kind');
    if (kind === 'treaty') return; // the treaty itself is an ATOP alliance
    const type: InstrumentType = kind === 'minilateral' ? 'grouping' : 'access';
    byId.set(g.text(i, 'id'), {
      instrument: { id: g.text(i, 'id'), name: g.text(i, 'name'), type, source: g.text(i, 'source'), locator: g.text(i, 'locator') },
      from: yearOf(g.text(i, 'in_force_from')),
    });
  });
  const out: NetworkMembership[] = [];
  gm.rows.forEach((_, i) => {
    const group = byId.get(gm.text(i, 'grouping'));
    if (!group) return;
    const since = yearOf(gm.text(i, 'since'));
    const from = Math.max(group.from ?? since ?? 0, since ?? 0);
    out.push({ instrument: group.instrument, member: gm.text(i, 'iso3'), from, to: null });
  });
  return out;
}

/** The nodes: the United States, the covered allies, and the other members of curated groupings. */
export function networkNodes(
  allies: readonly { iso3: string }[],
  memberships: readonly NetworkMembership[],
  country: (iso3: string) => { name: string; region: string | null } | undefined,
): NetworkNode[] {
  const allySet = new Set(allies.map((a) => a.iso3));
  const partners = new Set(memberships.filter((m) => m.instrument.type !== 'alliance').map((m) => m.member));
  const codes = [...new Set(['USA', ...allySet, ...partners])].sort((a, b) => (a === 'USA' ? -1 : b === 'USA' ? 1 : a.localeCompare(b)));
  return codes.map((iso3) => ({
    iso3,
    name: country(iso3)?.name ?? iso3,
    region: country(iso3)?.region ?? null,
    role: iso3 === 'USA' ? 'us' : allySet.has(iso3) ? 'ally' : 'partner',
  }));
}

// --- ties among allies, weighted (the ledger's network line reads these) ---

export interface AllyTies {
  /** Other allies tied to this one that year, sorted. */
  allies: string[];
  /** Sum over the ally's instruments of (other allies in it) / (n - 1), n its members among all nodes. */
  strength: number;
  /** The instruments behind the ties (table alliance_network, group = instrument id). */
  refs: { table: string; group: string; source: string }[];
}

/**
 * Each ally's ties to the other allies in a year, and their strength: an instrument of n
 * members (the United States and partners counted) gives each member 1/(n-1) per other ally
 * in it, so that an alliance adds at most 1 however large (NATO once, not thirty times) and a
 * bilateral agreement between two allies counts fully. Several instruments between the same
 * pair add up: a tie made of a treaty, a grouping and an access agreement is a stronger tie.
 */
export function allyTieStrength(memberships: readonly NetworkMembership[], allies: readonly string[], year: number): Map<string, AllyTies> {
  const allySet = new Set(allies);
  const byInstrument = new Map<string, { members: Set<string>; source: string }>();
  for (const m of memberships) {
    if (!activeIn(m, year)) continue;
    const entry = byInstrument.get(m.instrument.id) ?? { members: new Set<string>(), source: m.instrument.source };
    entry.members.add(m.member);
    byInstrument.set(m.instrument.id, entry);
  }
  const out = new Map<string, AllyTies>(allies.map((a) => [a, { allies: [], strength: 0, refs: [] }]));
  const tied = new Map<string, Set<string>>(allies.map((a) => [a, new Set<string>()]));
  for (const [id, { members, source }] of [...byInstrument.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (members.size < 2) continue;
    const inside = [...members].filter((x) => allySet.has(x));
    for (const a of inside) {
      const others = inside.filter((b) => b !== a);
      if (!others.length) continue;
      const mine = out.get(a)!;
      mine.strength += others.length / (members.size - 1);
      mine.refs.push({ table: 'alliance_network', group: id, source });
      for (const b of others) tied.get(a)!.add(b);
    }
  }
  for (const [a, set] of tied) out.get(a)!.allies = [...set].sort();
  return out;
}

// --- the graph of one year ---

function activeIn(m: NetworkMembership, year: number): boolean {
  // An open spell (in force at the end of ATOP's coverage, or curated) is carried forward.
  return m.from <= year && (m.to === null || year <= m.to);
}

interface YearGraph {
  neighbours: number[][];
  ties: NetworkTie[];
  instruments: Instrument[];
}

export interface NetworkOptions {
  /** Leave out instruments with more members among the nodes than this (e.g. NATO, the Rio Treaty). */
  maxMembers?: number;
}

/** The ties of one year: every pair of nodes in a common instrument that year. */
function yearGraph(year: number, nodes: readonly NetworkNode[], memberships: readonly NetworkMembership[], options: NetworkOptions = {}): YearGraph {
  const index = new Map(nodes.map((n, i) => [n.iso3, i]));
  const byInstrument = new Map<string, { instrument: Instrument; members: Set<number> }>();
  for (const m of memberships) {
    const i = index.get(m.member);
    if (i === undefined || !activeIn(m, year)) continue;
    const entry = byInstrument.get(m.instrument.id) ?? { instrument: m.instrument, members: new Set<number>() };
    entry.members.add(i);
    byInstrument.set(m.instrument.id, entry);
  }
  if (options.maxMembers !== undefined) {
    for (const [id, entry] of byInstrument) if (entry.members.size > options.maxMembers) byInstrument.delete(id);
  }
  const pairInstruments = new Map<string, Set<string>>();
  for (const { instrument, members } of byInstrument.values()) {
    const list = [...members].sort((a, b) => a - b);
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const key = `${list[x]},${list[y]}`;
        const set = pairInstruments.get(key) ?? new Set<string>();
        set.add(instrument.id);
        pairInstruments.set(key, set);
      }
    }
  }
  const neighbours: number[][] = nodes.map(() => []);
  const ties: NetworkTie[] = [];
  for (const [key, instruments] of [...pairInstruments.entries()].sort(([a], [b]) => compareKey(a, b))) {
    const [x, y] = key.split(',').map(Number);
    neighbours[x].push(y);
    neighbours[y].push(x);
    const a = nodes[x].iso3;
    const b = nodes[y].iso3;
    ties.push({ a, b, kind: a === 'USA' || b === 'USA' ? 'us-ally' : 'ally-ally', instruments: [...instruments].sort() });
  }
  neighbours.forEach((list) => list.sort((a, b) => a - b));
  const instruments = [...byInstrument.values()].filter((v) => v.members.size > 1).map((v) => v.instrument).sort((a, b) => a.id.localeCompare(b.id));
  return { neighbours, ties, instruments };
}

export function networkYear(year: number, nodes: readonly NetworkNode[], memberships: readonly NetworkMembership[], options: NetworkOptions = {}): NetworkYear {
  const { neighbours, ties, instruments } = yearGraph(year, nodes, memberships, options);
  const between = betweenness(neighbours);
  const community = louvain(neighbours);
  const strength = allyTieStrength(memberships, nodes.filter((n) => n.role === 'ally').map((n) => n.iso3), year);
  return {
    year,
    nodes: nodes.map((n, i) => ({
      ...n, degree: neighbours[i].length, allyTies: strength.get(n.iso3)?.allies.length ?? null, tieStrength: strength.get(n.iso3)?.strength ?? null,
      betweenness: between[i], community: community[i],
    })),
    ties,
    instruments,
    communities: groupCommunities(community, nodes),
    modularity: modularity(neighbours, community),
    index: latticeIndices(ties, nodes),
  };
}

function compareKey(a: string, b: string): number {
  const [a1, a2] = a.split(',').map(Number);
  const [b1, b2] = b.split(',').map(Number);
  return a1 - b1 || a2 - b2;
}

export function latticeIndex(ties: readonly NetworkTie[]): LatticeIndex {
  const usTies = ties.filter((t) => t.kind === 'us-ally').length;
  const allyTies = ties.length - usTies;
  return { usTies, allyTies, share: ties.length ? allyTies / ties.length : null };
}

function latticeIndices(ties: readonly NetworkTie[], nodes: readonly NetworkNode[]): NetworkYear['index'] {
  const region = new Map(nodes.map((n) => [n.iso3, n.region]));
  const regions = [...new Set(nodes.filter((n) => n.role !== 'us' && n.region).map((n) => n.region!))].sort();
  const byRegion: Record<string, LatticeIndex> = {};
  for (const r of regions) {
    byRegion[r] = latticeIndex(ties.filter((t) => {
      const ra = t.a === 'USA' ? r : region.get(t.a);
      const rb = t.b === 'USA' ? r : region.get(t.b);
      return ra === r && rb === r;
    }));
  }
  return { all: latticeIndex(ties), byRegion };
}

/**
 * Louvain communities (Blondel et al. 2008): nodes move to the neighbouring community that
 * most increases modularity until none does; communities then become nodes and the process
 * repeats. Nodes are visited in index order and ties go to the smallest community, so the
 * partition is reproducible.
 */
export function louvain(neighbours: readonly (readonly number[])[]): number[] {
  let adjacency: Map<number, number>[] = neighbours.map((list) => new Map(list.map((w) => [w, 1])));
  let selfLoops = neighbours.map(() => 0);
  let membership = neighbours.map((_, i) => i);
  for (let level = 0; level < 20; level++) {
    const community = moveNodes(adjacency, selfLoops);
    const count = new Set(community).size;
    if (count === adjacency.length) break;
    const renumbered = renumber(community);
    membership = membership.map((c) => renumbered[c]);
    ({ adjacency, selfLoops } = aggregate(adjacency, selfLoops, renumbered, count));
  }
  return renumber(membership);
}

function moveNodes(adjacency: readonly Map<number, number>[], selfLoops: readonly number[]): number[] {
  const n = adjacency.length;
  const degree = adjacency.map((adj, i) => [...adj.values()].reduce((s, w) => s + w, 0) + 2 * selfLoops[i]);
  const m2 = degree.reduce((s, d) => s + d, 0);
  const community = adjacency.map((_, i) => i);
  if (m2 === 0) return community;
  const total = [...degree];
  for (let sweep = 0; sweep < 100; sweep++) {
    let moved = false;
    for (let v = 0; v < n; v++) {
      const own = community[v];
      const links = new Map<number, number>();
      for (const [w, weight] of adjacency[v]) links.set(community[w], (links.get(community[w]) ?? 0) + weight);
      total[own] -= degree[v];
      // Gain of joining c, up to a constant factor: links to c - total degree of c x own degree / 2m.
      const gain = (c: number) => (links.get(c) ?? 0) - (total[c] * degree[v]) / m2;
      let best = own;
      let bestGain = gain(own);
      for (const c of [...links.keys()].sort((a, b) => a - b)) {
        const g = gain(c);
        if (g > bestGain + 1e-12 || (Math.abs(g - bestGain) <= 1e-12 && c < best)) [best, bestGain] = [c, g];
      }
      total[best] += degree[v];
      if (best !== own) {
        community[v] = best;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return community;
}

function aggregate(adjacency: readonly Map<number, number>[], selfLoops: readonly number[], community: readonly number[], count: number): { adjacency: Map<number, number>[]; selfLoops: number[] } {
  const next: Map<number, number>[] = Array.from({ length: count }, () => new Map());
  const loops = new Array<number>(count).fill(0);
  adjacency.forEach((adj, v) => {
    const cv = community[v];
    loops[cv] += selfLoops[v];
    for (const [w, weight] of adj) {
      const cw = community[w];
      // Each undirected tie is seen from both ends: inside a community it becomes half a self-loop each time.
      if (cv === cw) loops[cv] += weight / 2;
      else next[cv].set(cw, (next[cv].get(cw) ?? 0) + weight);
    }
  });
  return { adjacency: next, selfLoops: loops };
}

/** Number communities 0, 1, ... in order of their first member. */
function renumber(labels: readonly number[]): number[] {
  const ids = new Map<number, number>();
  return labels.map((l) => {
    if (!ids.has(l)) ids.set(l, ids.size);
    return ids.get(l)!;
  });
}

function groupCommunities(community: readonly number[], nodes: readonly NetworkNode[]): { id: number; members: string[] }[] {
  const groups = new Map<number, string[]>();
  community.forEach((c, i) => groups.set(c, [...(groups.get(c) ?? []), nodes[i].iso3]));
  return [...groups.entries()].map(([id, members]) => ({ id, members: members.sort() })).sort((a, b) => b.members.length - a.members.length || a.id - b.id);
}

/** Newman's modularity Q of a partition of an unweighted, undirected graph. */
export function modularity(neighbours: readonly (readonly number[])[], community: readonly number[]): number {
  const m2 = neighbours.reduce((s, list) => s + list.length, 0);
  if (m2 === 0) return 0;
  let inside = 0;
  const degreeSum = new Map<number, number>();
  neighbours.forEach((list, v) => {
    degreeSum.set(community[v], (degreeSum.get(community[v]) ?? 0) + list.length);
    for (const w of list) if (community[w] === community[v]) inside++;
  });
  let expected = 0;
  for (const d of degreeSum.values()) expected += (d / m2) ** 2;
  return inside / m2 - expected;
}

/** The index for every year in a range: how far the system has moved from hub and spokes. */
export function latticeSeries(years: readonly number[], nodes: readonly NetworkNode[], memberships: readonly NetworkMembership[], options: NetworkOptions = {}): { year: number; all: LatticeIndex; byRegion: Record<string, LatticeIndex> }[] {
  return years.map((year) => ({ year, ...latticeIndices(yearGraph(year, nodes, memberships, options).ties, nodes) }));
}
