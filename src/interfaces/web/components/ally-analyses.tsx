// The analyses on an ally's page: its asymmetry profile with the United States and the
// claims about it, loaded after the balance sheet so they never delay it.
import { useApi } from '../api-client.ts';
import type { AsymmetryResponse, ClaimsResponse } from '../pages/analysis-types.ts';
import { AsymmetryPanel } from './asymmetry-panel.tsx';
import { sourceMap } from './citations.tsx';
import { ClaimsList } from './claims-list.tsx';
import { Loading } from './message.tsx';

export function AllyAnalyses({ ally, name, year }: { ally: string; name: string; year: number }) {
  const asymmetry = useApi<AsymmetryResponse>(`/api/asymmetry/${ally}?year=${year}`);
  const claims = useApi<ClaimsResponse>(`/api/claims?ally=${ally}`);
  const sources = sourceMap(claims.data?.sources);
  return (
    <>
      {asymmetry.error ? <p class="problem-inline">The asymmetry profile could not be loaded: {asymmetry.error.message}</p>
        : asymmetry.data ? <AsymmetryPanel profile={asymmetry.data} sources={sources} /> : <Loading what="the asymmetry profile" />}
      {claims.error ? <p class="problem-inline">The claims could not be loaded: {claims.error.message}</p>
        : claims.data && claims.data.rows.length ? <ClaimsList claims={claims.data.rows} sources={sources} title={`Claims about ${name}, checked against the evidence`} csvName={`claims-${ally}`} /> : null}
    </>
  );
}
