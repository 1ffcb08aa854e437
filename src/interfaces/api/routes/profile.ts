// An alliance's profile (src/analyses/alliance-profile.ts): the comparative study's five
// questions answered in order for one ally, from the same analyses as /api/compare (interests,
// asymmetry, similarity) and /api/tiers (the clusters of similar profiles, with the same draws
// through the heavy-work queue, so the two answers agree and share one run).
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { allianceProfile } from '../../../analyses/alliance-profile.ts';
import { readAllianceEvidence } from '../../../analyses/alliances.ts';
import type { AllianceEvidence } from '../../../analyses/alliances.ts';
import { comparedAllies } from '../../../analyses/comparison.ts';
import { loadInterestMap } from '../../../analyses/files.ts';
import { checkInterestMap } from '../../../analyses/interests.ts';
import type { InterestMap } from '../../../analyses/interests.ts';
import type { ApiContext } from '../context.ts';
import { heavyWork } from '../heavy-work.ts';
import type { LedgerService } from '../ledger-service.ts';
import { ApiProblem, notFound } from '../problem.ts';
import { ledgerYears, yearParam } from '../params.ts';
import { cachedResponse, representJson } from '../representation.ts';
import type { CacheScope } from '../representation.ts';
import { jsonResponses, serveRoute, unavailableResponse, validParams, validQuery } from '../route-kit.ts';

const TAG = 'Analyses';
const Loose = z.record(z.string(), z.unknown());
const AllyParams = z.object({ ally: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as JPN').openapi({ param: { name: 'ally', in: 'path' }, example: 'JPN' }) });
/** The clusters /api/tiers gives by default: the same run answers both. */
const CLUSTERS = { tiers: 4, draws: 500 } as const;

export function registerProfileRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const service = (): LedgerService => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `balance sheets are not available: ${engine}` });
    return engine;
  };
  const scope = (): CacheScope => ({ cache: ctx.cache, version: `${ctx.evidenceVersion}.${typeof engine === 'string' ? 'no-engine' : engine.version}.profile` });
  let alliances: AllianceEvidence | null = null;
  let interests: Promise<InterestMap> | null = null;
  const ProfileQuery = z.object({ year: yearParam(ledgerYears(engine, ctx.evidence)).optional().openapi({ description: 'ledger year (default the latest)' }) }).strict();

  serveRoute(app, createRoute({
    method: 'get', path: '/api/profile/{ally}', operationId: 'getAllianceProfile', tags: [TAG], summary: 'An alliance\'s profile: the comparative study\'s five questions',
    description: 'For one ally, in order: the U.S. interests the alliance serves (labelled, with the lines and reasoning behind each; interests with equal points are marked as ties with the reason), the compromises the U.S. made, the form of asymmetry (obligations, basing, capability, cost), the most similar and most different allies and why, and its place in the structure (its cluster of similar profiles, as /api/tiers, and its tier of commitment). Every answer carries its sources.',
    request: { params: AllyParams, query: ProfileQuery },
    responses: { ...jsonResponses(Loose, 'The five answers with their evidence'), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const { ally: code } = validParams(c, AllyParams);
    const q = validQuery(c, ProfileQuery);
    const year = s.checkYear(q.year);
    const ally = ctx.evidence.allies().find((a) => a.iso3 === code.toUpperCase());
    if (!ally) throw notFound(`"${code}" is not a covered ally; see /api/allies`, 'ally');
    return cachedResponse(c, scope(), async () => {
      const ledger = s.ledger(year);
      if (!ledger.allies.some((a) => a.ally === ally.iso3)) throw notFound(`${ally.name} is not one of the allies of ${year}: no profile that year`, 'ally');
      alliances ??= readAllianceEvidence(ctx.evidence);
      interests ??= loadInterestMap(ctx.evidence);
      interests.catch(() => { interests = null; });
      const map = checkInterestMap(await interests, s.methodology, 'methods/interests.yaml');
      const { compared } = comparedAllies({
        evidence: ctx.evidence, commitments: alliances.commitments, members: alliances.members, ledger, robustness: s.methodology.robustness,
        interests: map, covered: ctx.evidence.allies().map((a) => a.iso3), tierDraws: 0,
      }, [ally]);
      const clusters = await heavyWork(s).run({ kind: 'tiers', year, ...CLUSTERS }, c.req.raw.signal);
      const profile = allianceProfile(compared[0], map, clusters);
      return representJson({ ...profile, sourceList: ctx.evidence.sources.filter((x) => profile.sources.includes(x.id)) });
    });
  });
}
