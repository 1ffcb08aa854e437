// The work of allies history | claims | asymmetry | network | compare | tiers (defined in
// analyses.ts), imported when one of them runs.
import path from 'node:path';
import { loadEvidence } from '../../../evidence/load.ts';
import type { Evidence } from '../../../evidence/load.ts';
import { Region } from '../../../evidence/schema.ts';
import { findAlly } from '../../../method/allies.ts';
import { readAllianceEvidence, commitmentNames } from '../../../analyses/alliances.ts';
import { ASYMMETRY_INDICATORS, asymmetryProfile } from '../../../analyses/asymmetry.ts';
import type { AsymmetryProfile } from '../../../analyses/asymmetry.ts';
import { checkClaims, claimIndicators, shownReading } from '../../../analyses/claims.ts';
import type { ClaimCheck, ClaimRegistry } from '../../../analyses/claims.ts';
import { DURATION_DEFINITIONS, GROUPINGS, memberExitModes, recordedInForce, summarizeGrouping, TERMINATION_MODES, usAllianceAges } from '../../../analyses/history.ts';
import type { DurationSummary } from '../../../analyses/history.ts';
import type { MedianEstimate } from '../../../analyses/survival.ts';
import { allianceMemberships, groupingMemberships, latticeSeries, NETWORK_DEFINITIONS, networkNodes, networkYear } from '../../../analyses/network.ts';
import type { NetworkYear } from '../../../analyses/network.ts';
import type { SourcedValue } from '../../../analyses/sourced.ts';
import { sourcesOf } from '../../../analyses/sourced.ts';
import { printJson, printText, textTable } from '../format.ts';
import { evidenceCatalog, loadJudgments } from '../../../method/files.ts';
import { checkMethodology, indicatorsOf, parseMethodology } from '../../../method/methodology.ts';
import { computeLedger, latestYear } from '../../../method/ledger.ts';
import type { YearLedger } from '../../../method/ledger.ts';
import type { Methodology } from '../../../method/methodology.ts';
import { compareAllies, comparedAllies, COMPARISON_INDICATORS } from '../../../analyses/comparison.ts';
import type { ComparisonTable } from '../../../analyses/comparison.ts';
import { loadClaimRegistry, loadInterestMap, readCuratedFile } from '../../../analyses/files.ts';
import { checkInterestMap } from '../../../analyses/interests.ts';
import type { InterestProfile } from '../../../analyses/interests.ts';
import { profileMatrix } from '../../../analyses/profiles.ts';
import { compareRegions } from '../../../analyses/similarity.ts';
import type { RegionComparison, SimilarityReport } from '../../../analyses/similarity.ts';
import { allyTiers, commitmentLevels } from '../../../analyses/tiers.ts';
import { readableAllianceName } from '../../../analyses/alliance-names.ts';
import type { TierReport } from '../../../analyses/tiers.ts';

interface CommonOptions {
  evidence: string;
  json?: boolean;
}

/** The evidence, reading only the observation files that hold `indicators` (tables are always read). */
export async function evidenceFrom(opts: { evidence: string }, indicators: readonly string[]): Promise<Evidence> {
  const evidence = await loadEvidence(path.resolve(opts.evidence), { indicators });
  if (evidence.allies().length === 0) throw new Error(`${opts.evidence} has no covered allies: rebuild it with: npx allies data build`);
  return evidence;
}


export const fmt = {
  years: (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(1)),
  share: (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(0)}%`),
  ratio: (v: number | null | undefined) => (v === null || v === undefined ? 'missing' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)),
  value: (v: SourcedValue | null | undefined, digits = 0) => (v ? `${v.value.toLocaleString('en-US', { maximumFractionDigits: digits })}${v.flags.includes('estimate') ? ' (est.)' : ''} [${v.year}]` : 'missing'),
};

function section(title: string): string {
  return `\n${title}\n${'='.repeat(title.length)}\n`;
}

function definitionsBlock(lines: readonly string[]): string {
  return lines.map((l) => `  - ${l}`).join('\n') + '\n';
}

// --- history ---

/** A Kaplan-Meier median in a table of years: the value, "between a and b", or "at least N (not reached)". */
function medianCell(m: MedianEstimate): string {
  if (m.reached && !m.flat) return fmt.years(m.value);
  return m.short.replace(' years', '');
}

function printHistory(summaries: DurationSummary[], label: string, ages: ReturnType<typeof usAllianceAges>, asOf: number, total: number, exits: { label: string; modes: ReturnType<typeof memberExitModes> }[], reliability: ClaimRegistry['claims']): void {
  const out: string[] = [];
  out.push(`Alliance durations: ATOP 5.1, ${total} alliances signed 1815-2018, ${label}\n`);
  out.push(section('Definitions'));
  out.push(definitionsBlock(Object.values(DURATION_DEFINITIONS)));
  out.push(section('Survival (Kaplan-Meier) and the usual summaries'));
  out.push(textTable(summaries, [
    { header: 'group', value: (s) => s.group.label },
    { header: 'n', value: (s) => String(s.n), align: 'right' },
    { header: 'ended', value: (s) => String(s.ended), align: 'right' },
    { header: 'censored', value: (s) => String(s.censored), align: 'right' },
    { header: 'KM median', value: (s) => medianCell(s.kaplanMeier.medianEstimate), align: 'right' },
    { header: '95% interval', value: (s) => `${s.kaplanMeier.medianLower === null ? '-' : fmt.years(s.kaplanMeier.medianLower)} to ${s.kaplanMeier.medianUpper === null ? 'open' : fmt.years(s.kaplanMeier.medianUpper)}` },
    { header: 'restr. mean', value: (s) => fmt.years(s.kaplanMeier.restrictedMean), align: 'right' },
    { header: 'in force at 6/15/25 y', value: (s) => s.survivalAt.slice(0, 3).map((p) => fmt.share(p.share)).join(' / '), align: 'right' },
    { header: 'ended-only mean', value: (s) => fmt.years(s.endedOnly.mean), align: 'right' },
    { header: 'ended-only median', value: (s) => fmt.years(s.endedOnly.median), align: 'right' },
    { header: 'ended <=6 y', value: (s) => fmt.share(s.endedOnly.shareSixYearsOrLess), align: 'right' },
  ]));
  out.push('  Durations in years. "in force at 6/15/25 y": Kaplan-Meier estimate of the share of alliances still in force at that age.\n');
  for (const s of summaries.filter((x) => !x.kaplanMeier.medianEstimate.reached || x.kaplanMeier.medianEstimate.flat)) {
    out.push(`  KM median, ${s.group.label}: ${s.kaplanMeier.medianEstimate.text}.\n`);
  }
  const despite = [...new Map(summaries.flatMap((s) => s.censoredDespiteTerm).map((c) => [c.atopid, c])).values()];
  if (despite.length) out.push(`  Censored although ATOP codes a termination: ${despite.map((c) => `alliance ${c.atopid} (${c.reason})`).join('; ')}.\n`);
  out.push('  Group definitions:\n');
  out.push(definitionsBlock(summaries.map((s) => `${s.group.label}: ${s.group.definition}`)));
  out.push(section('How alliances ended (ATOP TERM; an alliance in force counts as censored whatever its code)'));
  out.push(textTable(summaries, [
    { header: 'group', value: (s) => s.group.label },
    ...[1, 2, 3, 0].map((code) => ({
      header: ['censored', 'fulfilled', 'violated', 'renegotiated'][code],
      value: (s: DurationSummary) => {
        const t = s.terminations.find((x) => x.code === code)!;
        return `${t.count} (${fmt.share(s.n ? t.count / s.n : null)})`;
      },
      align: 'right' as const,
    })),
  ]));
  out.push(definitionsBlock([1, 2, 3, 0].map((c) => `TERM ${c}: ${TERMINATION_MODES[c]}`)));
  out.push(section('How members left (ATOP TERMMODE, each member\'s exit from an alliance counted once)'));
  out.push(textTable(exits[0].modes, [
    { header: 'mode', value: (m) => m.mode },
    ...exits.map((e) => ({ header: e.label, value: (m: (typeof e.modes)[number]) => String(e.modes.find((x) => x.code === m.code)!.count), align: 'right' as const })),
  ]));
  out.push(section(`U.S. alliances in force: age at the end of ${asOf} and where it stands`));
  out.push(textTable(ages, [
    { header: 'ATOP', value: (a) => String(a.atopid) },
    { header: 'alliance', value: (a) => (a.name.length > 58 ? `${a.name.slice(0, 55)}...` : a.name) },
    { header: 'signed', value: (a) => `${a.signed.year}` },
    { header: 'age', value: (a) => fmt.years(a.age), align: 'right' },
    { header: 'defense', value: (a) => (a.defensePact ? 'yes' : 'no') },
    { header: 'outlived (all)', value: (a) => fmt.share(a.percentileAll), align: 'right' },
    { header: 'outlived (defense pacts)', value: (a) => fmt.share(a.percentileDefense), align: 'right' },
    { header: 'ended ones shorter', value: (a) => fmt.share(a.shareOfEndedShorter), align: 'right' },
    { header: 'recorded in force to', value: (a) => String(a.inForceThrough), align: 'right' },
  ]));
  out.push('  "outlived": Kaplan-Meier estimate of the share of alliances that had ended by this age (1 - S(age)); the curve stays flat beyond the oldest alliance that ended.\n');
  out.push('  "recorded in force to": ATOP observes alliances to 2018; 2024 where us_commitments (curated post-2018 record of the covered allies) confirms the alliance; ages beyond that year assume it still holds.\n');
  if (reliability.length) {
    // The literature's base rates for honoring commitments disagree by period and coding: both shown, with what they measure.
    out.push(section('Reliability of commitments: the literature\'s base rates (not computed from this evidence; see `allies claims`)'));
    out.push(definitionsBlock(reliability.map((c) => `${c.statement} (${c.source}, ${c.locator}). What it measures, and why it is not computed here: ${c.not_checkable ?? c.note}`)));
  }
  out.push('\nSources: atop-5.1 (evidence/tables/atop_alliances.csv, atop_members.csv); method: kaplan-meier-1958; termination codes: leeds-savun-2007.\n');
  printText(out.join(''));
}

// --- claims ---

function printClaims(checks: readonly ClaimCheck[], detail: boolean): void {
  const out: string[] = [];
  out.push(textTable(checks, [
    { header: 'claim', value: (c) => c.claim.id },
    { header: 'verdict', value: (c) => c.verdict },
    { header: 'source', value: (c) => `${c.claim.source}, ${c.claim.locator}` },
  ]));
  if (!detail) out.push('\nRun `allies claims <id>` for the numbers behind a verdict.\n');
  for (const c of detail ? checks : []) {
    out.push(section(`${c.claim.id}: ${c.verdict}`));
    out.push(`Claim: ${c.claim.statement}\nSource: ${c.claim.source}, ${c.claim.locator} (${c.claim.year})\nVerdict: ${c.verdict}: ${c.reason}.\n`);
    if (c.claim.note) out.push(`Note: ${c.claim.note}\n`);
    if (c.claim.not_checkable) out.push(`Not checkable: ${c.claim.not_checkable}\n`);
    for (const p of c.parts) {
      out.push(`\n${p.label}: stated ${p.stated} -> ${p.verdict}\n`);
      out.push(textTable(p.readings, [
        { header: 'agrees', value: (r) => (r.agrees === null ? 'no data' : r.agrees ? 'yes' : 'no') },
        { header: 'value', value: (r) => (r.median ? shownReading(r) : r.value === null ? 'missing' : r.unit === 'share' ? fmt.share(r.value) : fmt.ratio(r.value)), align: 'right' },
        { header: 'definition', value: (r) => r.definition },
        { header: 'detail', value: (r) => r.detail },
        { header: 'sources', value: (r) => [...new Set(r.evidence.map((e) => e.source))].join(';') },
      ]));
    }
    if (c.jointly.length) {
      const agreeing = c.jointly.filter((j) => j.agrees);
      out.push(agreeing.length
        ? `\nUnder one definition every part agrees: ${agreeing.map((j) => j.definition).join('; ')}\n`
        : `\nNo single definition makes every part agree: of the ${c.jointly.length} definitions read for every part, each contradicts at least one part.\n`);
    }
    if (c.related.length) {
      out.push('\nRelated evidence (a different measure, shown for context, not a check):\n');
      out.push(textTable(c.related, [
        { header: 'value', value: (r) => (r.value === null ? 'missing' : r.unit === 'share' ? fmt.share(r.value) : fmt.ratio(r.value)), align: 'right' },
        { header: 'what', value: (r) => r.label },
        { header: 'definition', value: (r) => r.definition },
        { header: 'detail', value: (r) => r.detail },
      ]));
    }
    const locators = [...new Set(c.parts.flatMap((p) => p.readings.flatMap((r) => r.evidence.map((e) => `${e.source}: ${e.locator}`))))];
    if (locators.length) out.push(`\nEvidence:\n${definitionsBlock(locators.slice(0, 12))}${locators.length > 12 ? `  ... and ${locators.length - 12} more (see --json)\n` : ''}`);
  }
  out.push('\nVerdicts, per part: supported (every reading agrees), depends on the definition (some do), not supported (none does). Per claim: supported (every part is), depends on the definition (some one definition supports every part), not supported (some part is supported by no definition, or no one definition supports every part), not checkable (the evidence cannot test it).\n');
  printText(out.join(''));
}

// --- asymmetry ---

function printAsymmetry(p: AsymmetryProfile): void {
  const out: string[] = [];
  out.push(`Asymmetry: ${p.name} (${p.ally}) and the United States, ${p.year}\n`);
  out.push(section(`Obligations (overall: ${p.obligations.pattern})`));
  out.push(textTable(p.obligations.commitments, [
    { header: 'commitment', value: (c) => (c.name.length > 50 ? `${c.name.slice(0, 47)}...` : c.name) },
    { header: 'status', value: (c) => `${c.status}${c.current ? '' : ' (past)'}` },
    { header: 'U.S. owes', value: (c) => c.usOwes.join('+') || 'nothing' },
    { header: `${p.ally} owes`, value: (c) => c.allyOwes.join('+') || 'nothing' },
    { header: 'pattern', value: (c) => c.pattern },
    { header: 'ATOP base', value: (c) => (c.base.code === null ? '?' : String(c.base.code)) },
    { header: 'coded from', value: (c) => c.basis },
  ]));
  for (const c of p.obligations.commitments.filter((x) => x.current && x.differences.length)) {
    out.push(`  ${c.commitment}: ${c.differences.join('; ')}\n`);
  }
  for (const c of p.obligations.commitments.filter((x) => x.usVariesByPartner || x.allyVariesByPartner)) {
    out.push(`  ${c.commitment}: ATOP OBVARY: a member owes different things to different partners; member-level codes are the union over partners\n`);
  }
  out.push(`  Cited: ${[...new Set(p.obligations.commitments.filter((c) => c.current).flatMap((c) => c.cites.map((x) => `${x.source} (${x.locator})`)))].join('; ')}\n`);
  out.push(section(`Capability (principal rival: ${p.capability.principalRival ?? 'none found'}; principal threat: ${p.capability.principalThreat ?? 'none found'})`));
  const rows = [p.capability.toUnitedStates, ...p.capability.toRivals];
  out.push(`  Ratios ally / counterpart; [year] where the latest value is older than ${p.year - 1}; * numerator and denominator from different years.\n`);
  out.push(textTable(rows, [
    { header: `${p.ally} / ...`, value: (r) => `${r.counterpart}${r.counterpart === p.capability.principalRival ? ' (principal rival)' : ''}${r.counterpart === p.capability.principalThreat && r.counterpart !== p.capability.principalRival ? ' (principal threat)' : ''}` },
    { header: 'capitals km', value: (r) => (r.distanceKm ? Math.round(r.distanceKm.value).toLocaleString('en-US') : '-'), align: 'right' },
    { header: 'CINC', value: (r) => ratioCell(r.ratios.cinc, p.year), align: 'right' },
    { header: 'GDP', value: (r) => ratioCell(r.ratios.gdp, p.year), align: 'right' },
    { header: 'milex', value: (r) => ratioCell(r.ratios.milex, p.year), align: 'right' },
    { header: 'sources', value: (r) => sourcesOf([r.ratios.cinc, r.ratios.gdp, r.ratios.milex, r.distanceKm]).join(';') },
  ]));
  out.push(section('Basing'));
  const b = p.basing;
  out.push(textTable([
    { what: 'U.S. active-duty troops', v: b.troops },
    { what: 'U.S. base sites (Vine 2020)', v: b.baseSites },
    { what: 'facilities for exclusive U.S. use', v: b.exclusiveUseFacilities },
  ], [
    { header: 'measure', value: (r) => r.what },
    { header: 'value', value: (r) => fmt.value(r.v), align: 'right' },
    { header: 'source', value: (r) => (r.v ? r.v.cites.map((c) => `${c.source} (${shortLocator(c.locator)})`).join('; ') : '') },
  ]));
  out.push(`  Stationing provisions: ${b.stationing.length ? b.stationing.map((s) => `${s.commitment}: ATOP BASE ${s.code}, ${s.meaning}`).join('; ') : 'none in the current commitments'}; reciprocal: ${b.reciprocal === null ? 'no provision' : b.reciprocal ? 'yes' : 'no'}\n`);
  out.push(section('Cost'));
  const c = p.cost;
  out.push(textTable([
    { what: 'host-nation support, US$ m', v: c.hostNationSupport },
    { what: `U.S. stationing cost, US$ m (${c.costMethod})`, v: c.usStationingCost },
    { what: 'share of U.S. stationing cost offset (DoD definition)', v: c.offsetShare },
  ], [
    { header: 'measure', value: (r) => r.what },
    { header: 'value', value: (r) => (r.v && r.v.unit === 'share' ? `${fmt.share(r.v.value)} [${r.v.year}]` : fmt.value(r.v)), align: 'right' },
    { header: 'sources', value: (r) => (r.v ? [...new Set(r.v.cites.map((x) => x.source))].join(';') : '') },
  ]));
  for (const v of [c.hostNationSupport, c.usStationingCost, c.offsetShare]) if (v?.note) out.push(`  ${v.note}\n`);
  out.push(section('Definitions'));
  out.push(definitionsBlock(p.definitions));
  printText(out.join(''));
}

function ratioCell(v: SourcedValue | null, year: number): string {
  return v ? `${fmt.ratio(v.value)}${v.year < year - 1 ? ` [${v.year}]` : ''}${v.note ? '*' : ''}` : 'missing';
}

/** Locators can list hundreds of rows; the table shows the start, --json all of it. */
function shortLocator(locator: string, max = 90): string {
  return locator.length > max ? `${locator.slice(0, max - 3)}...` : locator;
}

// --- network ---

function printNetwork(y: NetworkYear, series: ReturnType<typeof latticeSeries> | null, top: number, maxMembers: number | undefined): void {
  const out: string[] = [];
  out.push(`U.S. alliance network, ${y.year}: ${y.nodes.length} nodes, ${y.ties.length} ties, ${y.instruments.length} instruments${maxMembers ? ` (instruments with more than ${maxMembers} members left out)` : ''}\n`);
  out.push(section('Hub and spokes or latticework (share of ally-to-ally ties)'));
  const regions = Object.entries(y.index.byRegion).filter(([, v]) => v.share !== null);
  out.push(textTable([['all', y.index.all] as const, ...regions], [
    { header: 'region', value: (r) => r[0] },
    { header: 'U.S.-ally ties', value: (r) => String(r[1].usTies), align: 'right' },
    { header: 'ally-ally ties', value: (r) => String(r[1].allyTies), align: 'right' },
    { header: 'lattice index', value: (r) => (r[1].share === null ? '-' : r[1].share.toFixed(2)), align: 'right' },
  ]));
  if (series) {
    out.push(section('Lattice index over time'));
    const regionNames = [...new Set(series.flatMap((s) => Object.keys(s.byRegion).filter((k) => s.byRegion[k].share !== null)))].sort();
    out.push(textTable(series, [
      { header: 'year', value: (s) => String(s.year) },
      { header: 'all', value: (s) => (s.all.share === null ? '-' : s.all.share.toFixed(2)), align: 'right' },
      ...regionNames.map((r) => ({ header: r, value: (s: (typeof series)[number]) => (s.byRegion[r]?.share == null ? '-' : `${s.byRegion[r].share!.toFixed(2)} (${s.byRegion[r].allyTies}/${s.byRegion[r].usTies + s.byRegion[r].allyTies})`), align: 'right' as const })),
    ]));
  }
  out.push(section(`Centrality (top ${top} by betweenness, then degree)`));
  const ranked = [...y.nodes].sort((a, b) => b.betweenness - a.betweenness || b.degree - a.degree || a.iso3.localeCompare(b.iso3)).slice(0, top);
  out.push(textTable(ranked, [
    { header: 'node', value: (n) => `${n.name} (${n.iso3})` },
    { header: 'role', value: (n) => n.role },
    { header: 'degree', value: (n) => String(n.degree), align: 'right' },
    { header: 'allies tied', value: (n) => (n.allyTies === null ? '-' : String(n.allyTies)), align: 'right' },
    { header: 'tie strength', value: (n) => (n.tieStrength === null ? '-' : n.tieStrength.toFixed(2)), align: 'right' },
    { header: 'betweenness', value: (n) => n.betweenness.toFixed(3), align: 'right' },
    { header: 'community', value: (n) => String(n.community), align: 'right' },
  ]));
  out.push(section(`Communities (Louvain, modularity ${y.modularity.toFixed(2)})`));
  for (const c of y.communities) out.push(`  ${c.id}: ${c.members.join(' ')}\n`);
  out.push(section('Instruments (besides ATOP alliances, listed in --json)'));
  for (const i of y.instruments.filter((x) => x.type !== 'alliance')) out.push(`  ${i.id} (${i.type}): ${i.name} [${i.source}]\n`);
  out.push(`  ${y.instruments.filter((x) => x.type === 'alliance').length} ATOP alliances [atop-5.1]\n`);
  out.push(section('Definitions'));
  out.push(definitionsBlock(NETWORK_DEFINITIONS));
  printText(out.join(''));
}

// --- ledger-based analyses: compare, tiers ---

interface LedgerOptions extends CommonOptions {
  method: string;
  judgments: string;
  year?: number;
}

interface LedgerContext {
  evidence: Evidence;
  methodology: Methodology;
  ledger: YearLedger;
}

/** The methodology and judgments checked against the evidence, and the ledger of the year (default: the latest). */
async function ledgerContext(opts: LedgerOptions): Promise<LedgerContext> {
  const methodFile = path.resolve(opts.method);
  const parsed = parseMethodology(methodFile, await readCuratedFile(methodFile, 'methodology'));
  const evidence = await evidenceFrom(opts, [...indicatorsOf(parsed.data), ...ASYMMETRY_INDICATORS, ...COMPARISON_INDICATORS]);
  const methodology = checkMethodology(parsed, evidenceCatalog(evidence));
  const judgments = await loadJudgments(evidence, methodology, undefined, path.resolve(opts.judgments));
  const year = opts.year ?? latestYear({ evidence, methodology });
  return { evidence, methodology, ledger: computeLedger({ evidence, methodology, judgments }, year) };
}


function printComparison(table: ComparisonTable, interests: readonly InterestProfile[], regions: RegionComparison | null): void {
  const out: string[] = [];
  out.push(`Allies compared, ${table.year}: ${table.allies.map((a) => `${a.name} (${a.iso3})`).join(', ')}\n\n`);
  let group = '';
  const lines = table.rows.flatMap((r) => {
    const head = r.group !== group ? [{ label: `[${r.group}]`, cells: table.allies.map(() => ''), sources: '' }] : [];
    group = r.group;
    return [...head, { label: r.label, cells: r.cells.map((c) => c.text), sources: r.sources.join(';') }];
  });
  out.push(textTable(lines, [
    { header: 'measure', value: (l) => l.label },
    // The allies' cells wrap; when they still do not fit, the sources go first, then the last allies.
    ...table.allies.map((a, i) => ({ header: a.iso3, value: (l: (typeof lines)[number]) => l.cells[i], align: 'right' as const, wrap: true })),
    { header: 'sources', value: (l) => (l.sources.length > 70 ? `${l.sources.slice(0, 67)}...` : l.sources), priority: -1 },
  ]));
  out.push(section('Interests served and compromises accepted (ledger points)'));
  for (const p of interests) {
    const fmtPoints = (v: number | null) => (v === null ? 'missing' : v.toFixed(1));
    out.push(`${p.name} (${p.ally}): serves ${p.interests.map((i) => `${i.label} ${fmtPoints(i.points)}`).join('; ')}\n`);
    out.push(`  accepted: ${p.compromises.filter((c) => c.points !== null && c.points > 0).map((c) => `${c.label} ${fmtPoints(c.points)}`).join('; ') || 'none with data'}\n`);
  }
  if (regions) {
    out.push(section(`${regions.regions[0]} against ${regions.regions[1]} (all covered allies of each region)`));
    out.push(textTable(regions.totals, [
      { header: 'total', value: (t) => t.measure },
      { header: regions.regions[0], value: (t) => (t.a === null ? '-' : t.a.toFixed(1)), align: 'right' },
      { header: regions.regions[1], value: (t) => (t.b === null ? '-' : t.b.toFixed(1)), align: 'right' },
    ]));
    out.push(textTable(regions.items.slice(0, 10), [
      { header: 'largest gaps', value: (i) => i.label },
      { header: regions.regions[0], value: (i) => (i.a.mean === null ? '-' : `${i.a.mean.toFixed(0)} (n=${i.a.n})`), align: 'right' },
      { header: regions.regions[1], value: (i) => (i.b.mean === null ? '-' : `${i.b.mean.toFixed(0)} (n=${i.b.n})`), align: 'right' },
      { header: 'gap', value: (i) => (i.difference === null ? '-' : i.difference.toFixed(0)), align: 'right' },
    ]));
    out.push(`  ${regions.definition}\n`);
  }
  out.push(section('Notes'));
  out.push(definitionsBlock(table.notes));
  const sources = [...new Set(table.rows.flatMap((r) => r.sources))].sort();
  out.push(`\nSources (run \`allies sources\` for citations): ${sources.join(', ')}\n`);
  printText(out.join(''));
}

function printSimilarity(reports: readonly SimilarityReport[]): void {
  const out: string[] = [];
  for (const r of reports) {
    out.push(section(`${r.name} (${r.ally}): most similar and most different allies, ${r.year}`));
    const rows = [...r.mostSimilar.map((n) => ({ kind: 'similar', n })), ...r.mostDifferent.map((n) => ({ kind: 'different', n }))];
    out.push(textTable(rows, [
      { header: '', value: (x) => x.kind },
      { header: 'ally', value: (x) => `${x.n.name} (${x.n.ally})` },
      { header: 'distance', value: (x) => x.n.distance.toFixed(1), align: 'right' },
      { header: 'differ most on', value: (x) => x.n.apart.map((d) => `${d.item} ${d.a.toFixed(0)}/${d.b.toFixed(0)}`).join(', ') },
      { header: 'alike on', value: (x) => x.n.alike.map((d) => `${d.item} ${d.a.toFixed(0)}/${d.b.toFixed(0)}`).join(', ') },
    ]));
    if (r.notCompared.length) out.push(`  not compared (too little data in common): ${r.notCompared.join(' ')}\n`);
  }
  if (reports.length) out.push(`  ${reports[0].definition} Scores shown as this ally / the other.\n`);
  printText(out.join(''));
}

function printTiers(r: TierReport): void {
  const out: string[] = [];
  out.push(`Clusters of U.S. allies with similar profiles, ${r.year} (methodology ${r.methodology.id} ${r.methodology.version})\n`);
  for (const t of r.tiers) {
    out.push(section(`Cluster ${t.tier}: ${t.members.length} allies, mean net ${t.meanNet === null ? '-' : t.meanNet.toFixed(1)} (treaty allies ${t.commitments['treaty ally']}, MNNA ${t.commitments['major non-NATO ally']}, partners ${t.commitments.partner})`));
    out.push(`  stands out above the other allies on: ${t.above.map((d) => `${d.label} (+${d.difference.toFixed(0)})`).join('; ') || '-'}\n`);
    out.push(`  and below them on: ${t.below.map((d) => `${d.label} (${d.difference.toFixed(0)})`).join('; ') || '-'}\n`);
    out.push(textTable(t.members, [
      { header: 'ally', value: (m) => `${m.name} (${m.ally})` },
      { header: 'commitment', value: (m) => m.commitment.kind },
      { header: 'net', value: (m) => (m.net === null ? '-' : m.net.toFixed(1)), align: 'right' },
      { header: 'same cluster in draws', value: (m) => (m.stability === null ? '-' : `${Math.round(100 * m.stability)}%`), align: 'right' },
      { header: 'imputed items', value: (m) => String(m.imputed.length), align: 'right' },
    ]));
  }
  if (r.unplaced.length) out.push(`\nNot placed (not ranked: coverage below the methodology's minimum): ${r.unplaced.join(' ')}\n`);
  out.push(section('Definitions'));
  out.push(definitionsBlock(r.definitions));
  printText(out.join(''));
}



export async function history(opts: CommonOptions & { by: string; asOf: number; curve?: string }): Promise<void> {
  const groupings = opts.by === 'type' ? Object.keys(GROUPINGS).filter((g) => g !== 'overview') : [opts.by];
  for (const g of groupings) if (!GROUPINGS[g]) throw new Error(`--by "${opts.by}" is not one of ${Object.keys(GROUPINGS).join(', ')}, type`);
  const evidence = await evidenceFrom(opts, []);
  const { alliances, members, commitments } = readAllianceEvidence(evidence);
  const summaries = groupings.flatMap((g) => summarizeGrouping(g, alliances, { inForceLater: recordedInForce(commitments) }));
  const names = commitmentNames(commitments);
  const ages = usAllianceAges(alliances, members, opts.asOf, commitments).map((a) => ({ ...a, name: readableAllianceName(a, names, (iso) => evidence.country(iso)?.name) }));
  if (opts.json) return printJson({ definitions: DURATION_DEFINITIONS, terminationModes: TERMINATION_MODES, groups: summaries, memberExits: memberExitModes(members), usAlliances: ages, sources: ['atop-5.1', 'kaplan-meier-1958'] });
  const defense = new Set(alliances.filter((a) => a.obligations.defense).map((a) => a.atopid));
  const withUs = new Set(alliances.filter((a) => a.obligations.defense && a.members.includes('USA')).map((a) => a.atopid));
  const exits = [
    { label: 'all alliances', modes: memberExitModes(members) },
    { label: 'defense pacts', modes: memberExitModes(members, defense) },
    { label: 'defense pacts with the U.S.', modes: memberExitModes(members, withUs) },
  ];
  const reliability = (await loadClaimRegistry(null)).claims.filter((c) => c.topic === 'alliance reliability');
  printHistory(summaries, groupings.map((g) => GROUPINGS[g].label).join('; '), ages, opts.asOf, alliances.length, exits, reliability);
  if (opts.curve) {
    const s = summaries.find((x) => x.group.id === opts.curve);
    if (!s) throw new Error(`--curve "${opts.curve}" is not a group of this grouping; groups: ${summaries.map((x) => x.group.id).join(', ')}`);
    printText(section(`Kaplan-Meier curve: ${s.group.label}`));
    printText(textTable(s.curve.steps.filter((st) => st.events > 0), [
      { header: 'years', value: (st) => st.time.toFixed(2), align: 'right' },
      { header: 'at risk', value: (st) => String(st.atRisk), align: 'right' },
      { header: 'ended', value: (st) => String(st.events), align: 'right' },
      { header: 'S(t)', value: (st) => st.survival.toFixed(3), align: 'right' },
      { header: '95% low', value: (st) => (st.lower === null ? '-' : st.lower.toFixed(3)), align: 'right' },
      { header: '95% high', value: (st) => (st.upper === null ? '-' : st.upper.toFixed(3)), align: 'right' },
    ]));
  }
}

export async function claims(ids: string[], opts: CommonOptions & { claims: string }): Promise<void> {
  const file = path.resolve(opts.claims);
  const unchecked = await loadClaimRegistry(null, file);
  const known = new Set(unchecked.claims.map((c) => c.id));
  for (const id of ids) if (id !== 'all' && !known.has(id)) throw new Error(`unknown claim "${id}"; claims: ${[...known].join(', ')}`);
  const evidence = await evidenceFrom(opts, claimIndicators(unchecked));
  const registry = await loadClaimRegistry(evidence, file);
  const { alliances, members, commitments } = readAllianceEvidence(evidence);
  const all = checkClaims(registry, { evidence, alliances, members, commitments });
  const chosen = ids.length === 0 || ids.includes('all') ? all : all.filter((c) => ids.includes(c.claim.id));
  if (opts.json) return printJson(chosen);
  printClaims(chosen, ids.length > 0);
}

export async function asymmetry(allyArg: string, opts: CommonOptions & { year: number }): Promise<void> {
  const evidence = await evidenceFrom(opts, ASYMMETRY_INDICATORS);
  const ally = findAlly(evidence.allies(), allyArg);
  const { members, commitments } = readAllianceEvidence(evidence);
  const profile = asymmetryProfile({ evidence, commitments, members, allies: evidence.allies().map((a) => a.iso3) }, ally, opts.year);
  if (opts.json) return printJson(profile);
  printAsymmetry(profile);
}

export async function network(opts: CommonOptions & { year: number; from: number; series?: boolean; top: number; maxMembers?: number }): Promise<void> {
  if (opts.from > opts.year) throw new Error(`--from ${opts.from} is after --year ${opts.year}`);
  const evidence = await evidenceFrom(opts, []);
  const { alliances, members, commitments } = readAllianceEvidence(evidence);
  const memberships = [
    ...allianceMemberships(alliances, members, commitments, commitmentNames(commitments)),
    ...groupingMemberships(evidence.table('groupings'), evidence.table('grouping_members')),
  ];
  const nodes = networkNodes(evidence.allies(), memberships, (iso) => evidence.country(iso));
  const options = { maxMembers: opts.maxMembers };
  const year = networkYear(opts.year, nodes, memberships, options);
  const years = Array.from({ length: opts.year - opts.from + 1 }, (_, i) => opts.from + i);
  const series = opts.series || opts.json ? latticeSeries(years, nodes, memberships, options) : null;
  if (opts.json) return printJson({ ...year, options, series, definitions: NETWORK_DEFINITIONS });
  printNetwork(year, series, opts.top, opts.maxMembers);
}

export async function compare(allyArgs: string[], opts: LedgerOptions & { similar?: boolean; regions: string; draws: number; interests: string }): Promise<void> {
  const regionPair = opts.regions === 'none' ? null : opts.regions.split(',');
  if (regionPair && (regionPair.length !== 2 || regionPair.some((r) => !Region.safeParse(r).success))) {
    throw new Error(`--regions "${opts.regions}" must name two regions, e.g. asia,europe (regions: ${Region.options.join(', ')}), or none`);
  }
  const ctx = await ledgerContext(opts);
  const { evidence, ledger } = ctx;
  const covered = evidence.allies();
  const chosen = [...new Map(allyArgs.map((q) => findAlly(covered, q)).map((a) => [a.iso3, a])).values()];
  const { members, commitments } = readAllianceEvidence(evidence);
  const map = checkInterestMap(await loadInterestMap(evidence, path.resolve(opts.interests)), ctx.methodology, opts.interests);
  const { compared, matrix } = comparedAllies({
    evidence, commitments, members, ledger, robustness: ctx.methodology.robustness, interests: map, covered: covered.map((a) => a.iso3), tierDraws: opts.draws,
  }, chosen);
  const table = compareAllies(evidence, compared, ledger.year);
  const regions = regionPair ? compareRegions(matrix, regionPair[0], regionPair[1]) : null;
  const interests = compared.map((c) => c.interests).filter((p): p is InterestProfile => p !== null);
  if (opts.json) return printJson({ table, interests, similarity: compared.map((c) => c.similarity), regions, asymmetry: compared.map((c) => c.asymmetry) });
  printComparison(table, interests, regions);
  if (opts.similar) printSimilarity(compared.map((c) => c.similarity).filter((r): r is SimilarityReport => r !== null));
}

export async function tiers(opts: LedgerOptions & { tiers: number; draws: number; commitmentWeight: number }): Promise<void> {
  const { evidence, methodology, ledger } = await ledgerContext(opts);
  const levels = commitmentLevels(evidence, evidence.allies().map((a) => a.iso3), ledger.year);
  const report = allyTiers(profileMatrix(ledger), levels, methodology.robustness, { tiers: opts.tiers, draws: opts.draws, commitmentWeight: opts.commitmentWeight });
  if (opts.json) return printJson(report);
  printTiers(report);
}
