// An alliance's profile on the ally's page: the comparative study's five questions in order,
// each answered from GET /api/profile/{ally} (the same analyses as the compare table and the
// report), each with its evidence and sources; the clusters explained where they appear.
import { useApi } from '../api-client.ts';
import type { Source } from '../api-types.ts';
import type { AllianceProfile, ProfileEntry } from '../../../analyses/alliance-profile.ts';
import { formatPoints } from '../format.ts';
import { Link } from '../navigation.tsx';
import { Loading } from './message.tsx';
import './theaters.css';

export type ProfileResponse = AllianceProfile & { sourceList: Source[] };

function Sources({ ids, sources }: { ids: readonly string[]; sources: ReadonlyMap<string, Source> }) {
  if (ids.length === 0) return <span class="note">no source recorded</span>;
  return <span class="source-ids">{ids.map((id, i) => <span key={id}>{i ? '; ' : ''}<Link href={`/sources#source-${id}`}>{sources.get(id)?.title ?? id}</Link></span>)}</span>;
}

function Entries({ entries, sources, kind }: { entries: ProfileEntry[]; sources: ReadonlyMap<string, Source>; kind: 'interest' | 'compromise' }) {
  // A tie's reason is said once, on the first row of the tied group.
  const explained = new Set<string>();
  const saysWhy = entries.map((e) => {
    if (!e.tie || explained.has(e.label)) return false;
    for (const other of [e.label, ...e.tie.with]) explained.add(other);
    return true;
  });
  return (
    <table tabIndex={0} class={`profile-entries ${kind}`} data-testid={`profile-${kind}s`}>
      <caption>{kind === 'interest' ? 'Each U.S. interest: the points of the asset lines that serve it (a line serving several interests counts toward each), and why each line counts' : 'Each compromise: the points of the liability lines that stand for it, and why'}</caption>
      <thead><tr><th scope="col">{kind}</th><th scope="col" class="num">points</th><th scope="col">the lines behind it, and why</th></tr></thead>
      <tbody>
        {entries.map((e, i) => (
          <tr key={e.id} data-entry={e.id}>
            <th scope="row">{e.label}<span class="note"> {e.description}</span></th>
            <td class="num">{e.points === null ? <span class="missing">missing</span> : e.points.toFixed(1)}{e.tie ? <span class="tie-note" data-testid="tie"> tied with {e.tie.with.join(', ')}</span> : null}</td>
            <td>
              {e.tie && saysWhy[i] ? <p class="tie-note">Why they tie: {e.tie.why}</p> : null}
              <details>
                <summary>{e.lines.length} line{e.lines.length === 1 ? '' : 's'}</summary>
                <ul>
                  {e.lines.map((l) => (
                    <li key={l.item}>
                      <strong>{l.label}</strong>: {l.points === null ? <span class="missing">missing</span> : `${l.points.toFixed(1)} points`} (score {l.score === null ? 'missing' : l.score.toFixed(0)}). {l.rationale} <span class="note">Sources: <Sources ids={[...new Set([...l.sources, ...l.citations.map((c) => c.source)])]} sources={sources} />.</span>
                    </li>
                  ))}
                </ul>
              </details>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AllianceProfileSection({ ally, year }: { ally: string; year: number }) {
  const profile = useApi<ProfileResponse>(`/api/profile/${ally}?year=${year}`);
  if (profile.error) return <p class="problem-inline" role="alert">The alliance profile could not be loaded: {profile.error.message}</p>;
  if (!profile.data) return <Loading what="the alliance profile" />;
  const p = profile.data;
  const sources = new Map(p.sourceList.map((s) => [s.id, s]));
  const q = (id: string) => p.questions.find((x) => x.id === id)!.question;
  const c = p.structure.cluster;
  return (
    <section class="ally-profile" aria-labelledby="profile-h" data-testid="alliance-profile">
      <h2 id="profile-h">The alliance with {p.name}, {p.year}: five questions</h2>
      <p class="note">The comparative study of U.S. alliances asks five questions of each alliance; here they are answered in its order from the ledger and the alliance evidence, each with its sources. {p.missing.length ? `Lines missing for ${p.name}, not covered by the answers: ${p.missing.join(', ')}.` : ''}</p>

      <div class="profile-question" data-question="interests">
        <h3>1. {q('interests')}</h3>
        <p data-testid="profile-interests-answer">{p.interests.answer}</p>
        {p.interests.deterrence.labels.length ? <p class="note">The lines that serve deterrence count for every rival {p.name} helps deter: {p.interests.deterrence.labels.join(', ')}. {p.interests.deterrence.rationale}</p> : null}
        <Entries entries={p.interests.entries} sources={sources} kind="interest" />
      </div>

      <div class="profile-question" data-question="compromises">
        <h3>2. {q('compromises')}</h3>
        <p>{p.compromises.answer}</p>
        <Entries entries={p.compromises.entries} sources={sources} kind="compromise" />
      </div>

      <div class="profile-question" data-question="asymmetry">
        <h3>3. {q('asymmetry')}</h3>
        <p><strong>{p.asymmetry.pattern}</strong>. The details, value by value with locators, are in the <a href="#asymmetry-title">asymmetry profile</a> below.</p>
        <dl class="asymmetry-forms">
          {p.asymmetry.forms.map((f) => (
            <div key={f.form} data-form={f.form}>
              <dt>{f.label}</dt>
              <dd>{f.answer} <span class="note">Sources: <Sources ids={f.sources} sources={sources} />.</span></dd>
            </div>
          ))}
        </dl>
      </div>

      <div class="profile-question" data-question="similarity">
        <h3>4. {q('similarity')}</h3>
        <p>{p.similarity.answer}</p>
        <ul>
          {p.similarity.mostSimilar.map((n) => <li key={n.ally}>Like <Link href={`/ally/${n.ally}?year=${p.year}`}>{n.name}</Link> (distance {n.distance.toFixed(0)}): {n.why}.</li>)}
          {p.similarity.mostDifferent.map((n) => <li key={n.ally}>Unlike <Link href={`/ally/${n.ally}?year=${p.year}`}>{n.name}</Link> (distance {n.distance.toFixed(0)}): {n.why}.</li>)}
        </ul>
        <p class="note">{p.similarity.definition} Scores are the ledger's, with their sources in the balance sheet above.</p>
      </div>

      <div class="profile-question" data-question="structure" id="clusters">
        <h3>5. {q('structure')}</h3>
        <p data-testid="profile-structure-answer">{p.structure.answer}</p>
        <p><strong>Tier of commitment {p.structure.commitmentTier.tier} of {p.structure.commitmentTier.of}</strong> ({p.structure.commitmentTier.kind}): {p.structure.commitmentTier.definition} <span class="note">{p.structure.commitmentTier.basis}</span></p>
        {c ? (
          <p>
            <strong>Cluster {c.number} of {c.of}</strong> of similar profiles, {c.size} allies (mean net {formatPoints(c.meanNet)}): {c.members.slice(0, 12).map((m, i) => <span key={m.ally}>{i ? ', ' : ''}<Link href={`/ally/${m.ally}?year=${p.year}`}>{m.name}</Link></span>)}{c.members.length > 12 ? ` and ${c.members.length - 12} more` : ''}.
            {' '}It stands above the other allies on {c.above.join('; ') || '–'}, below them on {c.below.join('; ') || '–'}.
            {c.stability !== null ? ` ${p.name} stays in it in ${Math.round(c.stability * 100)}% of robustness draws of the weights.` : ''}
          </p>
        ) : null}
        <div class="definition-pair" data-testid="clusters-explained">
          <p><strong>Clusters are not tiers.</strong> {p.structure.clustersExplained}</p>
          <details>
            <summary>How the clusters are formed</summary>
            <ul>{p.structure.definitions.map((d) => <li key={d}>{d}</li>)}</ul>
          </details>
        </div>
      </div>
    </section>
  );
}
