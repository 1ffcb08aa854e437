// The facilitator's view of a live exercise: the course of play (start, advance, end), the
// join codes and seats, the injects to release, every team's decisions with a ruling form
// (accept, amend to another option, overrule, with a note) and the hot-wash tags, every team's
// channel and briefing, and the after-action report.
import { useState } from 'preact/hooks';
import type { Issue } from '../../../exercises/schema.ts';
import type { LiveDecision, SessionState, SessionSummary } from '../../../exercises/live/types.ts';
import {
  adjudicationBody, ALL_CHANNEL, errorText, ISSUE_IDS, joinCodesOf, keepJoinCodes, ISSUE_LABELS, moveIndex, moveName, nextStep, reportUrl, rulingText, sessionUrl, teamCall, teamNameOf,
} from '../pages/exercise-model.tsx';
import type { Ruling } from '../pages/exercise-model.tsx';
import { Channel, InjectList, optionLabelIn, Situations } from './exercise-common.tsx';

type Act = (label: string, call: () => Promise<unknown>) => Promise<boolean>;

/** One write at a time, its outcome said in words; a 409 refetches the session (its version moved). */
function useActions(refresh: () => void): { act: Act; busy: boolean; said: { ok: boolean; text: string } | null } {
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const act: Act = async (label, call) => {
    setBusy(true);
    setSaid(null);
    try {
      await call();
      setSaid({ ok: true, text: label });
      return true;
    } catch (e) {
      setSaid({ ok: false, text: `${errorText(e)}${(e as { status?: number }).status === 409 ? ' (the view is now up to date: try again)' : ''}` });
      return false;
    } finally {
      setBusy(false);
      refresh();
    }
  };
  return { act, busy, said };
}

function Said({ said }: { said: { ok: boolean; text: string } | null }) {
  if (!said) return null;
  return said.ok ? <p class="saved" role="status">{said.text}</p> : <p class="problem-inline" role="alert">{said.text}</p>;
}

function Course({ state, csrf, refresh }: { state: SessionState; csrf: string | null; refresh: () => void }) {
  const { act, busy, said } = useActions(refresh);
  const s = state.session;
  const step = nextStep(s, state.exercise.moves);
  const post = (suffix: string) => teamCall('POST', sessionUrl(s.id, suffix), { version: s.version }, csrf);
  return (
    <div class="exercise-course">
      <p class="controls">
        {step.kind === 'start' ? <button type="button" disabled={busy} onClick={() => void act('The exercise has started.', () => post('/start'))}>Start the exercise</button> : null}
        {step.kind === 'advance' ? <button type="button" disabled={busy} onClick={() => void act(`Advanced to move ${step.to.index + 1}.`, () => post('/advance'))}>Advance to move {step.to.index + 1}: {step.to.title}</button> : null}
        {step.kind === 'advance' || step.kind === 'last' ? <button type="button" disabled={busy} onClick={() => void act('The exercise has ended.', () => post('/end'))}>End the exercise</button> : null}
        {step.kind === 'last' ? <span class="note">This is the last move.</span> : null}
      </p>
      <Said said={said} />
    </div>
  );
}

function Seats({ state, csrf, refresh }: { state: SessionState; csrf: string | null; refresh: () => void }) {
  const players = state.exercise.teams.filter((t) => t.role === 'player');
  const [team, setTeam] = useState(players[0]?.id ?? '');
  const [account, setAccount] = useState('');
  const { act, busy, said } = useActions(refresh);
  const seat = (e: Event) => {
    e.preventDefault();
    const name = account.trim();
    if (!name) return;
    void act(`Seated ${name} on ${teamNameOf(state, team)}.`, () => teamCall('POST', sessionUrl(state.session.id, '/seats'), { team, account: name }, csrf)).then((ok) => ok && setAccount(''));
  };
  const codes = joinCodesOf(state.session);
  const reissue = () => void act('New join codes issued: the old ones no longer work.', async () => {
    keepJoinCodes(await teamCall<SessionSummary>('POST', sessionUrl(state.session.id, '/join-codes'), { version: state.session.version }, csrf));
  });
  return (
    <div class="exercise-seats">
      {codes.length ? (
        <table class="join-codes">
          <caption>Join codes: a one-off player joins a team with its code and a name</caption>
          <thead><tr><th scope="col">team</th><th scope="col">code</th></tr></thead>
          <tbody>
            {codes.map((j) => <tr key={j.team} data-team={j.team}><th scope="row">{teamNameOf(state, j.team)}</th><td><code class="join-code">{j.code}</code></td></tr>)}
          </tbody>
        </table>
      ) : <p class="note">The join codes were shown when the session was created (the server keeps only their hashes): issue new ones to see them here.</p>}
      {state.session.status !== 'ended' ? <p><button type="button" disabled={busy} onClick={reissue}>Issue new join codes</button></p> : null}
      <form class="seat-form" onSubmit={seat}>
        <span class="field">
          <label for="ex-seat-team">Team</label>
          <select id="ex-seat-team" value={team} onChange={(e) => setTeam((e.target as HTMLSelectElement).value)}>
            {players.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </span>
        <span class="field">
          <label for="ex-seat-account">Account</label>
          <input id="ex-seat-account" type="text" value={account} autocomplete="off" onInput={(e) => setAccount((e.target as HTMLInputElement).value)} />
        </span>
        <button type="submit" disabled={busy || !account.trim()}>Seat the account</button>
      </form>
      <Said said={said} />
    </div>
  );
}

function Pending({ state, csrf, refresh }: { state: SessionState; csrf: string | null; refresh: () => void }) {
  const { act, busy, said } = useActions(refresh);
  const moves = state.exercise.moves;
  const now = moveIndex(moves, state.session.move);
  const releasable = state.pending.filter((p) => moveIndex(moves, p.move) <= now && state.session.status === 'running');
  const later = state.pending.filter((p) => !releasable.includes(p));
  return (
    <div class="exercise-pending">
      {releasable.length ? (
        <ul class="pending-injects">
          {releasable.map((p) => (
            <li key={p.id} data-inject={p.id}>
              <button type="button" disabled={busy} aria-label={`Release ${p.id}`}
                onClick={() => void act(`Released ${p.id}.`, () => teamCall('POST', sessionUrl(state.session.id, `/injects/${encodeURIComponent(p.id)}/release`), { version: state.session.version }, csrf))}>Release</button>
              {' '}<strong>{p.id}</strong> <span class="note">{p.time} · {moveName(moves, p.move)} · to {p.recipients.map((t) => teamNameOf(state, t)).join(', ')}</span>
            </li>
          ))}
        </ul>
      ) : <p class="note">{state.session.status === 'running' ? 'Every inject of this move is released.' : 'Injects are released once the exercise runs.'}</p>}
      {later.length ? <p class="note">Later moves: {later.map((p) => `${p.id} (${moveName(moves, p.move)})`).join(', ')}.</p> : null}
      <Said said={said} />
    </div>
  );
}

function Ruler({ state, decision, csrf, refresh }: { state: SessionState; decision: LiveDecision; csrf: string | null; refresh: () => void }) {
  const prompt = state.prompts.find((p) => p.id === decision.decision);
  const others = (prompt?.options ?? []).filter((o) => o.id !== decision.option);
  const [ruling, setRuling] = useState<Ruling>('accept');
  const [picked, setOption] = useState(others[0]?.id ?? '');
  // The team may have revised to the option picked here: then the first other one.
  const option = others.some((o) => o.id === picked) ? picked : others[0]?.id ?? '';
  const [note, setNote] = useState('');
  const [issues, setIssues] = useState<Issue[]>(decision.issues);
  const { act, busy, said } = useActions(refresh);
  const id = `rule-${decision.decision}`;
  const label = optionLabelIn(state, decision);
  const rule = (e: Event) => {
    e.preventDefault();
    const body = adjudicationBody(ruling, option, note, decision.option, decision.version);
    if (typeof body === 'string') {
      void act('', () => Promise.reject(new Error(`Before recording the ruling: ${body}.`)));
      return;
    }
    void act(`Ruling recorded on ${decision.decision}.`, () => teamCall('POST', sessionUrl(state.session.id, `/decisions/${encodeURIComponent(decision.decision)}/adjudication`), body, csrf)).then((ok) => {
      if (!ok) return;
      setNote('');
      setRuling('accept');
    });
  };
  const tag = () => void act(`Issues tagged on ${decision.decision}.`, () => teamCall('POST', sessionUrl(state.session.id, `/decisions/${encodeURIComponent(decision.decision)}/issues`), { issues, version: decision.version }, csrf));
  const rulingForm = (
    <form class="ruling-form" onSubmit={rule}>
      <fieldset disabled={busy}>
        <legend>Adjudicate {decision.decision}</legend>
        <div class="ruling-choices">
          {(['accept', 'amend', 'overrule'] as const).map((r) => (
            <span key={r} class="option">
              <input type="radio" id={`${id}-${r}`} name={`${id}-ruling`} value={r} checked={ruling === r} disabled={r === 'amend' && !others.length} onChange={() => setRuling(r)} />
              <label for={`${id}-${r}`}>{r === 'accept' ? 'Accept' : r === 'amend' ? 'Amend' : 'Overrule'}</label>
            </span>
          ))}
        </div>
        {ruling === 'amend' ? (
          <>
            <label class="block-label" for={`${id}-amend-option`}>Option that applies instead</label>
            <select id={`${id}-amend-option`} value={option} onChange={(e) => setOption((e.target as HTMLSelectElement).value)}>
              {others.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
            </select>
          </>
        ) : null}
        <label for={`${id}-note`} class="block-label">Note <span class="note">(at least 10 characters: the reasoning)</span></label>
        <textarea id={`${id}-note`} rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        <p><button type="submit">{decision.adjudication ? 'Change the ruling' : 'Record the ruling'}</button></p>
      </fieldset>
    </form>
  );
  return (
    <article class="ruler" data-decision={decision.decision} data-version={decision.version} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{teamNameOf(state, decision.team)}: {prompt?.question ?? decision.decision}</h3>
      <p>Chose <strong class="chosen">{decision.option_label}</strong> <span class="note">({decision.submitted_by}, version {decision.version}, {moveName(state.exercise.moves, decision.move)})</span></p>
      <p class="rationale">Rationale: {decision.rationale}</p>
      <p class="ruling">Ruling: {rulingText(decision, label)}</p>
      {decision.adjudication ? (
        <details class="change-ruling">
          <summary>Change the ruling</summary>
          {rulingForm}
        </details>
      ) : rulingForm}
      <fieldset class="issues" disabled={busy}>
        <legend>Hot-wash issues of {decision.decision}</legend>
        <div class="issue-choices">
          {ISSUE_IDS.map((i) => (
            <span key={i} class="option">
              <input type="checkbox" id={`${id}-issue-${i}`} checked={issues.includes(i)}
                onChange={(e) => setIssues((e.target as HTMLInputElement).checked ? [...issues, i] : issues.filter((x) => x !== i))} />
              <label for={`${id}-issue-${i}`}>{ISSUE_LABELS[i]}</label>
            </span>
          ))}
        </div>
        <p><button type="button" onClick={tag}>Tag the issues</button> <span class="note">Tagged: {decision.issues.map((i) => ISSUE_LABELS[i] ?? i).join(', ') || 'none'}</span></p>
      </fieldset>
      <Said said={said} />
    </article>
  );
}

export function FacilitatorView({ state, csrf, refresh }: { state: SessionState; csrf: string | null; refresh: () => void }) {
  const s = state.session;
  const moves = state.exercise.moves;
  const byMove = moves.map((m) => ({ move: m, decisions: state.decisions.filter((d) => d.move === m.id) })).filter((x) => x.decisions.length);
  const current = state.prompts.filter((p) => p.move === s.move);
  const waiting = current.filter((p) => !state.decisions.some((d) => d.decision === p.id));
  const teams = [ALL_CHANNEL, ...state.exercise.teams.filter((t) => t.role === 'player').map((t) => t.id)];
  return (
    <div class="exercise-facilitator">
      <section aria-labelledby="ex-course-h">
        <h2 id="ex-course-h">Course of play</h2>
        <Course state={state} csrf={csrf} refresh={refresh} />
        {waiting.length ? <p class="note">Waiting for: {waiting.map((p) => `${teamNameOf(state, p.team)} (${p.id})`).join(', ')}.</p> : null}
      </section>
      <section aria-labelledby="ex-seats-h">
        <h2 id="ex-seats-h">Players: join codes and seats</h2>
        <Seats state={state} csrf={csrf} refresh={refresh} />
      </section>
      <section aria-labelledby="ex-pending-h">
        <h2 id="ex-pending-h">Injects to release</h2>
        <Pending state={state} csrf={csrf} refresh={refresh} />
      </section>
      <section aria-labelledby="ex-adjudicate-h">
        <h2 id="ex-adjudicate-h">Decisions: adjudication and hot wash</h2>
        {byMove.length ? byMove.map(({ move, decisions }) => (
          <div key={move.id} class="move-decisions" data-move={move.id}>
            <p class="move-title"><strong>{moveName(moves, move.id)}</strong></p>
            {decisions.map((d) => <Ruler key={d.decision} state={state} decision={d} csrf={csrf} refresh={refresh} />)}
          </div>
        )) : <p class="note">No team has decided yet.</p>}
      </section>
      <section aria-labelledby="ex-released-h">
        <h2 id="ex-released-h">Injects released</h2>
        <InjectList state={state} injects={state.injects} />
      </section>
      <section aria-labelledby="ex-channels-h">
        <h2 id="ex-channels-h">Team channels</h2>
        <Channel state={state} channels={teams} csrf={csrf} onSent={refresh} />
      </section>
      <section aria-labelledby="ex-report-h">
        <h2 id="ex-report-h">After-action report</h2>
        <p>The report of the play so far: <a href={reportUrl(s.id, 'html')}>HTML</a> · <a href={reportUrl(s.id, 'md')}>Markdown</a> · <a href={reportUrl(s.id, 'pdf')}>PDF</a></p>
      </section>
      <section aria-labelledby="ex-situation-h">
        <h2 id="ex-situation-h">The situation so far</h2>
        <Situations state={state} />
      </section>
      <section aria-labelledby="ex-briefings-h">
        <h2 id="ex-briefings-h">Briefings</h2>
        {state.briefings.map((b) => (
          <details key={b.team} data-team={b.team}>
            <summary>{teamNameOf(state, b.team)}</summary>
            <p class="briefing">{b.text}</p>
          </details>
        ))}
      </section>
    </div>
  );
}
