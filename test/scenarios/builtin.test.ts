// The built-in scenarios on the shipped evidence ($ALLIES_EVIDENCE, else evidence/): each runs
// and explains its diff, and the headline cases move exactly what the issue says, by amounts
// recomputed here from the evidence and the stated baseline assumptions.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { run } from '../../src/interfaces/cli/main.ts';
import {
  applyChanges, builtInScenarioFiles, composeScenarios, diffText, loadScenarios, prepareBaseline, runAgainst, runScenario, unpairable,
} from '../../src/scenarios/index.ts';
import { runRobustness } from '../../src/method/robustness.ts';
import type { RunOptions, Scenario, ScenarioContext, ScenarioResult } from '../../src/scenarios/index.ts';

const EVIDENCE = process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
const built = existsSync(path.join(EVIDENCE, 'observations', 'sipri-milex.csv'));

let context: ScenarioContext;
let scenarios: Map<string, Scenario>;
let options: RunOptions;
const results = new Map<string, ScenarioResult>();

function result(name: string): ScenarioResult {
  let r = results.get(name);
  if (!r) results.set(name, (r = runScenario(scenarios.get(name)!, options)));
  return r;
}

const line = (r: ScenarioResult, ally: string, item: string) => r.diff.find((d) => d.ally === ally)?.lines.find((l) => l.item === item);
const value = (e: Evidence, ally: string, indicator: string, year: number) => e.value(ally, indicator, year)?.value ?? null;

describe.skipIf(!built)('built-in scenarios', () => {
  beforeAll(async () => {
    const names = (await builtInScenarioFiles()).map((f) => f.name);
    const loaded = await loadScenarios(names, { evidenceDir: EVIDENCE });
    context = loaded.context;
    scenarios = new Map(loaded.scenarios.map((s, i) => [names[i], s]));
    options = { ...context, robustness: false };
  }, 120_000);

  it('all run, and every diff names the change behind each movement, the causes adding up to it', () => {
    expect(scenarios.size).toBeGreaterThanOrEqual(10);
    for (const [name, s] of scenarios) {
      const r = result(name);
      // A scenario either moves ledgers or says, ally by ally, why the values it changed moved none.
      expect(r.diff.length + r.unmoved.length, name).toBeGreaterThan(0);
      for (const d of r.diff) {
        for (const l of d.lines) {
          expect(l.causes.length, `${name} ${d.ally} ${l.item}`).toBeGreaterThan(0);
          expect(l.causes.reduce((sum, c) => sum + c.contribution, 0)).toBeCloseTo((l.after.contribution ?? 0) - (l.before.contribution ?? 0), 9);
        }
        expect(d.causes.reduce((sum, c) => sum + c.net, 0)).toBeCloseTo((d.after.net ?? 0) - (d.before.net ?? 0), 9);
      }
      const text = diffText(r);
      s.changes.forEach((c) => expect(text, name).toContain(c.label));
      if (r.diff.length) expect(text).toMatch(/\[1\] [+−±]/);
      expect(text).toMatch(/Baseline: the evidence carried forward from \d{4} to \d{4}/);
    }
  });

  it('Japan at 2% of GDP by 2027 raises its defense-effort items and shrinks its free-riding gap by the computed amount', () => {
    const r = result('japan-2pct-2027');
    const e = context.evidence;
    const s0 = value(e, 'JPN', 'milex_share_gdp', 2024)!;
    const path = [2025, 2026, 2027].map((y, k) => s0 + ((2 - s0) * (k + 1)) / 3);
    // GDP: the World Bank's last year, grown at 1.5% real growth and 2% U.S.-dollar inflation.
    const lastGdp = e.latest('JPN', 'gdp_usd_current', { upTo: 2024 })!;
    const gdp = (y: number) => lastGdp.value! * (1.015 * 1.02) ** (y - lastGdp.year);
    // The shortfall is in percentage points of GDP (2.0): each year of the path closes that year's gap by (path - s0).
    const shrink = [2025, 2026, 2027].reduce((sum, _y, k) => sum + (path[k] - s0), 0);
    expect(gdp(2027)).toBeGreaterThan(lastGdp.value!);

    expect(line(r, 'JPN', 'defense_effort')).toMatchObject({ before: { raw: s0 }, after: { raw: 2 }, how: 'value' });
    for (const item of ['defense_effort', 'defense_effort_trend']) {
      const l = line(r, 'JPN', item)!;
      expect(l.after.raw!, item).toBeGreaterThan(l.before.raw!);
      expect(l.after.contribution!, item).toBeGreaterThan(l.before.contribution!);
      expect(l.causes.map((c) => c.ref)).toEqual(['japan-2pct-2027#1']);
    }
    const gap = line(r, 'JPN', 'spending_shortfall')!;
    expect(gap.before.raw! - gap.after.raw!).toBeCloseTo(shrink, 6);
    expect(shrink).toBeGreaterThan(1);
    // The ~1.6% path moves Japan the same way, less far.
    const low = result('japan-1-6pct-2027');
    expect(line(low, 'JPN', 'defense_effort')!.after.raw).toBeCloseTo(1.6, 12);
    expect(line(low, 'JPN', 'spending_shortfall')!.after.raw!).toBeGreaterThan(gap.after.raw!);
  });

  it('a 20% yen shock lowers Japan\'s spending in dollars by exactly 20%, and leaves its yen budget alone', () => {
    const s = scenarios.get('yen-shock')!;
    const prepared = prepareBaseline(options, s.horizon, s.changes);
    const { worlds } = applyChanges(prepared.world, s.changes);
    const [before, after] = [worlds[0].evidence, worlds[1].evidence];
    for (const y of [2025, 2026, 2027]) {
      expect(value(after, 'JPN', 'milex_usd_current', y)! / value(before, 'JPN', 'milex_usd_current', y)!).toBeCloseTo(0.8, 14);
      expect(value(after, 'JPN', 'milex_local_currency', y)).toBe(value(before, 'JPN', 'milex_local_currency', y));
      expect(value(after, 'JPN', 'milex_share_gdp', y)).toBe(value(before, 'JPN', 'milex_share_gdp', y));
    }
    expect(value(after, 'JPN', 'milex_usd_current', 2024)).toBe(value(before, 'JPN', 'milex_usd_current', 2024));
    expect(value(after, 'KOR', 'milex_usd_current', 2027)).toBe(value(before, 'KOR', 'milex_usd_current', 2027));
    const r = result('yen-shock');
    for (const item of ['military_expenditure', 'gdp']) {
      const l = line(r, 'JPN', item)!;
      expect(l.after.raw! / l.before.raw!, item).toBeCloseTo(0.8, 14);
    }
    expect(r.changes[0].effect.notes[0]).toMatch(/^JPN: 151\.5 local currency units per U\.S\. dollar in 2027 become 189\.3$/);
  });

  it('host-nation support x4 multiplies the curated Japanese amount, and moves no line of Japan\'s ledger: its contributions already exceed the premium of basing U.S. forces abroad, and the run says so', () => {
    const r = result('hns-japan-x4');
    const e = context.evidence;
    const yen = e.value('JPN', 'hns_local_currency', 2026)!;
    const dollars = e.latest('JPN', 'hns_usd', { upTo: 2027 })!;
    expect([yen.value, yen.source, dollars.value, dollars.source]).toEqual([211020, 'jiji-2021-12-21-hns', 1393.2, 'jiji-2021-12-21-hns']);
    const s = scenarios.get('hns-japan-x4')!;
    const prepared = prepareBaseline(options, s.horizon, s.changes);
    const { worlds } = applyChanges(prepared.world, s.changes);
    expect(value(worlds[1].evidence, 'JPN', 'hns_usd', 2027)! / value(worlds[0].evidence, 'JPN', 'hns_usd', 2027)!).toBeCloseTo(4, 12);
    expect(r.diff.find((d) => d.ally === 'JPN')).toBeUndefined();
    const japan = r.unmoved.find((u) => u.ally === 'JPN')!;
    expect(japan.indicators).toEqual(expect.arrayContaining(['hns_local_currency', 'hns_usd']));
    expect(japan.lines).toEqual([expect.objectContaining({ item: 'forward_presence_premium', raw: 0 })]);
    expect(japan.text).toMatch(/^Japan \(JPN\): the changed values .* enter "Premium of basing U\.S\. forces there, net of the host's contributions", which held at 0/);
    expect(diffText(r)).toMatch(/Diff: empty\. No line item of any ally moved\.\nWhy:\n {2}Japan \(JPN\): the changed values/);
  });

  it('Korea x5 multiplies the won amount of its agreement by five; Korea\'s premium was already covered', () => {
    const r = result('hns-korea-x5');
    expect(r.unmoved.find((u) => u.ally === 'KOR')!.lines).toEqual([expect.objectContaining({ item: 'forward_presence_premium', raw: 0 })]);
  });

  it('a NATO path to 3.5% leaves allies already above it where they are', () => {
    const r = result('nato-5pct-2035');
    expect(r.changes[0].effect.notes.find((n) => n.startsWith('POL'))).toMatch(/already beyond the path/);
    expect(line(r, 'POL', 'defense_effort')?.how ?? 'unmoved').not.toBe('value');
    expect(line(r, 'ITA', 'defense_effort')!.after.raw!).toBeGreaterThan(line(r, 'ITA', 'defense_effort')!.before.raw!);
  });

  it('denying access to bases in Japan, against the contingency with access, zeroes Japan\'s forward-access assets and nothing else of Japan\'s', () => {
    const r = runAgainst(scenarios.get('taiwan-contingency-no-japan-bases')!, scenarios.get('taiwan-contingency')!, options);
    expect(r.reference).toMatchObject({ kind: 'scenario', id: 'taiwan-contingency' });
    expect(r.changes.map((c) => c.kind)).toEqual(['event']);
    const japan = r.diff.find((d) => d.ally === 'JPN')!;
    expect(japan.lines.filter((l) => l.how === 'value').map((l) => [l.item, l.after.raw])).toEqual([['us_forces_hosted', 0], ['us_base_sites', 0]]);
    expect(line(r, 'JPN', 'forward_presence_premium')).toBeUndefined();
    expect(japan.after.rank!).toBeGreaterThan(japan.before.rank!);
  });

  it('composes in the documented order: phases first, so naming the scenarios the other way round changes nothing here', () => {
    const a = runScenario(composeScenarios([scenarios.get('japan-2pct-2027')!, scenarios.get('yen-shock')!]), options);
    const b = runScenario(composeScenarios([scenarios.get('yen-shock')!, scenarios.get('japan-2pct-2027')!]), options);
    expect(a.changes.map((c) => c.ref)).toEqual(['japan-2pct-2027#1', 'yen-shock#1']);
    expect(b.changes.map((c) => c.ref)).toEqual(a.changes.map((c) => c.ref));
    // The path sets the share of GDP first; the yen shock then lowers the dollar amounts, not the share.
    expect(line(a, 'JPN', 'defense_effort')!.after.raw).toBeCloseTo(2, 12);
    expect(line(a, 'JPN', 'gdp')!.after.raw! / line(a, 'JPN', 'gdp')!.before.raw!).toBeCloseTo(0.8, 12);
    expect(b.ledgers.after.allies.map((x) => x.net)).toEqual(a.ledgers.after.allies.map((x) => x.net));
  });

  it('reports how robust the conclusion is under the scenario\'s draws', () => {
    const r = runScenario(scenarios.get('japan-2pct-2027')!, { ...options, robustness: { draws: 1000 } });
    const japan = r.robustness!.allies.find((a) => a.ally === 'JPN')!;
    expect(r.robustness!.draws).toBe(1000);
    expect(japan.after!.pRankOrBetter).toBeGreaterThan(japan.before!.pRankOrBetter);
    expect(japan.after!.net.median).toBeGreaterThan(japan.before!.net.median);
    expect(diffText(r)).toMatch(/Robustness: 1,000 draws/);
  });

  it('pairs the two runs draw by draw: each scenario draw is the baseline draw with the changes made', () => {
    const r = runScenario(scenarios.get('japan-2pct-2027')!, { ...options, robustness: { draws: 3000 } });
    const rb = r.robustness!;
    expect(rb.unpaired).toBeNull();
    const japan = rb.paired!.find((p) => p.ally === 'JPN')!;
    // Reaching 2% of GDP raises Japan's net in every draw, whatever the weights and ranges.
    expect(japan.pNetUp).toBe(1);
    expect(japan.pNetDown).toBe(0);
    expect(japan.netChange.low).toBeGreaterThan(0);
    expect(japan.pRankDown).toBe(0);
    expect(japan.pRankUp + japan.pRankSame).toBeCloseTo(1, 12);
    expect(japan.rankChange.median).toBeGreaterThan(0);
    // The directly hit allies are paired; with weight changes only, the allies that moved most.
    expect(rb.paired!.map((p) => p.ally)).toEqual(r.diff.filter((d) => d.direct).map((d) => d.ally));
    const weights = runScenario(scenarios.get('three-theaters')!, { ...options, robustness: { draws: 1000 } });
    expect(weights.diff.some((d) => d.direct)).toBe(false);
    expect(weights.robustness!.paired!.map((p) => p.ally)).toEqual(weights.diff.slice(0, 5).map((d) => d.ally));
    expect(diffText(r)).toMatch(/Draw by draw .*\n.*\n {2}JPN +100\.0% +\+\d/);
  });

  it('the paired draws are the runs\' own: tracing changes nothing, and the baseline trace is the baseline run\'s', () => {
    const s = scenarios.get('japan-2pct-2027')!;
    const traced = runScenario(s, { ...options, robustness: { draws: 2000 } });
    const prepared = prepareBaseline({ ...options, robustness: { draws: 2000 } }, s.horizon, s.changes);
    const again = runScenario(s, { ...options, robustness: { draws: 2000 }, baseline: prepared });
    expect(again.robustness).toEqual(traced.robustness);
    const job = prepared.robustness!.job;
    const plain = runRobustness(job.matrix, job.settings, job.interval);
    expect(prepared.robustness!.result).toEqual(plain);
    // An ally's traced nets: their mean is the run's mean net.
    const row = job.matrix.allies.indexOf('JPN');
    const T = job.trace!.rows.length;
    let sum = 0;
    for (let d = 0; d < 2000; d++) sum += job.trace!.nets[d * T + row];
    expect(sum / 2000).toBeCloseTo(plain.allies[row].net.mean, 9);
  });

  it('does not pair runs that draw different random numbers, and says why', () => {
    const s = scenarios.get('japan-2pct-2027')!;
    const prepared = prepareBaseline({ ...options, robustness: { draws: 500 } }, s.horizon, s.changes);
    const job = prepared.robustness!.job;
    // The same matrix with one value's range removed: the stream is consumed differently.
    const u = job.matrix.uncertain.find((x) => x.kind === 'judgment')!;
    const j = u.value.findIndex((v, k) => u.high[k] > u.low[k]);
    const high = Float64Array.from(u.high, (h, k) => (k === j ? u.low[k] : h));
    const other = { ...job, matrix: { ...job.matrix, uncertain: job.matrix.uncertain.map((x) => (x === u ? { ...u, high } : x)) } };
    expect(unpairable(job, job)).toBeNull();
    expect(unpairable(job, other)).toMatch(/which values have ranges/);
    expect(unpairable(job, { ...job, trace: null })).toMatch(/not paired/);
  });
});

describe.skipIf(!built)('allies scenario', () => {
  let out = '';
  const capture = () => {
    out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  };
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('lists the built-in scenarios', async () => {
    capture();
    expect(await run(['scenario', 'list'])).toBe(0);
    for (const name of ['japan-2pct-2027', 'japan-1-6pct-2027', 'yen-shock', 'hns-japan-x4', 'hns-korea-x5', 'three-theaters', 'taiwan-contingency', 'taiwan-contingency-no-japan-bases', 'us-tariffs', 'nato-5pct-2035']) {
      expect(out).toContain(name);
    }
  });

  it('runs a scenario and prints its diff with causes and robustness; --json gives the same as data', async () => {
    capture();
    expect(await run(['scenario', 'run', 'japan-2pct-2027', '--evidence', EVIDENCE, '--draws', '500', '--threads', '1'])).toBe(0);
    expect(out).toMatch(/Japan \(JPN\): net .* rank \d+ → \d+/);
    expect(out).toMatch(/A Defense spending, share of GDP +1\.371 → 2 % of GDP/);
    expect(out).toMatch(/Robustness: 500 draws/);
    vi.restoreAllMocks();
    capture();
    expect(await run(['scenario', 'run', 'japan-2pct-2027', '--evidence', EVIDENCE, '--no-robustness', '--json'])).toBe(0);
    const json = JSON.parse(out) as ScenarioResult;
    expect(json.diff[0]).toMatchObject({ ally: 'JPN', direct: true });
    expect(json).not.toHaveProperty('ledgers');
  });

  it('compares scenarios side by side', async () => {
    capture();
    expect(await run(['scenario', 'run', 'japan-2pct-2027', 'japan-1-6pct-2027', '--compare', 'each', '--evidence', EVIDENCE, '--no-robustness'])).toBe(0);
    expect(out).toMatch(/Side by side/);
    expect(out).toMatch(/JPN Japan +\+\d+\.\d\d \(rank \d+ → \d+\) +\+\d+\.\d\d/);
  });
});
