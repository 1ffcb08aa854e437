// The shapes of the analysis and scenario routes' JSON (types only: nothing of the server is
// bundled). They come from the analyses' and the scenarios' own types.
import type { AsymmetryProfile } from '../../../analyses/asymmetry.ts';
import type { ClaimCheck } from '../../../analyses/claims.ts';
import type { ComparisonTable } from '../../../analyses/comparison.ts';
import type { DurationSummary, UsAllianceAge } from '../../../analyses/history.ts';
import type { CentralityRow, Instrument, LatticeIndex, NetworkTie } from '../../../analyses/network.ts';
import type { Comparison } from '../../../scenarios/compose.ts';
import type { ScenarioResult } from '../../../scenarios/run.ts';
import type { Citation } from '../../../scenarios/schema.ts';
import type { Source } from '../api-types.ts';

export type { AsymmetryProfile, ClaimCheck, Citation };

export interface Cited {
  sources: Source[];
}

export type CompareResponse = Cited & Pick<ComparisonTable, 'year' | 'allies' | 'notes' | 'rows'> & { count: number };

export type AsymmetryResponse = AsymmetryProfile;

export type ClaimRow = ClaimCheck & { countries: string[] };
export type ClaimsResponse = Cited & { count: number; rows: ClaimRow[] };

export interface HistoryResponse extends Cited {
  by: string;
  asOf: number;
  total: number;
  definitions: Record<string, string>;
  terminationModes: Record<string, string>;
  groupings: Record<string, string>;
  count: number;
  rows: DurationSummary[];
  usAlliances: UsAllianceAge[];
}

export interface NetworkResponse extends Cited {
  year: number;
  years: { first: number; latest: number };
  count: number;
  rows: CentralityRow[];
  ties: NetworkTie[];
  instruments: Instrument[];
  communities: { id: number; members: string[] }[];
  modularity: number;
  index: { all: LatticeIndex; byRegion: Record<string, LatticeIndex> };
  series: { year: number; all: LatticeIndex; byRegion: Record<string, LatticeIndex> }[];
  definitions: string[];
}

export interface ScenarioSummary {
  name: string;
  title: string;
  horizon: number;
  description: string;
  changes: number;
  kinds: string[];
  sources: Citation[];
}

export type ScenariosResponse = Cited & { present: number; count: number; rows: ScenarioSummary[] };

export type PublicResult = Omit<ScenarioResult, 'ledgers' | 'methodologies'>;

export type RunResponse = Cited & (
  | ({ compare: 'baseline'; conflicts: string[] } & PublicResult)
  | { compare: 'each'; results: PublicResult[]; comparison: Comparison }
);
