// Crisis exercises, live, on the team server (issue 18): sign in (or join a team with a join
// code), pick or create a session, then the facilitator's or the player's view with the live
// alliance state everyone sees. The page holds nothing the server does not: the session is
// refetched on every event of its stream, so a reload or a dropped connection loses nothing.
import { useEffect, useState } from 'preact/hooks';
import type { ExerciseSummary, Seat, SessionState, SessionSummary } from '../../../exercises/live/types.ts';
import { AllianceState } from '../components/exercise-alliance.tsx';
import { FacilitatorView } from '../components/exercise-facilitator.tsx';
import { PlayerView } from '../components/exercise-player.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { Link, navigate } from '../navigation.tsx';
import { hrefOf } from '../routes.ts';
import type { Route } from '../routes.ts';
import { errorText, keepJoinCodes, moveName, SESSIONS, TEAM_API, teamCall, useLiveSession, useTeamGate } from './exercise-model.tsx';
import type { Who } from './exercise-model.tsx';
import '../components/exercise.css';

type ExerciseRoute = Extract<Route, { page: 'exercise' }>;

function SignIn({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    try {
      await teamCall('POST', `${TEAM_API}/session`, { name: name.trim(), password });
      onDone();
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  return (
    <form class="exercise-auth" onSubmit={submit} aria-labelledby="ex-signin-h">
      <h2 id="ex-signin-h">Sign in with your team account</h2>
      <label for="ex-name">Name</label>
      <input id="ex-name" type="text" autocomplete="username" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required />
      <label for="ex-password">Password</label>
      <input id="ex-password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required />
      <p><button type="submit">Sign in</button></p>
      {problem ? <p class="problem-inline" role="alert">{problem}</p> : null}
    </form>
  );
}

function Join({ onDone }: { onDone: () => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    try {
      const joined = await teamCall<{ csrf_token: string; seat: Seat }>('POST', `${TEAM_API}/exercise-join`, { code: code.trim(), name: name.trim() });
      navigate(hrefOf({ page: 'exercise', session: joined.seat.session }));
      onDone();
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  return (
    <form class="exercise-auth" onSubmit={submit} aria-labelledby="ex-join-h">
      <h2 id="ex-join-h">Or join a team with a code</h2>
      <label for="ex-code">Join code</label>
      <input id="ex-code" type="text" autocomplete="off" value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} required />
      <label for="ex-join-name">Your name</label>
      <input id="ex-join-name" type="text" autocomplete="nickname" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required />
      <p><button type="submit">Join</button></p>
      {problem ? <p class="problem-inline" role="alert">{problem}</p> : null}
    </form>
  );
}

function NewSession({ exercises, csrf }: { exercises: readonly ExerciseSummary[]; csrf: string | null }) {
  const [exercise, setExercise] = useState(exercises[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    try {
      const s = await teamCall<SessionSummary>('POST', SESSIONS, { exercise, ...(title.trim() ? { title: title.trim() } : {}) }, csrf);
      keepJoinCodes(s);
      navigate(hrefOf({ page: 'exercise', session: s.id }));
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  return (
    <form class="new-session" onSubmit={submit}>
      <span class="field">
        <label for="ex-new-exercise">Exercise</label>
        <select id="ex-new-exercise" value={exercise} onChange={(e) => setExercise((e.target as HTMLSelectElement).value)}>
          {exercises.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
        </select>
      </span>
      <span class="field">
        <label for="ex-new-title">Title of this session (optional)</label>
        <input id="ex-new-title" type="text" value={title} maxLength={200} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
      </span>
      <button type="submit" disabled={!exercise}>Create the session</button>
      {problem ? <p class="problem-inline" role="alert">{problem}</p> : null}
    </form>
  );
}

function SessionList({ who }: { who: Who }) {
  const [data, setData] = useState<{ sessions: SessionSummary[]; exercises: ExerciseSummary[] } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([
      teamCall<{ sessions: SessionSummary[] }>('GET', SESSIONS),
      // The contract says ExerciseSummary[]; a body of { exercises } is read the same.
      teamCall<ExerciseSummary[] | { exercises: ExerciseSummary[] }>('GET', `${TEAM_API}/exercises`),
    ]).then(([s, x]) => live && setData({ sessions: s.sessions, exercises: Array.isArray(x) ? x : x.exercises }), (e: unknown) => live && setProblem(errorText(e)));
    return () => {
      live = false;
    };
  }, []);
  if (problem) return <Problem title="The exercise sessions could not be listed"><p>{problem}</p></Problem>;
  if (!data) return <Loading what="the exercise sessions" />;
  const titles = new Map(data.exercises.map((x) => [x.id, x]));
  const canRun = who.role === 'editor' || who.role === 'admin';
  return (
    <>
      <section aria-labelledby="ex-sessions-h">
        <h2 id="ex-sessions-h">Sessions</h2>
        {data.sessions.length ? (
          <div class="table-scroll">
            <table class="exercise-sessions" tabIndex={0}>
              <caption>The exercise sessions on this team server, newest first</caption>
              <thead><tr><th scope="col">session</th><th scope="col">exercise</th><th scope="col">status</th><th scope="col">move</th><th scope="col">facilitator</th></tr></thead>
              <tbody>
                {[...data.sessions].sort((a, b) => b.id - a.id).map((s) => {
                  const x = titles.get(s.exercise);
                  return (
                    <tr key={s.id} data-session={s.id}>
                      <th scope="row"><Link href={hrefOf({ page: 'exercise', session: s.id })}>{s.title}</Link> <span class="note">#{s.id}</span></th>
                      <td>{x?.title ?? s.exercise}{s.branch ? <span class="note"> · branch {s.branch}</span> : null}</td>
                      <td>{s.status}</td>
                      <td>{x ? moveName(x.moves, s.move) : (s.move ?? '–')}</td>
                      <td>{s.facilitator}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : <p class="note">No session yet.{canRun ? ' Create one below.' : ' A facilitator (an editor) creates one; or join with a code.'}</p>}
      </section>
      {canRun ? (
        <section aria-labelledby="ex-new-h">
          <h2 id="ex-new-h">Run an exercise</h2>
          <p class="note">You will be its facilitator: seat players or hand out the join codes, start it, release the injects, adjudicate, advance the moves.</p>
          <NewSession exercises={data.exercises} csrf={who.csrf_token} />
        </section>
      ) : null}
      <section aria-labelledby="ex-list-h">
        <h2 id="ex-list-h">The exercises</h2>
        <dl class="exercise-catalogue">
          {data.exercises.map((x) => (
            <div key={x.id} data-exercise={x.id}>
              <dt><strong>{x.title}</strong> <code>{x.id}</code></dt>
              <dd>{x.narrative} <span class="note">{x.moves.length} moves; teams: {x.teams.map((t) => t.name).join(', ')}.</span></dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}

const CONNECTION_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting… (nothing is lost: the page catches up)' } as const;

function SessionHead({ state, connection, lastSummary }: { state: SessionState; connection: keyof typeof CONNECTION_TEXT; lastSummary: string | null }) {
  const s = state.session;
  const you = state.you;
  return (
    <div class="exercise-head">
      <h1>{s.title}</h1>
      <p class="lede">
        {state.exercise.title} · <span data-testid="exercise-status" data-status={s.status}>{s.status === 'lobby' ? 'not started' : s.status === 'ended' ? 'ended' : `in ${moveName(state.exercise.moves, s.move)}`}</span>
        {s.branch ? ` · branch ${s.branch}` : ''} · facilitator {s.facilitator}
      </p>
      <p class="exercise-you">
        You are <strong>{you.name}</strong>, {you.part === 'facilitator' ? 'the facilitator' : you.part === 'player' ? <>a player of <strong data-testid="your-team">{state.exercise.teams.find((t) => t.id === you.team)?.name ?? you.team}</strong></> : 'an observer'}
        {' '}· <span class={`connection ${connection}`} data-connection={connection}>{CONNECTION_TEXT[connection]}</span>
      </p>
      <p class="visually-hidden" role="status" aria-live="polite">{lastSummary ?? ''}</p>
    </div>
  );
}

function SessionView({ id, who }: { id: number; who: Who }) {
  const live = useLiveSession(id);
  const state = live.state;
  if (live.error && !state) {
    const hint = live.error.status === 404 ? 'There is no such session (or the team server has no exercise routes).' : live.error.status === 403 ? 'Your account may not see this session.' : '';
    return <Problem title="This exercise session could not be opened"><p>{live.error.message}. {hint}</p><p><Link href="/exercise">All sessions</Link></p></Problem>;
  }
  if (!state) return <Loading what="the exercise session" />;
  const csrf = who.csrf_token;
  return (
    <section class="exercise-page" data-session={id} data-seq={state.seq} data-part={state.you.part}>
      <SessionHead state={state} connection={live.connection} lastSummary={live.last?.summary ?? null} />
      {live.error ? <p class="problem-inline" role="alert">The latest state could not be fetched: {live.error.message}. The page shows the last one it had.</p> : null}
      {state.you.part === 'facilitator' ? <FacilitatorView state={state} csrf={csrf} refresh={live.refresh} /> : null}
      {state.you.part === 'player' ? <PlayerView state={state} csrf={csrf} refresh={live.refresh} /> : null}
      {state.you.part === 'observer' ? <p class="note">You are observing: the alliance state and the situation, without a seat on a team.</p> : null}
      <section aria-labelledby="ex-alliance-h" class="exercise-alliance-section">
        <h2 id="ex-alliance-h">The alliance now</h2>
        <AllianceState state={state} />
      </section>
      <p><Link href="/exercise">All sessions</Link></p>
    </section>
  );
}

export function ExercisePage({ route }: { route: ExerciseRoute }) {
  const { gate, recheck } = useTeamGate();
  const signOut = async (csrf: string | null) => {
    await teamCall('DELETE', `${TEAM_API}/session`, undefined, csrf).catch(() => undefined);
    recheck();
  };
  if (gate.kind === 'loading') return <Loading what="the team server's exercises" />;
  if (gate.kind === 'failed') return <Problem title="The exercises could not be loaded"><p>{gate.message}</p></Problem>;
  if (gate.kind === 'mode') {
    return (
      <section class="exercise-page">
        <h1>Crisis exercises</h1>
        <div class="notice" data-testid="needs-team-server">
          {gate.mode === 'single-user' ? (
            <p>Live exercises need the team server: its accounts, join codes and database hold the sessions. Start it with <code>allies serve --team</code> (or <code>ALLIES_TEAM=1 npm start</code>) and open this page there. A scripted play needs no server: <code>allies exercise play FILE --decisions DECISIONS.yaml</code>.</p>
          ) : (
            <p>This team server does not run live exercises yet (no <code>/api/team/exercise-sessions</code> routes). A scripted play works at the command line: <code>allies exercise play FILE --decisions DECISIONS.yaml</code>.</p>
          )}
        </div>
      </section>
    );
  }
  if (gate.kind === 'signed-out') {
    return (
      <section class="exercise-page">
        <h1>Crisis exercises</h1>
        <p class="lede">Table-top exercises on the alliance, with the ledgers as the scoreboard. Sign in, or join a team with the code your facilitator gave you.</p>
        <div class="exercise-auth-forms">
          <SignIn onDone={recheck} />
          <Join onDone={recheck} />
        </div>
      </section>
    );
  }
  const who = gate.who;
  return (
    <>
      <p class="exercise-who">Signed in as <strong data-testid="signed-in-as">{who.name}</strong> ({who.role}) <button type="button" onClick={() => void signOut(who.csrf_token)}>Sign out</button></p>
      {route.session === null ? (
        <section class="exercise-page">
          <h1>Crisis exercises</h1>
          <p class="lede">Table-top exercises on the alliance, played live: the facilitator releases injects and adjudicates, each team decides with a rationale, and everyone sees what the decisions do to the ledgers.</p>
          <SessionList who={who} />
        </section>
      ) : <SessionView key={route.session} id={route.session} who={who} />}
    </>
  );
}
