// A SessionState as the contract (src/exercises/live/types.ts) describes it, for the exercise
// page's unit tests: the Taiwan Strait exercise in its second move, seen by a facilitator or a player.
import type { LiveDecision, SessionState } from '../../src/exercises/live/types.ts';

const jpnSpending: LiveDecision = {
  decision: 'jpn_spending', move: 'm1', team: 'jpn', option: 'accelerate', option_label: 'Accelerate to 2% by 2027',
  rationale: 'Deterrence needs the money now, not in 2030.', submitted_by: 'player-jpn', submitted_at: '2027-01-01T10:00:00Z', version: 2,
  adjudication: { ruling: 'amend', option: 'hold', note: 'The Diet would not pass it this year.', by: 'facil', at: '2027-01-01T10:05:00Z' }, issues: ['domestic_politics'],
};
const jpnBases: LiveDecision = {
  decision: 'jpn_bases', move: 'm2', team: 'jpn', option: 'grant', option_label: 'Grant full access',
  rationale: 'The alliance stands or falls on the bases.', submitted_by: 'player-jpn', submitted_at: '2027-01-01T11:00:00Z', version: 1,
  adjudication: null, issues: [],
};

export function sessionState(part: 'facilitator' | 'player'): SessionState {
  const facilitator = part === 'facilitator';
  return {
    session: {
      id: 5, exercise: 'taiwan-strait-ttx', title: 'Tuesday TTX', branch: 'live', status: 'running', move: 'm2', facilitator: 'facil', version: 9,
      created_at: '2027-01-01T09:00:00Z', join_codes: facilitator ? [{ team: 'usa', code: 'USA-1234' }, { team: 'jpn', code: 'JPN-5678' }] : [],
    },
    exercise: {
      id: 'taiwan-strait-ttx', title: 'Taiwan Strait crisis table-top exercise', narrative: 'A crisis in the Taiwan Strait.', year: 2027,
      teams: [
        { id: 'usa', name: 'United States', role: 'player', countries: [] },
        { id: 'jpn', name: 'Japan', role: 'player', countries: ['JPN'] },
        { id: 'control', name: 'Control cell', role: 'control', countries: [] },
      ],
      moves: [
        { id: 'm1', title: 'Gray-zone pressure', date: '2027-03-01 to 2027-03-20' },
        { id: 'm2', title: 'Quarantine of Taiwan and the request for bases', date: '2027-04-01 (D-day) to D+3' },
        { id: 'm3', title: 'A long fight, short of munitions and ships', date: 'D+4 to D+30' },
      ],
    },
    you: facilitator ? { name: 'facil', part: 'facilitator', team: null } : { name: 'player-jpn', part: 'player', team: 'jpn' },
    briefings: facilitator
      ? [{ team: 'usa', text: 'You are the United States.' }, { team: 'jpn', text: 'You are Japan: the bases are yours to grant.' }]
      : [{ team: 'jpn', text: 'You are Japan: the bases are yours to grant.' }],
    situations: [
      { move: 'm1', title: 'Gray-zone pressure', date: '2027-03-01 to 2027-03-20', text: 'China Coast Guard ships crowd the Senkakus.' },
      { move: 'm2', title: 'Quarantine of Taiwan and the request for bases', date: '2027-04-01 (D-day) to D+3', text: 'The PLA declares a quarantine of Taiwan.' },
    ],
    injects: [{
      id: 'bases_request', move: 'm2', time: 'D+0 08:00', from: 'usa', recipients: ['jpn'], text: 'Washington asks for combat operations from Kadena.',
      sources: [{ source: 'csis_first_battle', locator: 'p. 12' }], released_at: '2027-01-01T10:30:00Z',
    }],
    pending: facilitator ? [{ id: 'quarantine', move: 'm2', time: 'D+0 06:00', recipients: ['usa', 'jpn'] }, { id: 'munitions_shortfall', move: 'm3', time: 'D+5', recipients: ['usa'] }] : [],
    prompts: [
      { id: 'jpn_bases', move: 'm2', team: 'jpn', question: 'Does Japan grant the use of its bases?', options: [
        { id: 'grant', label: 'Grant full access', description: null },
        { id: 'grant_limited', label: 'Grant limited access', description: 'Logistics only, no combat sorties.' },
        { id: 'deny', label: 'Deny', description: null },
      ] },
      ...(facilitator ? [{ id: 'usa_consultation', move: 'm2', team: 'usa', question: 'Does Washington consult Tokyo first?', options: [
        { id: 'consult', label: 'Consult first', description: null }, { id: 'act_first', label: 'Act first', description: null },
      ] }] : []),
    ],
    decisions: [jpnSpending, jpnBases],
    messages: [{ seq: 7, channel: 'jpn', from: 'player-jpn', text: 'We should grant the bases.', at: '2027-01-01T10:40:00Z' }],
    alliance: {
      year: 2027, as_of: 12, provisional: ['jpn_bases'],
      allies: [{
        ally: 'JPN', name: 'Japan', start: { net: 12.5, rank: 6 }, now: { net: 14.25, rank: 5 }, net_low: 10.1, net_high: 17.9,
        causes: [{ decision: 'jpn_bases', team: 'jpn', option: 'grant', net_change: 1.75, rank_change: 1, holds: 0.93 }],
      }],
    },
    seq: 12,
  };
}
