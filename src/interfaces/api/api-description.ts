// The API description's own parts (info, license, contact, servers, tags, security): what a
// client generator and a linter read besides the routes. Every route states its operationId
// and tags where it is declared (routes/*.ts); here the tags get their descriptions, and a tag
// a route uses without one declared here is still listed at the root, so the description
// stays valid when new routes arrive (test/api/openapi-client.test.ts and `npx redocly lint`
// with redocly.yaml hold it to that).
import type { OpenAPIHono } from '@hono/zod-openapi';

export const API_INFO = {
  title: 'Alliance Ledger API',
  description: 'Sourced evidence on U.S. allies and the balance sheets computed from it. Every observation carries its source and locator; every table is also CSV (?format=csv). Results are fixed by the evidence version, so responses carry ETags.',
};

/** The tags of the routes, in the order the reference lists them. */
export const API_TAGS: readonly { name: string; description: string }[] = [
  { name: 'Evidence', description: 'The evidence base: countries (ISO 3166 alpha-3 with COW codes), the covered allies, indicators, sources with their citations, observations with source and locator, coverage, and the other evidence tables.' },
  { name: 'Balance sheets', description: 'The methodology and the ledgers it gives: per ally and year assets, liabilities, net, rank and every line item with its points and sources; rankings with robustness bands, burden-sharing ratios, why an ally ranks where it does, and the ledgers beside published assessments.' },
  { name: 'Analyses', description: 'Comparative analyses built on the evidence: allies side by side, asymmetry between the U.S. and an ally, tiers, alliance histories (survival), claims checked against the evidence, and the allied network.' },
  { name: 'Scenarios', description: 'What-if scenarios: the built-in ones and your own, run against the baseline with the cause of every move.' },
  { name: 'Team', description: 'Team mode (allies serve with a team database): accounts, sessions and API tokens, rounds and judgment sets; every route states the role it needs.' },
];

/**
 * Where the API is: the server that served the description, as a relative URL (`npm start` and
 * `allies serve` put it on http://localhost:5173 unless PORT or --port say otherwise; a
 * localhost URL here would be wrong for every other port, and Redocly warns of it).
 */
export const API_SERVERS = [
  { url: '/', description: 'The server that served this description (npm start: http://localhost:5173)' },
];

/** The root of the description besides the paths, for an evidence version. */
export function apiDescriptionConfig(evidenceVersion: string) {
  return {
    openapi: '3.1.0',
    info: {
      ...API_INFO,
      version: `evidence ${evidenceVersion}`,
      // As package.json states it (SPDX identifier: OpenAPI 3.1).
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'Alliance Ledger maintainers' },
    },
    servers: API_SERVERS,
    // The routes here are open: no authentication (the server answers loopback names unless told
    // otherwise, see http-hygiene.ts). Stated at the root, so generated clients send no credentials;
    // a route that needs some states its own requirement.
    security: [],
    tags: [...API_TAGS],
  };
}

type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** The description as served at /openapi.json: the routes' paths with the root above, every tag used declared. */
export function apiDocument(app: OpenAPIHono, evidenceVersion: string): Document {
  const config = apiDescriptionConfig(evidenceVersion);
  const doc = app.getOpenAPI31Document(config);
  const used = new Set<string>();
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, { tags?: string[] } | undefined>)) {
      for (const tag of (op && typeof op === 'object' && Array.isArray(op.tags) ? op.tags : [])) used.add(tag);
    }
  }
  // The tags the routes use, described (Team only in team mode), in API_TAGS' order, then any other.
  const known = API_TAGS.filter((t) => used.has(t.name));
  const extra = [...used].filter((name) => !API_TAGS.some((t) => t.name === name)).sort().map((name) => ({ name, description: `${name} routes` }));
  doc.tags = [...known, ...extra];
  return doc;
}
