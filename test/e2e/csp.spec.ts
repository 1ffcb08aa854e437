// The dashboard under its Content-Security-Policy: the policy is sent, and the pages that
// draw charts (Plot's inline styles, the map, the bands worker) load without a violation.
// The fixture fails any test whose page logs an error, violations included.
import { expect, test } from './fixtures.ts';

test('the dashboard is served with its policy and draws every chart page without a CSP violation', async ({ page }) => {
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  await expect(page.locator('svg').first()).toBeVisible();
  for (const [url, chart] of [['/history', 'svg'], ['/network?year=2024', 'svg'], ['/ally/JPN', 'svg']] as const) {
    await page.goto(url);
    await expect(page.locator(chart).first()).toBeVisible();
  }
  // Let late renders (legends, the bands worker) finish before the fixture reads the console.
  await page.waitForLoadState('networkidle');
});

test('the API reference page shows under its own policy', async ({ page }) => {
  const response = await page.goto('/docs');
  expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'; style-src 'sha256-/);
  await expect(page.locator('h1')).toHaveText(/Alliance Ledger API/);
  // The inline style applied: the navigation column is laid out as a grid beside the text.
  expect(await page.evaluate(() => getComputedStyle(document.body).display)).toBe('grid');
});
