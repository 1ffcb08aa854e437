// Ties among U.S. allies in the alliance network of the Network page (src/analyses/network.ts):
// the same memberships (ATOP alliances in force with post-2018 accessions, curated groupings
// and access agreements), so that the ledger's "allies tied" and the Network page agree. The
// ledger reads two measures of it:
//   ally_ties     the number of other allies of the year an ally shares an instrument with;
//   tie_strength  the sum over the ally's instruments of (other allies in it) / (n - 1), n the
//                 instrument's members among all nodes that year (the United States and
//                 partners such as India included): each alliance or grouping adds at most 1,
//                 so NATO counts once instead of making every member tied to thirty others,
//                 and a bilateral access agreement between two allies counts fully.
import type { Evidence } from '../evidence/load.ts';
import { commitmentNames, readAllianceEvidence } from '../analyses/alliances.ts';
import { allianceMemberships, allyTieStrength, groupingMemberships } from '../analyses/network.ts';
import { derived } from './derived-cache.ts';
import type { AllyTies, NetworkMembership } from '../analyses/network.ts';

export type { AllyTies };

const memberships = new WeakMap<object, NetworkMembership[]>();

/**
 * The network memberships of the evidence, read once per evidence object, and kept between
 * processes by the evidence's content (derived-cache.ts) when it has a content key.
 */
export function networkMemberships(evidence: Pick<Evidence, 'table' | 'tableNames'> & { contentKey?: string | null }): NetworkMembership[] {
  let m = memberships.get(evidence);
  if (!m) {
    m = derived('network-memberships', evidence.contentKey, () => {
      const { alliances, members, commitments } = readAllianceEvidence(evidence);
      return [
        ...allianceMemberships(alliances, members, commitments, commitmentNames(commitments)),
        ...groupingMemberships(evidence.table('groupings'), evidence.table('grouping_members')),
      ];
    });
    memberships.set(evidence, m);
  }
  return m;
}

/** Every ally's ties in a year (cached in the ledger's per-year cache when one is given). */
export function allianceTies(evidence: Pick<Evidence, 'table' | 'tableNames'> & { contentKey?: string | null }, allies: readonly string[], year: number, cache?: Map<string, unknown>): Map<string, AllyTies> {
  const key = `alliance ties ${year} ${allies.join(',')}`;
  const hit = cache?.get(key) as Map<string, AllyTies> | undefined;
  if (hit) return hit;
  const out = allyTieStrength(networkMemberships(evidence), allies, year);
  cache?.set(key, out);
  return out;
}
