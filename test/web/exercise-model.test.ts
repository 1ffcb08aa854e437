// The exercise page's logic against the wire contract: drafts and their revisions, rulings,
// the course of play, events of the stream, causes of moves in words, the team server's mode.
import { describe, expect, it } from 'vitest';
import {
  adjudicationBody, causeText, conflictDecision, decisionBody, draftFor, draftProblem, EVENT_KINDS, isNews, ISSUE_IDS, nextStep, parseEvent,
  rulingText, signed, TeamCallError, teamModeOf,
} from '../../src/interfaces/web/pages/exercise-model.tsx';
import { ISSUES } from '../../src/exercises/schema.ts';
import { sessionState } from './exercise-fixture.ts';

describe('the exercise page logic', () => {
  const state = sessionState('player');
  const bases = state.decisions.find((d) => d.decision === 'jpn_bases')!;

  it('offers every hot-wash issue of the schema', () => {
    expect([...ISSUE_IDS].sort()).toEqual([...ISSUES].sort());
  });

  it('starts a form from a draft kept through a reload, else from the decision, else empty', () => {
    expect(draftFor(undefined, null)).toEqual({ option: '', rationale: '', dirty: false });
    expect(draftFor(bases, null)).toEqual({ option: 'grant', rationale: bases.rationale, version: 1, dirty: false });
    const kept = { option: 'deny', rationale: 'Changed my mind overnight.', version: 1, dirty: true };
    expect(draftFor(bases, kept)).toBe(kept);
    expect(draftFor(bases, { ...kept, dirty: false })).toMatchObject({ option: 'grant' });
  });

  it('sends a first decision without a version and a revision with the version it revises', () => {
    expect(draftProblem({ option: '', rationale: 'long enough reason', dirty: true })).toBe('choose an option');
    expect(draftProblem({ option: 'grant', rationale: 'short', dirty: true })).toMatch(/at least 10/);
    expect(decisionBody({ option: 'grant', rationale: '  The bases matter most.  ', dirty: true })).toEqual({ option: 'grant', rationale: 'The bases matter most.' });
    expect(decisionBody({ option: 'deny', rationale: 'The Diet says no to combat.', version: 3, dirty: true })).toEqual({ option: 'deny', rationale: 'The Diet says no to combat.', version: 3 });
  });

  it('reads the decision as it is now from a 409', () => {
    expect(conflictDecision(new TeamCallError(409, 'stale version', 'version', bases))).toEqual(bases);
    expect(conflictDecision(new TeamCallError(409, 'stale', 'version', { something: 'else' }))).toBeNull();
    expect(conflictDecision(new TeamCallError(400, 'bad', 'option', bases))).toBeNull();
    expect(conflictDecision(new Error('x'))).toBeNull();
  });

  it('builds rulings as the schema wants them: an amendment names another option, a note says why', () => {
    expect(adjudicationBody('accept', '', 'Stands as chosen, sensibly.', 'grant', 4)).toEqual({ ruling: 'accept', note: 'Stands as chosen, sensibly.', version: 4 });
    expect(adjudicationBody('overrule', 'deny', 'Not within Japan\'s law.', 'grant', 4)).toEqual({ ruling: 'overrule', note: 'Not within Japan\'s law.', version: 4 });
    expect(adjudicationBody('amend', 'grant_limited', 'Logistics only, says the cabinet.', 'grant', 4)).toEqual({ ruling: 'amend', option: 'grant_limited', note: 'Logistics only, says the cabinet.', version: 4 });
    expect(adjudicationBody('amend', 'grant', 'Logistics only, says the cabinet.', 'grant', 4)).toMatch(/another option/);
    expect(adjudicationBody('amend', '', 'Logistics only, says the cabinet.', 'grant', 4)).toMatch(/names the option/);
    expect(adjudicationBody('accept', '', 'ok', 'grant', 4)).toMatch(/at least 10/);
    const amended = state.decisions.find((d) => d.decision === 'jpn_spending')!;
    expect(rulingText(amended, (id) => (id === 'hold' ? 'Hold' : id))).toBe('amended by facil to "Hold": The Diet would not pass it this year.');
    expect(rulingText(bases, (id) => id)).toBe('awaiting a ruling');
  });

  it('knows the next step of the course of play', () => {
    const moves = state.exercise.moves;
    expect(nextStep({ ...state.session, status: 'lobby', move: null }, moves)).toEqual({ kind: 'start' });
    expect(nextStep({ ...state.session, move: 'm1' }, moves)).toEqual({ kind: 'advance', to: { id: 'm2', title: moves[1].title, index: 1 } });
    expect(nextStep({ ...state.session, move: 'm3' }, moves)).toEqual({ kind: 'last' });
    expect(nextStep({ ...state.session, status: 'ended' }, moves)).toEqual({ kind: 'ended' });
  });

  it('hears only the events of its session, and refetches for news only', () => {
    const event = { seq: 13, session: 5, kind: 'decision_submitted', team: 'jpn', summary: 'Japan decided', at: '2027-01-01T11:00:00Z', at_ms: 1 };
    expect(parseEvent(JSON.stringify(event), 5)).toEqual(event);
    expect(parseEvent(JSON.stringify(event), 6)).toBeNull();
    expect(parseEvent('not json', 5)).toBeNull();
    expect(isNews(event as never, 12)).toBe(true);
    expect(isNews(event as never, 13)).toBe(false);
    expect(EVENT_KINDS).toContain('alliance_updated');
  });

  it('says the cause of a move in words', () => {
    const cause = state.alliance!.allies[0].causes[0];
    expect(causeText(cause, (t) => (t === 'jpn' ? 'Japan' : t), () => 'Grant full access')).toBe('Japan, jpn_bases: "Grant full access": net +1.8, 1 place up, holds in 93% of draws');
    expect(causeText({ ...cause, net_change: -0.5, rank_change: -2, holds: null }, (t) => t, (_d, o) => o)).toBe('jpn, jpn_bases: "grant": net −0.5, 2 places down');
    expect(signed(0.01)).toBe('0.0');
    expect(signed(null)).toBe('–');
  });

  it('tells a single-user server from a team server with or without exercises by its route list', () => {
    expect(teamModeOf([{ path: '/api/allies' }])).toBe('single-user');
    expect(teamModeOf([{ path: '/api/team/session' }, { path: '/api/team/rounds' }])).toBe('team-without-exercises');
    expect(teamModeOf([{ path: '/api/team/session' }, { path: '/api/team/exercise-sessions/{id}' }])).toBe('team');
  });
});
