// Assemble the report from the engine and the analyses: the ledger of the year for every
// ally of that year (src/method/membership.ts; normalization and ranks are always among all
// of them, whichever chapters are printed), robustness, burden sharing, asymmetry, interests, tiers, claims, the Asia-Europe
// comparison and the scenarios asked for. Pure: loaded inputs in, ReportModel out.
import { readAllianceEvidence } from '../analyses/alliances.ts';
import { asymmetryProfile } from '../analyses/asymmetry.ts';
import { checkClaims } from '../analyses/claims.ts';
import type { ClaimCheck, ClaimRegistry } from '../analyses/claims.ts';
import { checkInterestMap, interestProfile } from '../analyses/interests.ts';
import type { InterestMap } from '../analyses/interests.ts';
import { profileMatrix } from '../analyses/profiles.ts';
import { compareRegions } from '../analyses/similarity.ts';
import { allyTiers, commitmentLevels } from '../analyses/tiers.ts';
import type { TierReport } from '../analyses/tiers.ts';
import type { Evidence } from '../evidence/load.ts';
import { seriesPoints } from '../interfaces/charts/series.ts';
import {
  computeBurdenSharing, computeLedger, drawSettingsOf, latestYear, runRobustness, runSweep, scoreMatrix,
} from '../method/index.ts';
import type { AllyLedger, BurdenReport, Judgment, Methodology, RobustnessResult, YearLedger } from '../method/index.ts';
import { absenceOf, alliesOfYear, MEMBERSHIP_RULE, MEMBERSHIP_RULE_WHY } from '../method/membership.ts';
import { pairedFor, prepareBaseline, runScenario } from '../scenarios/index.ts';
import type { PreparedBaseline, Scenario } from '../scenarios/index.ts';
import { methodologyLines } from '../method/explain.ts';
import type {
  AllyChapter, BibliographyEntry, BurdenEntry, ChapterClaim, DataAppendix, ExecutiveSummary, KeyIndicator, MethodologyAppendix,
  RankingEntry, RegionSection, ReportModel, ScenarioSection,
} from './model.ts';

export interface ReportInputs {
  evidence: Evidence;
  methodology: Methodology;
  /** The methodology file as the reader should see it (a path relative to the project). */
  methodologyFile: string;
  judgments: readonly Judgment[];
  claims: ClaimRegistry;
  interests: InterestMap;
  scenarios: readonly Scenario[];
}

export interface ReportOptions {
  /** Ledger year (default: the methodology's latest year). */
  year?: number;
  /** ISO codes of the allies that get a chapter (default: every covered ally). */
  allies?: readonly string[];
  /** Robustness draws (default: the methodology's). */
  draws?: number;
  /** Draws per level of the ASPI-style weight sweep. */
  sweepDraws?: number;
  /** Draws behind the stability of each tier. */
  tierDraws?: number;
  /** Called after each step: steps done, steps in all, what was done. */
  onProgress?: (done: number, total: number, step: string) => void;
}

/** Indicators charted in every chapter, with a reference line where one is customary. */
export const KEY_INDICATORS: readonly { id: string; reference?: { value: number; label: string } }[] = [
  { id: 'milex_share_gdp', reference: { value: 2, label: 'NATO guideline, 2% of GDP' } },
  { id: 'milex_usd_constant_2023' },
  { id: 'us_troops_active_duty' },
  { id: 'pew_us_favorable' },
];

/** First year of the chapters' charts: the post-Cold War alliance system. */
export const CHART_FIRST_YEAR = 1990;

export const REGIONS: readonly [string, string] = ['asia', 'europe'];

/** Steps the assembler reports besides one per chapter and per scenario. */
const FIXED_STEPS = 7;

export function reportTitle(year: number): string {
  return `The Balance Sheet of U.S. Allies ${year}`;
}

function robustnessByAlly(r: RobustnessResult): Map<string, RobustnessResult['allies'][number]> {
  return new Map(r.allies.map((a) => [a.ally, a]));
}

function rankingOf(ledger: YearLedger, robustness: RobustnessResult, levels: ReturnType<typeof commitmentLevels>, tiers: TierReport): RankingEntry[] {
  const byAlly = robustnessByAlly(robustness);
  const tierOf = new Map(tiers.tiers.flatMap((t) => t.members.map((m) => [m.ally, t.tier] as const)));
  return ledger.allies
    .map((l) => {
      const r = l.ranked ? byAlly.get(l.ally) : undefined;
      return {
        rank: l.rank, ally: l.ally, name: l.name, region: l.region,
        // The standing in the report's year (e.g. NATO since 2004, MNNA since 2022), not 2024's.
        commitment: l.membership.label,
        tier: tierOf.get(l.ally) ?? null,
        assets: l.assets, liabilities: l.liabilities, net: l.net, coverage: l.coverage.overall,
        netLow: r ? r.net.low : null, netHigh: r ? r.net.high : null,
        pSameRank: r ? r.rankProbabilities[r.baseline.rank - 1] : null,
        pNetPositive: r ? r.pNetPositive : null,
      };
    })
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.ally < b.ally ? -1 : 1));
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
}

function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
}

function findings(ranking: readonly RankingEntry[], robustness: RobustnessResult, regions: RegionSection | null, burden: BurdenReport, minCoverage: number): string[] {
  const ranked = ranking.filter((r) => r.rank !== null);
  const out: string[] = [];
  const unranked = ranking.length - ranked.length;
  out.push(`${ranking.length} countries are U.S. allies in the year (treaty allies, major non-NATO allies and Taiwan, standing on 31 December; partners left out); ${ranked.length} are ranked${unranked ? ` and ${unranked} shown unranked (less than ${Math.round(minCoverage * 100)}% of the line-item weight observed)` : ''}.`);
  const name = (r: RankingEntry) => `${r.name} (${signed(r.net!)})`;
  if (ranked.length >= 6) {
    out.push(`Highest net balance: ${ranked.slice(0, 3).map(name).join(', ')}. Lowest: ${ranked.slice(-3).reverse().map(name).join(', ')}.`);
  }
  const positive = ranked.filter((r) => r.net! > 0).length;
  const surely = ranked.filter((r) => (r.pNetPositive ?? 0) >= 0.9).length;
  out.push(`${positive} of the ${ranked.length} ranked allies bring the United States more assets than liabilities (net above zero); ${surely} do so in at least 90% of the ${robustness.draws.toLocaleString('en-US')} robustness draws of the weights${robustness.data ? ', the data ranges' : ''}${robustness.judgments ? ' and the judgment ranges' : ''}.`);
  const widths = ranked.map((r) => {
    const a = robustness.allies.find((x) => x.ally === r.ally);
    return a ? a.rankInterval[1] - a.rankInterval[0] : 0;
  }).sort((a, b) => a - b);
  if (widths.length) {
    out.push(`Ranks depend on the weights: the whole ranking reproduces in ${(robustness.pSameOrder * 100).toFixed(1)}% of the draws, and the median ally's ${Math.round(robustness.interval * 100)}% rank interval spans ${widths[Math.floor(widths.length / 2)]} places (see Appendix A).`);
  }
  if (regions) {
    const [a, b] = regions.comparison.regions;
    const net = regions.comparison.totals.find((t) => t.measure === 'net');
    const gap = regions.comparison.items.find((i) => i.difference !== null);
    if (net && net.a !== null && net.b !== null) {
      out.push(`The ${regions.comparison.allies[0].length} allies of ${cap(a)} average a net of ${signed(net.a)}, the ${regions.comparison.allies[1].length} of ${cap(b)} ${signed(net.b)}${gap ? `; the largest gap is "${gap.label}" (mean score ${cap(a)} ${gap.a.mean!.toFixed(0)}, ${cap(b)} ${gap.b.mean!.toFixed(0)})` : ''}.`);
    }
  }
  const spending = burden.contributions[0];
  if (spending) {
    const measured = burden.rows.filter((r) => r.ally && r.cells[spending.id].ratio !== null);
    const above = measured.filter((r) => r.cells[spending.id].ratio! > 1).sort((x, y) => y.cells[spending.id].ratio! - x.cells[spending.id].ratio!);
    out.push(`By the Department of Defense's burden-sharing measure (share of the allied ${spending.label.toLowerCase()} over share of the allied ${burden.ability.label}), ${above.length} of the ${measured.length} allies with figures carry more than their share${above.length ? `, led by ${above.slice(0, 3).map((r) => `${r.name} (${r.cells[spending.id].ratio!.toFixed(2)})`).join(', ')}` : ''}.`);
  }
  return out;
}

export function cap(region: string): string {
  return region.charAt(0).toUpperCase() + region.slice(1);
}

function keyIndicators(evidence: Evidence, ally: string, year: number): KeyIndicator[] {
  return KEY_INDICATORS.flatMap((k) => {
    const indicator = evidence.indicator(k.id);
    if (!indicator) return [];
    const observations = evidence.series(ally, k.id).filter((o) => o.year >= CHART_FIRST_YEAR && o.year <= year);
    const points = seriesPoints(observations);
    if (!points.some((p) => p.value !== null)) return [];
    return [{ indicator, points, sources: [...new Set(points.filter((p) => p.value !== null).map((p) => p.source))].sort(), reference: k.reference }];
  });
}

function burdenEntries(report: BurdenReport, ally: string): BurdenEntry[] {
  const row = report.rows.find((r) => r.country === ally);
  if (!row) return [];
  return report.contributions.map((c) => {
    const cell = row.cells[c.id];
    const rankedAmong = report.rows.filter((r) => r.ally && r.cells[c.id].rank !== null).length;
    const sources = cell.contribution ? [...new Set([cell.contribution.observation.source, ...(cell.ability ? [cell.ability.observation.source] : [])])].sort() : [];
    // Each contribution names what it is set against and the year of that value (GDP, labour force or its stated proxy).
    const against = c.measure === 'level' ? 'a level, not a ratio' : `against ${c.ability!.label}${cell.ability ? ` ${cell.ability.year}` : ''}`;
    return {
      label: `${c.label} (${against})`, unit: c.unit, indicator: c.indicator,
      value: cell.contribution?.value ?? null, year: cell.contribution?.year ?? null, stale: cell.contribution?.stale ?? false,
      share: cell.share, abilityShare: cell.abilityShare, ratio: cell.ratio, rank: cell.rank, rankedAmong, reason: cell.reason, sources,
    };
  });
}

/** Countries a claim's readings name: the allies it is about. */
function claimCountries(registry: ClaimRegistry): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const claim of registry.claims) {
    const readings = [...claim.parts.flatMap((p) => p.readings), ...claim.related.map((r) => r.reading)];
    const countries = new Set<string>();
    for (const r of readings) {
      for (const key of ['country', 'counterpart', 'numerator', 'denominator'] as const) {
        const v = (r as Record<string, unknown>)[key];
        if (typeof v === 'string') countries.add(v);
      }
    }
    out.set(claim.id, countries);
  }
  return out;
}

function chapterClaims(checks: readonly ClaimCheck[], about: Map<string, Set<string>>, ally: string): ChapterClaim[] {
  return checks
    .filter((c) => about.get(c.claim.id)?.has(ally))
    .map((c) => ({ id: c.claim.id, statement: c.claim.statement, verdict: c.verdict, summary: c.summary, source: c.claim.source, locator: c.claim.locator }));
}

function lineSources(ledger: AllyLedger): string[] {
  return [...new Set(ledger.lines.flatMap((l) => l.sources))].sort();
}

function judgmentsOf(ledger: AllyLedger, m: Methodology): AllyChapter['judgments'] {
  const seen = new Set<string>();
  return ledger.lines.flatMap((l) => l.judgments).filter((j) => {
    const key = `${j.judgment}\u0000${j.origin}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).map((j) => ({ ...j, label: m.judgments[j.judgment]?.label ?? j.judgment, scale: { min: m.judgments[j.judgment]?.scale.min ?? 0, max: m.judgments[j.judgment]?.scale.max ?? 0 } }));
}

function asymmetrySources(p: AllyChapter['asymmetry']): string[] {
  const values = [
    p.capability.toUnitedStates.ratios.cinc, p.capability.toUnitedStates.ratios.gdp, p.capability.toUnitedStates.ratios.milex,
    ...p.capability.toRivals.flatMap((r) => [r.ratios.cinc, r.ratios.gdp, r.ratios.milex, r.distanceKm]),
    p.basing.troops, p.basing.baseSites, p.basing.exclusiveUseFacilities,
    p.cost.hostNationSupport, p.cost.usStationingCost, p.cost.offsetShare,
  ];
  return [...new Set([
    ...values.flatMap((v) => v?.cites.map((c) => c.source) ?? []),
    ...p.obligations.commitments.flatMap((c) => c.cites.map((x) => x.source)),
  ])].sort();
}

function regionSection(matrix: ReturnType<typeof profileMatrix>, burden: BurdenReport, evidence: Evidence, year: number, staleness: number): RegionSection | null {
  const comparison = compareRegions(matrix, REGIONS[0], REGIONS[1]);
  if (comparison.allies[0].length === 0 || comparison.allies[1].length === 0) return null;
  const names = new Map(evidence.allies().map((a) => [a.iso3, a.name]));
  const stat = (xs: number[]) => ({ mean: mean(xs), n: xs.length });
  const groups = comparison.allies;
  const burdenRows = burden.contributions.map((c) => {
    const of = (group: string[]) => stat(group.map((a) => burden.rows.find((r) => r.country === a)?.cells[c.id].ratio ?? null).filter((x): x is number => x !== null));
    return { label: c.label, a: of(groups[0]), b: of(groups[1]) };
  });
  const sources = new Set<string>(burden.sources);
  const indicators = KEY_INDICATORS.flatMap((k) => {
    const indicator = evidence.indicator(k.id);
    if (!indicator) return [];
    const of = (group: string[]) => stat(group.flatMap((a) => {
      const o = evidence.latest(a, k.id, { upTo: year });
      if (!o || o.year < year - staleness) return [];
      sources.add(o.source);
      return [o.value!];
    }));
    return [{ label: indicator.label, unit: indicator.unit, a: of(groups[0]), b: of(groups[1]) }];
  });
  return {
    comparison,
    names: [groups[0].map((a) => names.get(a) ?? a), groups[1].map((a) => names.get(a) ?? a)],
    burden: burdenRows,
    indicators,
    sources: [...sources].sort(),
  };
}

function scenarioSections(inputs: ReportInputs, present: number, draws: number | undefined): ScenarioSection[] {
  const baselines = new Map<number, PreparedBaseline>();
  // Robustness draws on both ledgers (the report's number, else the methodology's): how robust each movement is.
  const options = { evidence: inputs.evidence, methodology: inputs.methodology, judgments: inputs.judgments, present, robustness: draws !== undefined ? { draws } : {} };
  return inputs.scenarios.map((s) => {
    // Scenarios of the same horizon share the projected baseline.
    let baseline = baselines.get(s.horizon);
    if (!baseline) {
      baseline = prepareBaseline(options, s.horizon, inputs.scenarios.filter((x) => x.horizon === s.horizon).flatMap((x) => x.changes));
      baselines.set(s.horizon, baseline);
    }
    const result = runScenario(s, { ...options, baseline });
    const moved = result.diff
      .filter((d) => d.before.net !== null && d.after.net !== null)
      .map((d) => ({ ally: d.ally, name: d.name, change: d.after.net! - d.before.net!, before: d.before.net, after: d.after.net, rankBefore: d.before.rank, rankAfter: d.after.rank, direct: d.direct }))
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || (a.ally < b.ally ? -1 : 1));
    const names = new Map(result.diff.map((d) => [d.ally, d.name]));
    const shown = new Set(pairedFor(result.diff));
    const robust = (result.robustness?.allies ?? []).filter((a) => shown.has(a.ally)).map((a) => ({ ...a, name: names.get(a.ally) ?? a.ally }));
    return { result, moved, robust };
  });
}

function methodologyAppendix(inputs: ReportInputs, robustness: RobustnessResult, sweep: ReturnType<typeof runSweep>, sweepDraws: number, ledger: YearLedger, asymmetryDefinitions: string[]): MethodologyAppendix {
  const m = inputs.methodology;
  const lines = methodologyLines(m);
  const names = new Map(ledger.allies.map((l) => [l.ally, l.name]));
  const w = m.robustness.weights;
  return {
    id: m.methodology, version: m.version, title: m.title, description: m.description, authors: m.authors, file: inputs.methodologyFile,
    steps: [
      `The allies of ${ledger.year}: ${MEMBERSHIP_RULE} ${MEMBERSHIP_RULE_WHY} In ${ledger.year}: ${ledger.membership.counts.treaty} treaty allies, ${ledger.membership.counts.mnna} major non-NATO allies, ${ledger.membership.counts['treated-as-mnna']} treated as one${ledger.membership.partners.length ? `; partners left out: ${ledger.membership.partners.join(', ')}` : ''}.`,
      `Each line item's measure is evaluated for every ally of ${ledger.year} as of that year: the latest observation at or before the year, no older than the item's staleness window (default ${m.staleness_years} years); older values are flagged "as of".`,
      'Each item is normalized to a 0-100 score across the allies of the year, as its normalization states; higher scores mean more of the asset, or more of the liability.',
      'Missing data are never zero: an item with no value for an ally is excluded for that ally and the other weights of its side renormalized, or imputed with a flag where the item says so.',
      `Assets are the weighted mean of the asset scores times ${m.balance.assets}, liabilities likewise times ${m.balance.liabilities}; the net is assets minus liabilities. Allies with less than ${Math.round(m.ranking.min_coverage * 100)}% of the line-item weight observed are shown but not ranked.`,
    ],
    items: m.items.map((item, k) => ({
      item, shareOfSide: lines[k].share, construct: lines[k].construct, pointsFullRange: lines[k].fullRange,
      measure: lines[k].formula, normalization: lines[k].normalization, missing: lines[k].missing,
    })),
    judgments: Object.entries(m.judgments).map(([id, j]) => ({ id, label: j.label, question: j.question, scale: j.scale })),
    balance: m.balance,
    minCoverage: m.ranking.min_coverage,
    staleness: m.staleness_years,
    robustness: {
      settings: m.robustness,
      draws: robustness.draws,
      pSameOrder: robustness.pSameOrder,
      description: `${robustness.draws.toLocaleString('en-US')} draws (seed ${robustness.seed}): ${w.scheme === 'multiplier' ? `each weight multiplied by a factor drawn log-uniformly in [×${w.low}, ×${w.high}]` : `weights drawn from a Dirichlet distribution around the methodology's (concentration ${w.concentration})`}; ${robustness.data ? 'data drawn within their stated ranges (estimates within ±' + Math.round(m.uncertainty.estimate_relative * 100) + '%)' : 'data fixed'}; ${robustness.judgments ? 'judgments drawn within their ranges' : 'judgments fixed'}. Intervals are central ${Math.round(robustness.interval * 100)}% intervals.`,
      intervals: robustness.allies.map((a) => ({ ally: a.ally, name: names.get(a.ally) ?? a.ally, rank: a.baseline.rank, net: a.baseline.net, low: a.net.low, high: a.net.high })).sort((a, b) => a.rank - b.rank),
      sweep: sweep.map((s) => ({
        change: s.change, pSameOrder: s.pSameOrder, draws: sweepDraws,
        meanPSameRank: s.allies.reduce((t, a) => t + a.pSameRank, 0) / Math.max(1, s.allies.length),
        maxShift: Math.max(0, ...s.allies.map((a) => a.maxShift)),
      })),
    },
    asymmetry: asymmetryDefinitions,
    burdenSharing: {
      rationale: m.burden_sharing.rationale,
      ability: `${m.burden_sharing.ability.label} (${m.burden_sharing.ability.indicator})`,
      contributions: m.burden_sharing.contributions.map((c) => `${c.label} (${c.indicator}, ${c.unit})${c.measure === 'level' ? ', shown as a level, not a ratio' : `, against ${(c.ability ?? m.burden_sharing.ability).label}${(c.ability ?? m.burden_sharing.ability).proxy ? ` (or ${(c.ability ?? m.burden_sharing.ability).proxy!.label.toLowerCase()} as a stated proxy)` : ''}`}${c.extra_countries.length ? `, counting also ${c.extra_countries.join(', ')}` : ''}`).concat(`no ratio over fewer than ${m.burden_sharing.min_countries} countries`),
      staleness: m.burden_sharing.staleness_years,
      citations: m.burden_sharing.citations.map((c) => ({ source: c.source, locator: c.locator })),
    },
  };
}

function dataAppendix(evidence: Evidence, ledger: YearLedger, chapters: readonly AllyChapter[], indicatorIds: ReadonlySet<string>, staleness: number): DataAppendix {
  const chapterAllies = chapters.map((c) => c.iso3);
  const indicators = [...indicatorIds].sort().flatMap((id) => {
    const indicator = evidence.indicator(id);
    if (!indicator) return [];
    const sources = new Set<string>();
    let covered = 0;
    for (const ally of chapterAllies) {
      for (const o of evidence.series(ally, id)) if (o.value !== null && o.year <= ledger.year) sources.add(o.source);
      const latest = evidence.latest(ally, id, { upTo: ledger.year });
      if (latest && latest.year >= ledger.year - staleness) covered++;
    }
    return [{ indicator, sources: [...sources].sort(), covered, of: chapterAllies.length }];
  });
  const coverage = chapters.map((c) => ({
    ally: c.iso3, name: c.name, overall: c.ledger.coverage.overall,
    observed: c.ledger.coverage.itemsObserved, imputed: c.ledger.coverage.itemsImputed, missing: c.ledger.coverage.itemsMissing, total: c.ledger.coverage.itemsTotal,
    missingItems: c.ledger.lines.filter((l) => l.missing).map((l) => l.label),
  }));
  return {
    indicators,
    coverage,
    files: [],
    tables: evidence.tableNames(),
    notes: [
      'The evidence tables are built from the publishers\' own files (snapshots) by the pipeline; every observation carries its source and a locator (sheet and cell, file and row, page or table).',
      'A missing value is never written as 0: it stays missing, with the publisher\'s marker and its meaning in the observation\'s note, and the ledger line says how it was handled.',
      `"Covered" counts the allies of this report with a value no older than ${staleness} years before ${ledger.year}.`,
    ],
  };
}

function bibliography(evidence: Evidence, ids: ReadonlySet<string>): BibliographyEntry[] {
  return [...ids].sort().map((id) => {
    const s = evidence.source(id);
    const files = evidence.sourceFiles.filter((f) => f.source === id).map((f) => ({ path: f.path, sha256: f.sha256 }));
    if (!s) return { id, kind: 'unregistered', citation: id, title: id, author: '', publisher: '', version: '', year: 0, url: '', terms: 'not in the source registry', files };
    return { id, kind: s.kind, citation: s.citation, title: s.title, author: s.author, publisher: s.publisher, version: s.version, year: s.year, url: s.url, terms: s.terms, files };
  });
}

/** The report model. Heavy steps (robustness, tiers, scenarios) report progress. */
export function assembleReport(inputs: ReportInputs, options: ReportOptions = {}): ReportModel {
  const { evidence, methodology: m } = inputs;
  const covered = evidence.allies();
  if (options.allies) {
    const unknown = options.allies.filter((a) => !covered.some((c) => c.iso3 === a));
    if (unknown.length) throw new Error(`not covered allies: ${unknown.join(', ')}; covered: ${covered.map((c) => c.iso3).join(' ')}`);
  }
  const year = options.year ?? latestYear({ evidence, methodology: m });
  // Chapters go to the allies of the report's year only (src/method/membership.ts).
  const ofYear = new Set(alliesOfYear(evidence, year));
  const outside = (options.allies ?? []).filter((a) => !ofYear.has(a));
  if (outside.length) {
    const range = { first: m.years.first, latest: Math.max(year, latestYear({ evidence, methodology: m })) };
    throw new Error(outside.map((a) => absenceOf(evidence, a, year, range).message).join(' '));
  }
  const chapterAllies = (options.allies ? covered.filter((a) => options.allies!.includes(a.iso3)) : covered).filter((a) => ofYear.has(a.iso3));
  const total = FIXED_STEPS + chapterAllies.length + inputs.scenarios.length;
  let done = 0;
  const step = (what: string) => options.onProgress?.(++done, total, what);

  const ledger = computeLedger({ evidence, methodology: m, judgments: inputs.judgments }, year);
  step(`ledgers of ${ledger.allies.length} allies, ${year}`);
  const matrix = scoreMatrix(ledger, m);
  const robustness = runRobustness(matrix, drawSettingsOf(m.robustness, options.draws !== undefined ? { draws: options.draws } : {}), m.robustness.interval);
  step(`robustness, ${robustness.draws.toLocaleString('en-US')} draws`);
  const sweepDraws = options.sweepDraws ?? 2000;
  const sweep = runSweep(matrix, m.robustness.sweep, sweepDraws, m.robustness.seed);
  step('weight sweep');

  const { alliances, members, commitments } = readAllianceEvidence(evidence);
  const allyCodes = ledger.allies.map((l) => l.ally);
  const levels = commitmentLevels(evidence, allyCodes, ledger.year);
  const profiles = profileMatrix(ledger);
  const tiers = allyTiers(profiles, levels, m.robustness, { draws: options.tierDraws ?? 200 });
  step('tiers');
  const burden = computeBurdenSharing(evidence, m, year);
  const claimChecks = checkClaims(inputs.claims, { evidence, alliances, members, commitments });
  const about = claimCountries(inputs.claims);
  step('burden sharing and claims');
  let interestMap: InterestMap | null = null;
  try {
    interestMap = checkInterestMap(inputs.interests, m);
  } catch {
    // A user's methodology with other line items has no interest map: chapters leave interests out.
  }

  const byAlly = new Map(ledger.allies.map((l) => [l.ally, l]));
  const robustByAlly = robustnessByAlly(robustness);
  const tierOf = new Map(tiers.tiers.flatMap((t) => t.members.map((x) => [x.ally, t.tier] as const)));
  const asymmetryInputs = { evidence, commitments, members, allies: allyCodes };
  const chapters: AllyChapter[] = chapterAllies.map((a) => {
    const l = byAlly.get(a.iso3)!;
    const r = l.ranked ? robustByAlly.get(a.iso3) : undefined;
    const asymmetry = asymmetryProfile(asymmetryInputs, a, year);
    const keys = keyIndicators(evidence, a.iso3, year);
    const burdenRows = burdenEntries(burden, a.iso3);
    const claims = chapterClaims(claimChecks, about, a.iso3);
    const sources = new Set([
      ...lineSources(l), ...keys.flatMap((k) => k.sources), ...burdenRows.flatMap((b) => b.sources), ...asymmetrySources(asymmetry), ...claims.map((c) => c.source),
    ]);
    const chapter: AllyChapter = {
      iso3: a.iso3, name: a.name, region: a.region,
      commitment: levels.get(a.iso3)!,
      tier: tierOf.has(a.iso3) ? { tier: tierOf.get(a.iso3)!, of: tiers.tiers.length } : null,
      ledger: l, rankedCount: ledger.rankedCount,
      robustness: r ? { low: r.net.low, high: r.net.high, modalRank: r.modalRank, rankInterval: r.rankInterval, pSameRank: r.rankProbabilities[r.baseline.rank - 1], pNetPositive: r.pNetPositive } : null,
      keyIndicators: keys,
      burden: burdenRows,
      burdenAbility: 'ability to contribute',
      asymmetry,
      interests: interestMap ? interestProfile(interestMap, l) : null,
      judgments: judgmentsOf(l, m),
      claims,
      sources: [...sources].sort(),
    };
    step(`chapter: ${a.name}`);
    return chapter;
  });

  const regions = regionSection(profiles, burden, evidence, year, m.staleness_years);
  const scenarios = scenarioSections(inputs, year, options.draws);
  for (const s of scenarios) step(`scenario: ${s.result.scenario.title}`);

  const ranking = rankingOf(ledger, robustness, levels, tiers);
  const capitals = new Map<string, [number, number]>();
  if (evidence.tableNames().includes('capitals')) {
    const latestRow = new Map<string, { to: number; at: [number, number] }>();
    for (const row of evidence.table('capitals')) {
      if (row.lat === null || row.lng === null || !allyCodes.includes(String(row.iso3))) continue;
      const to = Number(row.iso_to_year ?? 0);
      const prior = latestRow.get(String(row.iso3));
      if (!prior || to >= prior.to) latestRow.set(String(row.iso3), { to, at: [Number(row.lng), Number(row.lat)] });
    }
    for (const [iso, v] of [...latestRow].sort()) capitals.set(iso, v.at);
  }
  const names = new Map(covered.map((a) => [a.iso3, a.name]));
  const summary: ExecutiveSummary = {
    findings: findings(ranking, robustness, regions, burden, m.ranking.min_coverage),
    ranking,
    capitals: [...capitals],
    tiers: tiers.tiers.map((t) => ({
      tier: t.tier, meanNet: t.meanNet,
      members: t.members.map((x) => ({ ally: x.ally, name: names.get(x.ally) ?? x.ally })),
      above: t.above.map((d) => d.label), below: t.below.map((d) => d.label),
    })),
    tierDefinitions: tiers.definitions,
  };
  step('summary and comparison');

  const appendix = methodologyAppendix(inputs, robustness, sweep, sweepDraws, ledger, chapters[0]?.asymmetry.definitions ?? []);
  const usedIndicators = new Set<string>([
    ...ledger.allies.flatMap((l) => l.lines.flatMap((x) => x.observations.map((o) => o.indicator))),
    ...chapters.flatMap((c) => c.keyIndicators.map((k) => k.indicator.id)),
    ...burden.contributions.map((c) => c.indicator), burden.ability.indicator, ...burden.contributions.flatMap((c) => (c.ability ? [c.ability.indicator] : [])),
  ]);
  const data = dataAppendix(evidence, ledger, chapters, usedIndicators, m.staleness_years);

  const used = new Set<string>([
    ...ledger.allies.flatMap(lineSources),
    ...chapters.flatMap((c) => c.sources),
    ...chapters.flatMap((c) => c.judgments.flatMap((j) => j.citations.map((x) => x.source))),
    ...m.items.flatMap((i) => i.citations.map((c) => c.source)),
    ...m.burden_sharing.citations.map((c) => c.source),
    ...burden.sources,
    ...(regions?.sources ?? []),
    ...claimChecks.flatMap((c) => [c.claim.source, ...c.parts.flatMap((p) => p.readings.flatMap((r) => r.evidence.map((e) => e.source)))]),
    ...scenarios.flatMap((s) => [...s.result.scenario.sources.map((c) => c.source), ...s.result.changes.flatMap((c) => c.citations.map((x) => x.source))]),
    ...data.indicators.flatMap((i) => i.sources),
  ]);
  const files = evidence.sourceFiles.filter((f) => used.has(f.source)).map((f) => ({ source: f.source, path: f.path, sha256: f.sha256, bytes: f.bytes }));
  const bib = bibliography(evidence, used);
  step('appendices and bibliography');

  return {
    title: reportTitle(year),
    subtitle: `Assets and liabilities of ${ledger.allies.length} U.S. allies, regenerated from the evidence · methodology ${m.methodology} ${m.version}`,
    year,
    methodology: { id: m.methodology, version: m.version, title: m.title },
    covered: ledger.allies.length,
    ranked: ledger.rankedCount,
    summary,
    chapters,
    regions,
    scenarios,
    claims: claimChecks,
    methodologyAppendix: appendix,
    dataAppendix: { ...data, files },
    bibliography: bib,
  };
}
