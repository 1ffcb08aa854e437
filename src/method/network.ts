// The allied security network of a year: covered allies are nodes, and two allies are tied
// when they belong to a common group (an alliance, a minilateral grouping, an access
// agreement) listed in the evidence tables the methodology names. Degree counts an ally's
// ties; betweenness (Brandes 2001) measures how often it lies on the shortest paths between
// other allies, i.e. how much it bridges otherwise separate parts of the network.
import type { TableRow } from '../evidence/load.ts';
import type { NetworkDefinition } from './methodology.ts';
import type { TableRef } from './transforms.ts';

export interface AllyNetwork {
  allies: readonly string[];
  index: Map<string, number>;
  neighbours: number[][];
  degree: number[];
  /** Normalized betweenness in [0, 1]. */
  betweenness: number[];
  /** The membership rows behind each ally's ties. */
  memberships: TableRef[][];
}

/** The year of a cell holding a year or an ISO date; null when empty (an open end). */
function yearOf(cell: TableRow[string] | undefined): number | null {
  if (cell === null || cell === undefined || cell === '') return null;
  const match = /^-?\d{1,4}/.exec(String(cell));
  return match ? Number(match[0]) : null;
}

function activeIn(row: TableRow, from: string | undefined, to: string | undefined, year: number): boolean {
  const s = from === undefined ? null : yearOf(row[from]);
  const e = to === undefined ? null : yearOf(row[to]);
  return (s ?? -Infinity) <= year && year <= (e ?? Infinity);
}

export function allyNetwork(def: NetworkDefinition, tables: ReadonlyMap<string, readonly TableRow[]>, allies: readonly string[], year: number): AllyNetwork {
  const index = new Map(allies.map((a, i) => [a, i]));
  const n = allies.length;
  const tied = Array.from({ length: n }, () => new Set<number>());
  const memberships: TableRef[][] = Array.from({ length: n }, () => []);
  for (const spec of (def.tables ?? [])) {
    const groups = new Map<string, { members: Set<string>; rows: TableRow[] }>();
    for (const row of tables.get(spec.table) ?? []) {
      if (spec.where && Object.entries(spec.where).some(([col, want]) => String(row[col]) !== String(want))) continue;
      if (!activeIn(row, spec.from, spec.to, year)) continue;
      const group = String(row[spec.group]);
      const g = groups.get(group) ?? { members: new Set<string>(), rows: [] };
      g.members.add(String(row[spec.member]));
      g.rows.push(row);
      groups.set(group, g);
    }
    // An ally with no tie in this table is still sourced: by the rows that were searched.
    const consulted = new Set<string>();
    for (const g of groups.values()) for (const row of g.rows) if (row.source) consulted.add(String(row.source));
    const tiedBefore = memberships.map((m) => m.length);
    for (const [group, g] of groups) {
      if (spec.exclude_groups_larger_than !== undefined && g.members.size > spec.exclude_groups_larger_than) continue;
      const inside = [...g.members].map((m) => index.get(m)).filter((i): i is number => i !== undefined);
      for (const row of g.rows) {
        const i = index.get(String(row[spec.member]));
        if (i !== undefined && inside.length > 1) memberships[i].push({ table: spec.table, group, source: String(row.source ?? '') });
      }
      for (const a of inside) for (const b of inside) if (a !== b) tied[a].add(b);
    }
    memberships.forEach((m, i) => {
      if (m.length === tiedBefore[i]) for (const source of [...consulted].sort()) m.push({ table: spec.table, group: '', source });
    });
  }
  const neighbours = tied.map((s) => [...s].sort((a, b) => a - b));
  return { allies, index, neighbours, degree: neighbours.map((x) => x.length), betweenness: betweenness(neighbours), memberships };
}

/** Brandes' algorithm for unweighted, undirected graphs, normalized by (n-1)(n-2)/2. */
export function betweenness(neighbours: readonly (readonly number[])[]): number[] {
  const n = neighbours.length;
  const cb = new Array<number>(n).fill(0);
  const sigma = new Float64Array(n);
  const dist = new Int32Array(n);
  const delta = new Float64Array(n);
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const stack: number[] = [];
    const preds: number[][] = Array.from({ length: n }, () => []);
    sigma.fill(0);
    dist.fill(-1);
    delta.fill(0);
    sigma[s] = 1;
    dist[s] = 0;
    let head = 0, tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const v = queue[head++];
      stack.push(v);
      for (const w of neighbours[v]) {
        if (dist[w] < 0) {
          dist[w] = dist[v] + 1;
          queue[tail++] = w;
        }
        if (dist[w] === dist[v] + 1) {
          sigma[w] += sigma[v];
          preds[w].push(v);
        }
      }
    }
    while (stack.length) {
      const w = stack.pop()!;
      for (const v of preds[w]) delta[v] += (sigma[v] / sigma[w]) * (1 + delta[w]);
      if (w !== s) cb[w] += delta[w];
    }
  }
  // Each undirected path was counted from both ends.
  const norm = n > 2 ? ((n - 1) * (n - 2)) : 1;
  return cb.map((x) => x / norm);
}
