// The shapes of the API's JSON answers the dashboard reads (types only: nothing of the server
// is bundled). They come from the engine's and the evidence's own types.
import type { RegionsReport } from '../../analyses/regions.ts';
import type { Ally } from '../../evidence/load.ts';
import type { Indicator, Observation, Source } from '../../evidence/schema.ts';
import type { BurdenReport } from '../../method/burden.ts';
import type { HeadingWorth, MethodologyLine, PointWorth, WhyThisRank } from '../../method/explain.ts';
import type { AllyLedger, LedgerLine } from '../../method/ledger.ts';
import type { Methodology } from '../../method/methodology.ts';
import type { RobustnessResult } from '../../method/robustness.ts';
import type { rankingTable } from '../api/routes/ledgers.ts';

export type { Ally, Indicator, Observation, Source };

export interface MethodologyRef {
  id: string;
  version: string;
  hash: string;
}

interface YearMeta {
  methodology: MethodologyRef;
  year: number;
  years: { first: number; latest: number };
}


export interface Rows<T> {
  count: number;
  rows: T[];
}

export type SlimLine = Omit<LedgerLine, 'observations' | 'judgments' | 'tables'>;
export type SlimLedger = Omit<AllyLedger, 'lines'> & { lines: SlimLine[] };

export interface LedgersResponse extends YearMeta, Rows<SlimLedger> {
  rankedCount: number;
}

export interface AllyLedgerResponse extends YearMeta, AllyLedger {
  rankedCount: number;
  sources: Source[];
}

export type RankingRow = ReturnType<typeof rankingTable>[number];

export interface RankingsResponse extends YearMeta, Rows<RankingRow> {
  draws: number | null;
  interval: number | null;
  pSameOrder: number | null;
}

export interface MethodologyResponse {
  hash: string;
  years: { first: number; latest: number };
  methodology: Methodology;
  /** Every line in words with what a point of it is worth, and the worth of every heading. */
  balance: PointWorth['balance'];
  sides: PointWorth['sides'];
  headings: HeadingWorth[];
  lines: MethodologyLine[];
}

export type WhyResponse = WhyThisRank & { hash: string; years: { first: number; latest: number } };
export type { HeadingWorth, MethodologyLine, WhyThisRank };

export interface ObservationsResponse extends Rows<Observation> {
  total: number;
  offset: number;
  sources: Source[];
  indicators: Indicator[];
}

export type BurdenResponse = YearMeta & BurdenReport;
export type RobustnessResponse = YearMeta & RobustnessResult;

export interface SourceWithFiles extends Source {
  files: { path: string; sha256: string; bytes: number }[];
}

export interface CoverageRow {
  iso3: string;
  name: string;
  region: string | null;
  reference: boolean;
  complete: boolean;
  need: string;
  indicator: string;
  latest_year: number | null;
  value: number | null;
  source: string | null;
  gap: string | null;
}

export type { RegionsReport, RegionRobustness, RegionItem, RegionDistribution, RegionYear } from '../../analyses/regions.ts';
/** GET /api/regions: the report with its line items as rows and the cited sources in full. */
export type RegionsResponse = Omit<RegionsReport, 'items' | 'sources'> & Rows<RegionsReport['items'][number]> & { sources: Source[] };
