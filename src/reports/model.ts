// The report as data: everything "The Balance Sheet of U.S. Allies <year>" says, assembled
// from the engine and the analyses (assemble.ts) before any renderer sees it. Renderers
// (html.ts, markdown.ts, pdf.ts) only lay it out, so the three formats say the same thing.
import type { AsymmetryProfile } from '../analyses/asymmetry.ts';
import type { ClaimCheck } from '../analyses/claims.ts';
import type { InterestProfile } from '../analyses/interests.ts';
import type { RegionComparison } from '../analyses/similarity.ts';
import type { CommitmentLevel } from '../analyses/tiers.ts';
import type { Indicator } from '../evidence/schema.ts';
import type { SeriesPoint } from '../interfaces/charts/series.ts';
import type { AllyLedger, Judgment, LineItem, RobustnessSettings } from '../method/index.ts';
import type { RobustnessSummary, ScenarioResult } from '../scenarios/index.ts';

export interface RankingEntry {
  rank: number | null;
  ally: string;
  name: string;
  region: string | null;
  commitment: string;
  tier: number | null;
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  coverage: number;
  /** Central interval of the net over the robustness draws (null: unranked). */
  netLow: number | null;
  netHigh: number | null;
  /** Probability that the ally keeps its rank under the draws. */
  pSameRank: number | null;
  pNetPositive: number | null;
}

export interface TierSummary {
  tier: number;
  members: { ally: string; name: string }[];
  meanNet: number | null;
  above: string[];
  below: string[];
}

export interface ExecutiveSummary {
  findings: string[];
  ranking: RankingEntry[];
  /** Capital coordinates [lon, lat] of every covered ally (for allies too small for the atlas). */
  capitals: [string, [number, number]][];
  tiers: TierSummary[];
  tierDefinitions: string[];
}

export interface KeyIndicator {
  indicator: Indicator;
  points: SeriesPoint[];
  sources: string[];
  reference?: { value: number; label: string };
}

export interface BurdenEntry {
  label: string;
  unit: string;
  indicator: string;
  value: number | null;
  year: number | null;
  stale: boolean;
  share: number | null;
  abilityShare: number | null;
  ratio: number | null;
  rank: number | null;
  rankedAmong: number;
  reason: string | null;
  sources: string[];
}

export interface ChapterClaim {
  id: string;
  statement: string;
  verdict: string;
  summary: string;
  source: string;
  locator: string;
}

export interface ChapterRobustness {
  low: number;
  high: number;
  modalRank: number;
  rankInterval: [number, number];
  pSameRank: number;
  pNetPositive: number;
}

export interface AllyChapter {
  iso3: string;
  name: string;
  region: string | null;
  commitment: CommitmentLevel;
  tier: { tier: number; of: number } | null;
  ledger: AllyLedger;
  rankedCount: number;
  robustness: ChapterRobustness | null;
  keyIndicators: KeyIndicator[];
  burden: BurdenEntry[];
  burdenAbility: string;
  asymmetry: AsymmetryProfile;
  interests: InterestProfile | null;
  /** The ratings of judgment line items in force for the ally in the year, with their labels. */
  judgments: (Judgment & { label: string; scale: { min: number; max: number } })[];
  claims: ChapterClaim[];
  sources: string[];
}

export interface RegionSection {
  comparison: RegionComparison;
  names: [string[], string[]];
  /** Mean burden-sharing ratio of each region's allies per contribution (allies with a ratio). */
  burden: { label: string; a: { mean: number | null; n: number }; b: { mean: number | null; n: number } }[];
  /** Mean of each key indicator's latest value (as of the year) over each region's allies. */
  indicators: { label: string; unit: string; a: { mean: number | null; n: number }; b: { mean: number | null; n: number } }[];
  sources: string[];
}

export interface ScenarioSection {
  result: ScenarioResult;
  /** Net change of every moved ally, largest first (for the chart). */
  moved: { ally: string; name: string; change: number; before: number | null; after: number | null; rankBefore: number | null; rankAfter: number | null; direct: boolean }[];
  /** How robust the movements are for the allies whose own values changed, else the five that moved most (robustness draws on both ledgers). */
  robust: { ally: string; name: string; before: RobustnessSummary | null; after: RobustnessSummary | null }[];
}

export interface MethodologyItem {
  item: LineItem;
  /** Weight as a share of its side's total weight. */
  shareOfSide: number;
  /** What the line measures (the methodology's words, or "not stated"). */
  construct: string;
  /** Net points the line moves over its 0-100 range when the ally has every line (liabilities negative): src/method/explain.ts pointWorth. */
  pointsFullRange: number;
  measure: string;
  normalization: string;
  missing: string;
}

export interface MethodologyAppendix {
  id: string;
  version: string;
  title: string;
  description: string;
  authors: string[];
  file: string;
  steps: string[];
  items: MethodologyItem[];
  judgments: { id: string; label: string; question: string; scale: { min: number; max: number; labels: Record<string, string> } }[];
  balance: { assets: number; liabilities: number };
  minCoverage: number;
  staleness: number;
  robustness: {
    settings: RobustnessSettings;
    draws: number;
    pSameOrder: number;
    description: string;
    intervals: { ally: string; name: string; rank: number; net: number; low: number; high: number }[];
    sweep: { change: number; pSameOrder: number; meanPSameRank: number; maxShift: number; draws: number }[];
  };
  /** How the asymmetry profiles of the chapters are measured. */
  asymmetry: string[];
  burdenSharing: { rationale: string; ability: string; contributions: string[]; staleness: number; citations: { source: string; locator: string }[] };
}

export interface IndicatorUse {
  indicator: Indicator;
  sources: string[];
  /** Allies of the report's chapters with a value within the methodology's staleness window of the year. */
  covered: number;
  of: number;
}

export interface DataAppendix {
  indicators: IndicatorUse[];
  coverage: { ally: string; name: string; overall: number; observed: number; imputed: number; missing: number; total: number; missingItems: string[] }[];
  files: { source: string; path: string; sha256: string; bytes: number }[];
  tables: string[];
  notes: string[];
}

export interface BibliographyEntry {
  id: string;
  kind: string;
  citation: string;
  title: string;
  author: string;
  publisher: string;
  version: string;
  year: number;
  url: string;
  terms: string;
  files: { path: string; sha256: string }[];
}

export interface ReportModel {
  title: string;
  subtitle: string;
  year: number;
  methodology: { id: string; version: string; title: string };
  covered: number;
  ranked: number;
  summary: ExecutiveSummary;
  chapters: AllyChapter[];
  regions: RegionSection | null;
  scenarios: ScenarioSection[];
  claims: ClaimCheck[];
  methodologyAppendix: MethodologyAppendix;
  dataAppendix: DataAppendix;
  bibliography: BibliographyEntry[];
}
