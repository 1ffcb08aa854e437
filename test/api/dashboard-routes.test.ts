// The dashboard's addresses are its state. Every view round-trips through its URL, and a
// malformed address gives a message that says what is wrong (the page shows it).
import { describe, expect, it } from 'vitest';
import { hrefOf, parseLocation, parseWeights } from '../../src/interfaces/web/routes.ts';
import type { Route } from '../../src/interfaces/web/routes.ts';

describe('dashboard addresses', () => {
  const routes: Route[] = [
    { page: 'overview', year: null, region: 'all', weights: {} },
    { page: 'overview', year: 2023, region: 'asia', weights: { defense_effort: 2, free_riding_gap: 0.5 } },
    { page: 'ally', ally: 'JPN', year: 2019, weights: { military_expenditure: 0 } },
    { page: 'compare', allies: ['JPN', 'KOR', 'DEU'], year: null, weights: {} },
    { page: 'weights', year: 2024, region: 'europe', weights: { a_b: 1.25 } },
    { page: 'sources', filters: { q: '', publisher: '', type: '', indicator: '' } },
    { page: 'sources', filters: { q: 'sipri & "milex", 2024', publisher: 'Stockholm International Peace Research Institute', type: 'dataset', indicator: 'milex_share_gdp' } },
    { page: 'methodology' },
  ];

  it.each(routes.map((r) => [hrefOf(r), r] as const))('%s round-trips', (href, route) => {
    const url = new URL(href, 'http://localhost');
    expect(parseLocation(url.pathname, url.search)).toEqual({ ok: true, route });
  });

  it('keeps weights readable in the address', () => {
    expect(hrefOf({ page: 'weights', year: null, region: 'all', weights: { defense_effort: 2 } })).toBe('/weights?w=defense_effort:2');
  });

  it('accepts lower-case ISO codes and a trailing slash', () => {
    expect(parseLocation('/ally/jpn/', '')).toEqual({ ok: true, route: { page: 'ally', ally: 'JPN', year: null, weights: {} } });
  });

  const malformed: [string, string, RegExp][] = [
    ['/ally/J1N', '', /three-letter ISO code/],
    ['/ally', '', /\/ally\/JPN/],
    ['/', '?year=20x3', /four-digit year/],
    ['/', '?region=africa', /region "africa"/],
    ['/weights', '?w=defense_effort', /item_id:number/],
    ['/weights', '?w=defense_effort:-1', /item_id:number/],
    ['/weights', '?w=defense_effort:5000', /maximum/],
    ['/compare', '?allies=JPN,KOR,DEU,POL,GBR,FRA,ITA', /at most 6/],
    ['/compare', '?allies=JPN,K0R', /"K0R"/],
    ['/no/such/page', '', /no page/],
    ['/ally/%E0%A4%A', '', /not a valid URL path/],
  ];
  it.each(malformed)('%s%s is explained', (path, search, message) => {
    const parsed = parseLocation(path, search);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('parses weights to numbers and rejects junk', () => {
    expect(parseWeights('a:1,b_c:0.25')).toEqual({ a: 1, b_c: 0.25 });
    expect(typeof parseWeights('a:1,,b:2')).toBe('string');
  });
});
