// The exercise page's addresses: /exercise (the sessions) and /exercise/N (one session),
// parsed strictly like every dashboard address.
import { describe, expect, it } from 'vitest';
import { hrefOf, parseLocation } from '../../src/interfaces/web/routes.ts';
import type { Route } from '../../src/interfaces/web/routes.ts';

describe('exercise addresses', () => {
  const routes: Route[] = [
    { page: 'exercise', session: null },
    { page: 'exercise', session: 1 },
    { page: 'exercise', session: 4096 },
  ];

  it.each(routes.map((r) => [hrefOf(r), r] as const))('%s round-trips', (href, route) => {
    const url = new URL(href, 'http://localhost');
    expect(parseLocation(url.pathname, url.search)).toEqual({ ok: true, route });
  });

  it('reads the plain addresses, with or without a trailing slash', () => {
    expect(hrefOf({ page: 'exercise', session: null })).toBe('/exercise');
    expect(hrefOf({ page: 'exercise', session: 12 })).toBe('/exercise/12');
    expect(parseLocation('/exercise/', '')).toEqual({ ok: true, route: { page: 'exercise', session: null } });
    expect(parseLocation('/exercise/7/', '')).toEqual({ ok: true, route: { page: 'exercise', session: 7 } });
  });

  const malformed: [string, string, RegExp][] = [
    ['/exercise/0', '', /"0" is not an exercise session number/],
    ['/exercise/07', '', /"07" is not an exercise session number/],
    ['/exercise/-3', '', /"-3" is not an exercise session number/],
    ['/exercise/3.5', '', /"3.5" is not an exercise session number/],
    ['/exercise/abc', '', /"abc" is not an exercise session number/],
    ['/exercise/99999999999', '', /is not an exercise session number/],
    ['/exercise/3/decisions', '', /\/exercise\/ followed by its number/],
    ['/exercise', '?session=3', /takes no "session="/],
    ['/exercise/3', '?year=2024', /takes no "year="/],
    ['/exercises', '', /there is no page at "\/exercises"/],
  ];
  it.each(malformed)('%s%s is refused', (path, search, message) => {
    const parsed = parseLocation(path, search);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
