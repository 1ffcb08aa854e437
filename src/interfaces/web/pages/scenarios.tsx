// Scenarios: the built-in what-if stress tests with their descriptions and sources; run one,
// or several composed (or side by side), and see the diff against the baseline: which line
// items moved for which ally, by how much, and the change that moved them; rank changes; and
// how robust the conclusion is, from robustness draws on both ledgers. The address holds the
// scenario names, so a run can be shared.
import { useState } from 'preact/hooks';
import { ApiError, postJson, useApi } from '../api-client.ts';
import { CsvLink } from '../components/controls.tsx';
import { Cites, sourceMap } from '../components/citations.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { csvText, downloadText } from '../csv-export.ts';
import { formatSigned, formatValue } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { hrefOf, MAX_SCENARIOS } from '../routes.ts';
import type { Route } from '../routes.ts';
import type { PublicResult, RunResponse, ScenariosResponse } from './analysis-types.ts';
import type { Source } from '../api-types.ts';
import { apiQuery } from './query.ts';

type ScenariosRoute = Extract<Route, { page: 'scenarios' }>;
type AllyDiff = PublicResult['diff'][number];
type Robustness = NonNullable<PublicResult['robustness']>;
type RobustnessSummary = NonNullable<Robustness['allies'][number]['before']>;

/**
 * Robustness draws per run: the methodology's default for one scenario (about half a second
 * on the server); fewer for each of several run side by side.
 */
const DRAWS = { baseline: 10_000, each: 2_000 } as const;

function rankText(r: number | null): string {
  return r === null ? 'unranked' : String(r);
}

function arrow(a: string, b: string): string {
  return a === b ? a : `${a} → ${b}`;
}

function points(x: number): string {
  return formatSigned(x, 2);
}

function ScenarioList({ list, route }: { list: ScenariosResponse; route: ScenariosRoute }) {
  const [picked, setPicked] = useState<string[]>(route.names);
  const sources = sourceMap(list.sources);
  const run = (names: string[], compare = route.compare) => navigate(hrefOf({ page: 'scenarios', names, compare }));
  return (
    <section class="scenario-list">
      <table class="scenarios">
        <caption>
          Built-in scenarios: run one, or tick several and run them composed (in the order ticked) or side by side{' '}
          <CsvLink href="/api/scenarios?format=csv" />
        </caption>
        <thead><tr><th scope="col">compose</th><th scope="col">scenario</th><th scope="col" class="num">horizon</th><th scope="col">sources</th><th scope="col"><span class="visually-hidden">run</span></th></tr></thead>
        <tbody>
          {list.rows.map((s) => (
            <tr key={s.name} data-scenario={s.name} class={route.names.includes(s.name) ? 'highlighted' : ''}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Compose ${s.title}`}
                  checked={picked.includes(s.name)}
                  disabled={!picked.includes(s.name) && picked.length >= MAX_SCENARIOS}
                  onChange={(e) => setPicked((e.target as HTMLInputElement).checked ? [...picked, s.name] : picked.filter((n) => n !== s.name))}
                />
              </td>
              <th scope="row">
                <strong>{s.title}</strong> <code>{s.name}</code>
                <details><summary>What it changes ({s.changes} change{s.changes === 1 ? '' : 's'}: {s.kinds.join(', ')})</summary><p>{s.description}</p></details>
              </th>
              <td class="num">{s.horizon}</td>
              <td><Cites cites={s.sources} sources={sources} /></td>
              <td><button type="button" onClick={() => run([s.name], 'baseline')} aria-label={`Run ${s.title}`}>Run</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="controls">
        <button type="button" disabled={picked.length === 0} onClick={() => run(picked, 'baseline')}>Run the {picked.length || ''} ticked, composed</button>
        <button type="button" disabled={picked.length < 2} onClick={() => run(picked, 'each')}>Run the ticked side by side</button>
        {picked.length ? <button type="button" onClick={() => setPicked([])}>Clear</button> : null}
      </p>
    </section>
  );
}

function AllyBlock({ d, refs }: { d: AllyDiff; refs: Map<string, number> }) {
  const shown = d.lines.filter((l) => l.how === 'value' || Math.abs((l.after.contribution ?? 0) - (l.before.contribution ?? 0)) >= 0.005);
  return (
    <table class="scenario-ally" data-ally={d.ally}>
      <caption>
        <strong>{d.name} ({d.ally})</strong>: net {arrow(d.before.net?.toFixed(1) ?? '–', d.after.net?.toFixed(1) ?? '–')}
        {d.before.net !== null && d.after.net !== null ? ` (${points(d.after.net - d.before.net)})` : ''} · rank {arrow(rankText(d.before.rank), rankText(d.after.rank))}
      </caption>
      <thead><tr><th scope="col">line item</th><th scope="col" class="num">value</th><th scope="col" class="num">score</th><th scope="col" class="num">points</th><th scope="col">cause</th></tr></thead>
      <tbody>
        {shown.map((l) => {
          const change = (l.after.contribution ?? 0) - (l.before.contribution ?? 0);
          return (
            <tr key={l.item} data-item={l.item}>
              <th scope="row">{l.side === 'asset' ? 'Asset' : 'Liability'}: {l.label}</th>
              <td class="num">{l.how === 'value' ? `${arrow(formatValue(l.before.raw), formatValue(l.after.raw))} ${l.unit}` : `${formatValue(l.after.raw)} ${l.unit} (unchanged)`}</td>
              <td class="num">{arrow(l.before.score?.toFixed(0) ?? '–', l.after.score?.toFixed(0) ?? '–')}</td>
              <td class={`num ${change >= 0 ? 'positive' : 'negative'}`}>{points(change)}</td>
              <td class="cause">
                {l.causes.map((c) => <span key={c.ref}>[{refs.get(c.ref)}] {c.label} {points(c.contribution)} </span>)}
                {l.how === 'score' ? '(others\' values moved)' : l.how === 'weight' ? '(weight or share of its side)' : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function percent(p: number): string {
  return `${(p * 100).toFixed(p > 0.995 && p < 1 ? 1 : 0)}%`;
}

function summaryCells(x: RobustnessSummary | null) {
  if (!x) return <td colSpan={4}>unranked</td>;
  return (
    <>
      <td class="num">{x.modalRank} ({x.rankInterval[0]}–{x.rankInterval[1]})</td>
      <td class="num">{percent(x.pRankOrBetter)}</td>
      <td class="num">{percent(x.pNetPositive)}</td>
      <td class="num">{x.net.median.toFixed(1)} ({x.net.low.toFixed(1)} to {x.net.high.toFixed(1)})</td>
    </>
  );
}

/** Before and after, for the allies shown: does the conclusion hold when weights, data and judgments vary? */
function RobustnessView({ rb, allies, names }: { rb: Robustness; allies: AllyDiff[]; names: Map<string, AllyDiff> }) {
  const rows = rb.allies.filter((a) => allies.some((d) => d.ally === a.ally));
  const what = ['the weights', rb.data ? 'the data within their ranges' : null, rb.judgments ? 'the judgments within theirs' : null].filter(Boolean).join(', ');
  return (
    <table class="scenario-robustness">
      <caption>
        How robust: {rb.draws.toLocaleString('en-US')} draws (seed {rb.seed}) of {what}, with the same seed for both ledgers; {Math.round(rb.interval * 100)}% intervals.
        {' '}The whole ranking equals the ledger's own in {percent(rb.pSameOrder.before)} of draws before, {percent(rb.pSameOrder.after)} with the scenario.
      </caption>
      <thead>
        <tr><th scope="col" rowSpan={2}>ally</th><th scope="colgroup" colSpan={4}>baseline</th><th scope="colgroup" colSpan={4}>with the scenario</th></tr>
        <tr>
          {[0, 1].map((i) => [
            <th scope="col" key={`r${i}`} class="num">modal rank (interval)</th>,
            <th scope="col" key={`p${i}`} class="num" title="share of draws in which the ally holds the rank it has with the scenario, or a better one">P(scenario's rank or better)</th>,
            <th scope="col" key={`n${i}`} class="num">P(net &gt; 0)</th>,
            <th scope="col" key={`v${i}`} class="num">net: median (interval)</th>,
          ])}
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.ally} data-ally={a.ally}>
            <th scope="row">{names.get(a.ally)?.name ?? a.ally}</th>
            {summaryCells(a.before)}
            {summaryCells(a.after)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Draw by draw: each scenario draw is a baseline draw with the changes made; how often does the ally gain? */
function PairedView({ rb, names }: { rb: Robustness; names: Map<string, AllyDiff> }) {
  if (!rb.paired) return rb.unpaired ? <p class="note">Not paired draw by draw: {rb.unpaired}.</p> : null;
  if (!rb.paired.length) return null;
  const span = (v: { median: number; low: number; high: number }, f: (x: number) => string) => `${f(v.median)} (${f(v.low)} to ${f(v.high)})`;
  return (
    <table class="scenario-paired">
      <caption>Draw by draw: the same {rb.draws.toLocaleString('en-US')} draws with and without the scenario, for the allies whose own values changed, or else those that moved most.</caption>
      <thead><tr><th scope="col">ally</th><th scope="col" class="num">net rises</th><th scope="col" class="num">net change: median (interval)</th><th scope="col" class="num">rank improves / holds / worsens</th><th scope="col" class="num">places gained: median (interval)</th></tr></thead>
      <tbody>
        {rb.paired.map((p) => (
          <tr key={p.ally} data-ally={p.ally}>
            <th scope="row">{names.get(p.ally)?.name ?? p.ally}</th>
            <td class="num">{percent(p.pNetUp)}</td>
            <td class="num">{span(p.netChange, points)}</td>
            <td class="num">{percent(p.pRankUp)} / {percent(p.pRankSame)} / {percent(p.pRankDown)}</td>
            <td class="num">{span(p.rankChange, (x) => formatSigned(x, 0))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function diffCsv(r: PublicResult): string {
  const rows = r.diff.flatMap((d) => d.lines.map((l) => ({
    scenario: r.scenario.id, year: r.year, ally: d.ally, rank_before: d.before.rank, rank_after: d.after.rank, side: l.side, item: l.item, how: l.how,
    raw_before: l.before.raw, raw_after: l.after.raw, score_before: l.before.score, score_after: l.after.score,
    points_change: (l.after.contribution ?? 0) - (l.before.contribution ?? 0), causes: l.causes.map((c) => `${c.ref}: ${c.contribution}`).join('; '),
  })));
  return csvText(['scenario', 'year', 'ally', 'rank_before', 'rank_after', 'side', 'item', 'how', 'raw_before', 'raw_after', 'score_before', 'score_after', 'points_change', 'causes'], rows);
}

function ResultView({ r, sources, csvHref }: { r: PublicResult; sources: ReadonlyMap<string, Source>; csvHref: string | null }) {
  const refs = new Map(r.changes.map((c, i) => [c.ref, i + 1]));
  const direct = r.diff.filter((d) => d.direct);
  const shown = direct.length ? direct : r.diff.slice(0, 3);
  const rest = r.diff.filter((d) => !shown.includes(d));
  return (
    <section class="scenario-result" data-scenario={r.scenario.id}>
      <h2>{r.scenario.title}</h2>
      <p class="lede">Ledgers of {r.year} with the scenario, against the baseline projection of {r.year} from today's ledger ({r.present}). Sources: <Cites cites={r.scenario.sources} sources={sources} /></p>
      <details class="definitions"><summary>The baseline's assumptions</summary><ul>{r.baseline.description.map((l) => <li key={l}>{l}</li>)}</ul></details>
      <h3>Changes, in the order applied</h3>
      <ol class="scenario-changes">
        {r.changes.map((c) => (
          <li key={c.ref} data-ref={c.ref}>
            <strong>{c.label}</strong> <code>{c.ref}</code>
            <ul>{c.effect.notes.slice(0, 6).map((n) => <li key={n}>{n}</li>)}{c.effect.notes.length > 6 ? <li>… and {c.effect.notes.length - 6} more (CSV and API list them)</li> : null}</ul>
            <p class="rationale">Why: {c.rationale}</p>
            <p class="cites-line">Cites: <Cites cites={c.citations} sources={sources} /></p>
          </li>
        ))}
      </ol>
      <h3>
        What moved: {r.diff.length} allies ({direct.length} with values of their own changed){' '}
        {csvHref ? <CsvLink href={csvHref} label="diff CSV" /> : <button type="button" class="csv-link" onClick={() => downloadText(`scenario-${r.scenario.id}.csv`, diffCsv(r), 'text/csv')}>diff CSV ↓</button>}
      </h3>
      {(r.unmoved ?? []).length > 0 && <ul class="scenario-unmoved">{r.unmoved!.map((u) => <li key={u.ally} data-ally={u.ally}>{u.text}</li>)}</ul>}
      {r.diff.length === 0 ? <p class="notice">No line item of any ally moved.</p> : shown.map((d) => <AllyBlock key={d.ally} d={d} refs={refs} />)}
      {r.robustness && shown.length ? <RobustnessView rb={r.robustness} allies={shown} names={new Map(r.diff.map((d) => [d.ally, d]))} /> : null}
      {r.robustness ? <PairedView rb={r.robustness} names={new Map(r.diff.map((d) => [d.ally, d]))} /> : null}
      {rest.length ? (
        <details class="scenario-others"><summary>{rest.length} more allies moved only because others' values or the weights moved (scores are relative to all allies)</summary>
        <table>
          <thead><tr><th scope="col">ally</th><th scope="col" class="num">net change</th><th scope="col">rank</th></tr></thead>
          <tbody>{rest.map((d) => <tr key={d.ally}><th scope="row">{d.name}</th><td class="num">{d.before.net !== null && d.after.net !== null ? points(d.after.net - d.before.net) : '–'}</td><td>{arrow(rankText(d.before.rank), rankText(d.after.rank))}</td></tr>)}</tbody>
        </table>
        </details>
      ) : null}
      <h3>Rank changes</h3>
      {r.ranks.length === 0 ? <p>None.</p> : (
        <p class="rank-changes">{r.ranks.map((x, i) => <span key={x.ally}>{i > 0 ? ', ' : ''}<Link href={`/ally/${x.ally}`}>{x.name}</Link> {arrow(rankText(x.before), rankText(x.after))}</span>)}</p>
      )}
    </section>
  );
}

function RunView({ route, list }: { route: ScenariosRoute; list: ScenariosResponse }) {
  const query = apiQuery({ names: route.names.join(','), compare: route.compare === 'each' ? 'each' : undefined, draws: String(DRAWS[route.compare === 'each' ? 'each' : 'baseline']) });
  const run = useApi<RunResponse>(`/api/scenarios/run${query}`);
  if (run.error) return <Problem title="The scenario could not be run"><p>{run.error.message}</p><p><Link href="/scenarios">Choose another scenario</Link></p></Problem>;
  if (!run.data) return <Loading what={`the run of ${route.names.join(', ')}`} />;
  const data = run.data;
  const sources = sourceMap([...list.sources, ...data.sources]);
  const csvHref = `/api/scenarios/run${apiQuery({ names: route.names.join(','), compare: route.compare === 'each' ? 'each' : undefined, format: 'csv' })}`;
  if (data.compare === 'baseline') {
    return (
      <>
        {data.conflicts.length ? <div class="notice"><p>Where the composed scenarios set the same value, the later one wins:</p><ul>{data.conflicts.map((c) => <li key={c}>{c}</li>)}</ul></div> : null}
        <ResultView r={data} sources={sources} csvHref={csvHref} />
      </>
    );
  }
  const c = data.comparison;
  return (
    <>
      <table class="scenario-comparison">
        <caption>Side by side: change of net against each scenario's baseline (rank before → after); · = not moved <CsvLink href={csvHref} label="diff CSV" /></caption>
        <thead><tr><th scope="col">ally</th>{c.scenarios.map((s) => <th scope="col" key={s.id}>{s.title} ({s.horizon})</th>)}</tr></thead>
        <tbody>
          {c.rows.slice(0, 25).map((row) => (
            <tr key={row.ally}>
              <th scope="row">{row.name}</th>
              {row.cells.map((cell, i) => <td key={i} class="num">{cell === null ? '·' : `${cell.netChange === null ? '–' : points(cell.netChange)} (rank ${arrow(rankText(cell.before.rank), rankText(cell.after.rank))})`}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      {data.results.map((r) => <ResultView key={r.scenario.id} r={r} sources={sources} csvHref={null} />)}
    </>
  );
}

/**
 * Your own scenario: a file chosen or text pasted, run on the server with the CLI's checks
 * (errors name the line and field). The run is not in the address: the text is yours.
 */
function OwnScenario({ list }: { list: ScenariosResponse }) {
  const [text, setText] = useState('');
  const [state, setState] = useState<{ running: boolean; error: ApiError | null; result: Extract<RunResponse, { compare: 'baseline' }> | null }>({ running: false, error: null, result: null });
  const run = async () => {
    setState({ running: true, error: null, result: null });
    try {
      const result = await postJson<Extract<RunResponse, { compare: 'baseline' }>>(`/api/scenarios/run?draws=${DRAWS.baseline}`, { yaml: text });
      setState({ running: false, error: null, result });
    } catch (e) {
      setState({ running: false, error: e instanceof ApiError ? e : new ApiError(0, String(e)), result: null });
    }
  };
  const choose = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (file) setText(await file.text());
  };
  return (
    <section class="own-scenario">
      <details open={text.length > 0 || state.result !== null}>
        <summary>Run your own scenario file</summary>
        <p>Write a scenario in the format of the built-ins (<code>scenarios/README.md</code>; every change needs a rationale and a citation of a source in <Link href="/sources">the registry</Link>), or start from a built-in and change it. Nothing is stored.</p>
        <p class="controls">
          <label>Scenario file (YAML) <input type="file" accept=".yaml,.yml,text/yaml" onChange={(e) => choose(e.target as HTMLInputElement)} /></label>
          <label>Start from{' '}
            <select aria-label="Start from a built-in scenario" onChange={async (e) => {
              const name = (e.target as HTMLSelectElement).value;
              if (name) setText(await fetch(`/api/scenarios/${name}/file`).then((r) => r.text()));
            }}>
              <option value="">a built-in…</option>
              {list.rows.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
            </select>
          </label>
        </p>
        <textarea class="scenario-text" aria-label="Scenario file text" rows={14} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <p class="controls"><button type="button" disabled={!text.trim() || state.running} onClick={run}>{state.running ? 'Running…' : 'Run this scenario'}</button></p>
      </details>
      {state.error ? <Problem title="The scenario could not be run"><p class="scenario-error">{state.error.message}</p></Problem> : null}
      {state.result ? <ResultView r={state.result} sources={sourceMap([...list.sources, ...state.result.sources])} csvHref={null} /> : null}
    </section>
  );
}

export function ScenariosPage({ route }: { route: ScenariosRoute }) {
  const list = useApi<ScenariosResponse>('/api/scenarios');
  if (list.error) return <Problem title={list.error.status === 503 ? 'Scenarios are not available yet' : 'The scenarios could not be loaded'}><p>{list.error.message}</p></Problem>;
  if (!list.data) return <Loading what="the scenarios" />;
  const unknown = route.names.filter((n) => !list.data!.rows.some((s) => s.name === n));
  return (
    <section class="scenarios-page">
      <div class="page-head">
        <h1>Scenarios: what if…</h1>
      </div>
      <p class="lede">Each scenario changes the evidence, the judgments or the weights as its file says, with a reason and a source for every change. Runs project today's ledger ({list.data.present}) to the scenario's horizon and compare with that baseline: every line that moved is credited to the change that moved it.</p>
      {unknown.length ? <Problem title="Unknown scenario"><p>{unknown.join(', ')} {unknown.length > 1 ? 'are not built-in scenarios' : 'is not a built-in scenario'}; choose from the list below.</p></Problem> : null}
      {route.names.length && !unknown.length ? <RunView key={`${route.names.join(',')}|${route.compare}`} route={route} list={list.data} /> : null}
      <ScenarioList key={route.names.join(',')} list={list.data} route={route} />
      <OwnScenario list={list.data} />
    </section>
  );
}
