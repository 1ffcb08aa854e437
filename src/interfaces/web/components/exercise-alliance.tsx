// The live alliance state of an exercise: each followed ally's net and rank at the start and
// now, the robustness band of the net now, and the cause of every move (which team's decision
// moved it, and by how much), as a table and a small Plot chart. Decisions awaiting a ruling
// count as submitted and are marked provisional.
import type { LiveAllianceState, SessionState } from '../../../exercises/live/types.ts';
import { causeText, net, signed, teamNameOf } from '../pages/exercise-model.tsx';
import { usePlot } from './plot.ts';

interface Point { name: string; net: number; when: 'start' | 'now' }

function AllianceChart({ alliance }: { alliance: LiveAllianceState }) {
  const rows = alliance.allies;
  const points: Point[] = rows.flatMap((a) => [
    ...(a.start.net !== null ? [{ name: a.name, net: a.start.net, when: 'start' as const }] : []),
    ...(a.now.net !== null ? [{ name: a.name, net: a.now.net, when: 'now' as const }] : []),
  ]);
  const bands = rows.filter((a) => a.net_low !== null && a.net_high !== null);
  const { host, failed } = usePlot((Plot, el) => Plot.plot({
    width: Math.max(300, Math.min(680, el.clientWidth || 600)),
    height: 46 + 30 * rows.length,
    marginLeft: 110,
    x: { label: 'net balance (points)', grid: true, nice: true },
    y: { label: null, domain: rows.map((a) => a.name) },
    color: { domain: ['start', 'now'], range: ['#9aa3b0', '#1d4f91'], legend: true },
    marks: [
      Plot.ruleX([0], { stroke: '#999' }),
      Plot.ruleY(bands, { y: 'name', x1: 'net_low', x2: 'net_high', stroke: '#9fb6d6', strokeWidth: 7 }),
      Plot.dot(points, { x: 'net', y: 'name', fill: 'when', r: 4.5, title: (d: Point) => `${d.name}, ${d.when}: net ${net(d.net)}` }),
    ],
  }), [alliance.as_of, rows.length]);
  return (
    <figure class="exercise-chart">
      <figcaption><strong>Net balance of the followed allies, at the start and now</strong> (the bar: the robustness band now)</figcaption>
      <div ref={host} class="chart-host" role="img" aria-label={`Net balance at the start and now: ${rows.map((a) => `${a.name} ${net(a.start.net)} to ${net(a.now.net)}`).join('; ')}`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <p class="chart-source">Source: Alliance Ledger ledgers of {alliance.year} through the scenario engine, with the decisions in force as of event {alliance.as_of}</p>
    </figure>
  );
}

export function AllianceState({ state }: { state: SessionState }) {
  const a = state.alliance;
  if (!a) return <p class="note">The alliance state is computed once the exercise starts.</p>;
  const teamName = (id: string) => teamNameOf(state, id);
  const optionLabel = (decision: string, option: string) =>
    state.prompts.find((p) => p.id === decision)?.options.find((o) => o.id === option)?.label
    ?? state.decisions.find((d) => d.decision === decision && d.option === option)?.option_label
    ?? option;
  return (
    <div class="exercise-alliance" data-as-of={a.as_of}>
      {a.provisional.length ? (
        <p class="note" data-testid="provisional">Provisional: {a.provisional.join(', ')} await{a.provisional.length === 1 ? 's' : ''} the facilitator's ruling and count{a.provisional.length === 1 ? 's' : ''} as submitted.</p>
      ) : null}
      <div class="table-scroll">
        <table class="exercise-allies" tabIndex={0}>
          <caption>The ledgers of {a.year} after the decisions so far</caption>
          <thead>
            <tr><th scope="col">ally</th><th scope="col" class="num">net at start</th><th scope="col" class="num">net now</th><th scope="col" class="num">change</th><th scope="col" class="num">rank</th><th scope="col" class="num">band now</th><th scope="col">what moved it</th></tr>
          </thead>
          <tbody>
            {a.allies.map((x) => {
              const change = x.start.net !== null && x.now.net !== null ? x.now.net - x.start.net : null;
              return (
                <tr key={x.ally} data-ally={x.ally}>
                  <th scope="row">{x.name} <span class="iso">{x.ally}</span></th>
                  <td class="num">{net(x.start.net)}</td>
                  <td class="num">{net(x.now.net)}</td>
                  <td class={`num ${change === null || Math.abs(change) < 0.05 ? '' : change > 0 ? 'positive' : 'negative'}`}>{signed(change)}</td>
                  <td class="num">{x.start.rank ?? '–'} → {x.now.rank ?? '–'}</td>
                  <td class="num">{x.net_low === null || x.net_high === null ? 'computing…' : `${net(x.net_low)} to ${net(x.net_high)}`}</td>
                  <td class="causes">
                    {x.causes.length ? (
                      <ul>{x.causes.map((c, k) => <li key={k} data-decision={c.decision}>{causeText(c, teamName, optionLabel)}{a.provisional.includes(c.decision) ? ' (provisional)' : ''}</li>)}</ul>
                    ) : 'no decision has moved it'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {a.allies.length ? <AllianceChart alliance={a} /> : null}
    </div>
  );
}
