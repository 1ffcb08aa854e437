// What the facilitator's and the players' views of a live exercise share: the situations of the
// moves reached, the injects released, the decisions with their rulings, and a team channel.
import { useState } from 'preact/hooks';
import type { LiveDecision, LiveInject, SessionState } from '../../../exercises/live/types.ts';
import { errorText, ISSUE_LABELS, moveName, rulingText, sessionUrl, teamCall, teamNameOf } from '../pages/exercise-model.tsx';

export function Situations({ state }: { state: SessionState }) {
  if (!state.situations.length) return <p class="note">The first situation opens when the facilitator starts the exercise.</p>;
  const current = state.session.move;
  return (
    <ol class="exercise-situations">
      {state.situations.map((s) => (
        <li key={s.move} data-move={s.move} class={s.move === current ? 'current' : ''}>
          <h3>{s.title} <span class="note">({s.date}){s.move === current ? ' · now' : ''}</span></h3>
          <p>{s.text}</p>
        </li>
      ))}
    </ol>
  );
}

export function InjectList({ state, injects }: { state: SessionState; injects: readonly LiveInject[] }) {
  if (!injects.length) return <p class="note">No inject has been released to you yet.</p>;
  const moves = state.exercise.moves;
  return (
    <ul class="exercise-injects">
      {[...injects].reverse().map((i) => (
        <li key={i.id} data-inject={i.id}>
          <p class="inject-head"><strong>{i.time}</strong> · {moveName(moves, i.move)} · from {teamNameOf(state, i.from)} to {i.recipients.map((t) => teamNameOf(state, t)).join(', ')}</p>
          <p>{i.text}</p>
          <p class="note">Sources: {i.sources.map((s) => `${s.source}${s.locator ? ` (${s.locator})` : ''}`).join('; ')}</p>
        </li>
      ))}
    </ul>
  );
}

/**
 * Option labels by decision and option, from every prompt and decision this page has seen: the
 * SessionState carries the prompts of the current move only, so the label of an option a ruling
 * applied in an earlier move is known from the time it was in play (after a reload: its id).
 */
const optionLabels = new Map<string, string>();

export function optionLabelIn(state: SessionState, d: LiveDecision) {
  for (const p of state.prompts) for (const o of p.options) optionLabels.set(`${p.id}:${o.id}`, o.label);
  for (const x of state.decisions) optionLabels.set(`${x.decision}:${x.option}`, x.option_label);
  return (id: string): string => optionLabels.get(`${d.decision}:${id}`) ?? id;
}

export function DecisionTable({ state, decisions, caption }: { state: SessionState; decisions: readonly LiveDecision[]; caption: string }) {
  if (!decisions.length) return <p class="note">No decision yet.</p>;
  return (
    <div class="table-scroll">
      <table class="exercise-decisions" tabIndex={0}>
        <caption>{caption}</caption>
        <thead><tr><th scope="col">move</th><th scope="col">team</th><th scope="col">decision</th><th scope="col">option chosen</th><th scope="col">rationale</th><th scope="col">ruling</th><th scope="col">issues</th></tr></thead>
        <tbody>
          {decisions.map((d) => (
            <tr key={d.decision} data-decision={d.decision} data-version={d.version}>
              <td>{moveName(state.exercise.moves, d.move)}</td>
              <td>{teamNameOf(state, d.team)}</td>
              <th scope="row">{d.decision}</th>
              <td class="chosen">{d.option_label} <span class="note">(by {d.submitted_by}, version {d.version})</span></td>
              <td class="rationale">{d.rationale}</td>
              <td class="ruling">{rulingText(d, optionLabelIn(state, d))}</td>
              <td>{d.issues.map((i) => ISSUE_LABELS[i] ?? i).join(', ') || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A team's channel: its messages and a form to write in it (the facilitator picks the channel). */
export function Channel({ state, channels, read = channels, csrf, onSent }: { state: SessionState; channels: readonly string[]; read?: readonly string[]; csrf: string | null; onSent: () => void }) {
  const [channel, setChannel] = useState(channels[0] ?? '');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const messages = state.messages.filter((m) => read.includes(m.channel));
  const ended = state.session.status === 'ended';
  const send = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setProblem(null);
    try {
      await teamCall('POST', sessionUrl(state.session.id, '/messages'), { text: text.trim(), channel }, csrf);
      setText('');
      onSent();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const id = `channel-${state.session.id}`;
  return (
    <div class="exercise-channel">
      {messages.length ? (
        <ol class="channel-messages" aria-label="Messages">
          {messages.map((m) => (
            <li key={m.seq} data-channel={m.channel}>
              <span class="note">{m.at.slice(11, 16)} · {read.length > 1 ? `${teamNameOf(state, m.channel)} · ` : ''}</span><strong>{m.from}</strong>: {m.text}
            </li>
          ))}
        </ol>
      ) : <p class="note">No message yet.</p>}
      {ended ? null : (
        <form class="channel-form" onSubmit={send}>
          {channels.length > 1 ? (
            <span class="field">
              <label for={`${id}-to`}>Channel</label>
              <select id={`${id}-to`} value={channel} onChange={(e) => setChannel((e.target as HTMLSelectElement).value)}>
                {channels.map((c) => <option key={c} value={c}>{teamNameOf(state, c)}</option>)}
              </select>
            </span>
          ) : null}
          <label for={id}>Message</label>
          <input id={id} type="text" value={text} maxLength={2000} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          <button type="submit" disabled={busy || !text.trim()}>Send</button>
          {problem ? <p class="problem-inline" role="alert">{problem}</p> : null}
        </form>
      )}
    </div>
  );
}
