// A team player's view of a live exercise: the decision prompts of the current move with a
// form each (an option and a rationale; a revision sends the version it revises, and a 409
// shows the decision as a teammate left it and lets the player send theirs again), the team's
// briefing, the situations so far, the injects released to the team and the team's channel.
// A draft is kept in the tab through a reload; a submitted decision is on the server.
import { useEffect, useState } from 'preact/hooks';
import type { LiveDecision, SessionState } from '../../../exercises/live/types.ts';
import {
  ALL_CHANNEL, conflictDecision, decisionBody, draftFor, draftProblem, errorText, keepDraft, keptDraft, MIN_RATIONALE, sessionUrl, teamCall, teamNameOf,
} from '../pages/exercise-model.tsx';
import type { Draft } from '../pages/exercise-model.tsx';
import { Channel, DecisionTable, InjectList, Situations } from './exercise-common.tsx';

type Prompt = SessionState['prompts'][number];

function DecisionForm({ state, prompt, decision, csrf, onSaved }: { state: SessionState; prompt: Prompt; decision: LiveDecision | undefined; csrf: string | null; onSaved: () => void }) {
  const session = state.session.id;
  const [draft, setDraft] = useState<Draft>(() => draftFor(decision, keptDraft(session, prompt.id)));
  const [conflict, setConflict] = useState<LiveDecision | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A decision saved elsewhere (a teammate, another tab) replaces a form that is not being edited.
  useEffect(() => {
    setDraft((d) => (d.dirty ? d : draftFor(decision, null)));
  }, [decision?.version]);
  const edit = (change: Partial<Draft>) => {
    setSaved(null);
    setDraft((d) => {
      const next = { ...d, ...change, dirty: true };
      keepDraft(session, prompt.id, next);
      return next;
    });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const wrong = draftProblem(draft);
    if (wrong) {
      setProblem(`Before sending: ${wrong}.`);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const d = await teamCall<LiveDecision>('PUT', sessionUrl(session, `/decisions/${encodeURIComponent(prompt.id)}`), decisionBody(draft), csrf);
      keepDraft(session, prompt.id, null);
      setConflict(null);
      setDraft({ option: d.option, rationale: d.rationale, version: d.version, dirty: false });
      setSaved(`Submitted: "${d.option_label}" (version ${d.version}).`);
      onSaved();
    } catch (err) {
      const current = conflictDecision(err);
      if (current) {
        // Keep what the player wrote; the next send revises the decision as it is now.
        setConflict(current);
        setDraft((d) => {
          const next = { ...d, version: current.version, dirty: true };
          keepDraft(session, prompt.id, next);
          return next;
        });
        onSaved();
      } else setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const id = `decision-${prompt.id}`;
  // The server takes no revision once the facilitator has ruled.
  const ruled = decision?.adjudication ?? null;
  const open = state.session.status === 'running' && state.session.move === prompt.move && !ruled;
  return (
    <form class="decision-form" data-decision={prompt.id} onSubmit={submit} aria-labelledby={`${id}-q`}>
      <fieldset disabled={!open || busy}>
        <legend id={`${id}-q`}>{prompt.question}</legend>
        {prompt.options.map((o) => (
          <div class="option" key={o.id}>
            <input type="radio" id={`${id}-${o.id}`} name={id} value={o.id} checked={draft.option === o.id} onChange={() => edit({ option: o.id })} />
            <label for={`${id}-${o.id}`}><strong>{o.label}</strong>{o.description ? <span class="note"> {o.description}</span> : null}</label>
          </div>
        ))}
        <label for={`${id}-rationale`} class="block-label">Rationale <span class="note">(at least {MIN_RATIONALE} characters: why this option)</span></label>
        <textarea id={`${id}-rationale`} rows={3} value={draft.rationale} onInput={(e) => edit({ rationale: (e.target as HTMLTextAreaElement).value })} />
        <p class="controls">
          <button type="submit">{draft.version === undefined ? 'Submit decision' : `Revise decision (version ${draft.version})`}</button>
          {draft.dirty ? <span class="note draft-note">Draft not sent yet</span> : decision ? <span class="note">Submitted by {decision.submitted_by}, version {decision.version}</span> : null}
        </p>
      </fieldset>
      {ruled ? <p class="note ruled-note">The facilitator has ruled on this decision ({ruled.ruling}): it can no longer be revised.</p> : null}
      {saved ? <p class="saved" role="status">{saved}</p> : null}
      {problem ? <p class="problem-inline" role="alert">{problem}</p> : null}
      {conflict ? (
        <div class="conflict" role="alert">
          <p><strong>Your team's decision changed meanwhile.</strong> It is now "{conflict.option_label}" (version {conflict.version}, by {conflict.submitted_by}): {conflict.rationale}</p>
          <p>Your choice is still in the form: send it again to replace that decision, or change it first.</p>
        </div>
      ) : null}
    </form>
  );
}

export function PlayerView({ state, csrf, refresh }: { state: SessionState; csrf: string | null; refresh: () => void }) {
  const team = state.you.team ?? '';
  const briefing = state.briefings.find((b) => b.team === team) ?? state.briefings[0];
  const mine = state.decisions.filter((d) => d.team === team);
  const others = state.decisions.filter((d) => d.team !== team);
  const prompts = state.prompts.filter((p) => p.team === team && p.move === state.session.move);
  return (
    <div class="exercise-player" data-team={team}>
      <section aria-labelledby="ex-decide-h">
        <h2 id="ex-decide-h">Your decisions in this move</h2>
        {state.session.status === 'lobby' ? <p class="note">The exercise has not started: the facilitator starts it.</p> : null}
        {state.session.status === 'ended' ? <p class="note">The exercise has ended.</p> : null}
        {state.session.status === 'running' && !prompts.length ? <p class="note">{teamNameOf(state, team)} has no decision to take in this move.</p> : null}
        {prompts.map((p) => <DecisionForm key={`${p.id}`} state={state} prompt={p} decision={mine.find((d) => d.decision === p.id)} csrf={csrf} onSaved={refresh} />)}
      </section>
      <section aria-labelledby="ex-team-decisions-h">
        <h2 id="ex-team-decisions-h">{teamNameOf(state, team)}'s decisions so far</h2>
        <DecisionTable state={state} decisions={mine} caption="Your team's decisions, with the facilitator's rulings" />
        {others.length ? <DecisionTable state={state} decisions={others} caption="The other teams' decisions of the moves played" /> : null}
      </section>
      <section aria-labelledby="ex-injects-h">
        <h2 id="ex-injects-h">Injects released to your team</h2>
        <InjectList state={state} injects={state.injects} />
      </section>
      <section aria-labelledby="ex-channel-h">
        <h2 id="ex-channel-h">Team channel</h2>
        <Channel state={state} channels={[team]} read={[team, ALL_CHANNEL]} csrf={csrf} onSent={refresh} />
      </section>
      <section aria-labelledby="ex-situation-h">
        <h2 id="ex-situation-h">The situation so far</h2>
        <Situations state={state} />
      </section>
      {briefing ? (
        <section aria-labelledby="ex-briefing-h">
          <h2 id="ex-briefing-h">Briefing: {teamNameOf(state, briefing.team)}</h2>
          <p class="briefing">{briefing.text}</p>
        </section>
      ) : null}
    </div>
  );
}
