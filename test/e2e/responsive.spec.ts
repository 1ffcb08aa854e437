// The dashboard at a phone's width (390 px) and a laptop's (1440 px): no page scrolls sideways,
// the whole menu is reachable, and the ranking's columns are readable. Any console error fails.
import { expect, test } from './fixtures.ts';
import { DASHBOARD_PAGES, WIDTHS } from './pages.ts';

for (const width of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    for (const p of DASHBOARD_PAGES) {
      test(`${p.name} does not scroll sideways`, async ({ page }) => {
        await page.goto(p.url);
        await expect(page.locator(p.ready).first()).toBeVisible();
        await page.waitForLoadState('networkidle');
        const scrollWidth = await page.evaluate(() => document.scrollingElement!.scrollWidth);
        expect(scrollWidth, `${p.url} is ${scrollWidth} px wide`).toBeLessThanOrEqual(width);
        if (width === 390) await page.screenshot({ path: `test-results/screenshots/390-${p.name.replace(/\W+/g, '-')}.png`, fullPage: true });
      });
    }

    test('every menu entry is on screen and leads to its page', async ({ page }) => {
      await page.goto('/');
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      const count = await links.count();
      expect(count).toBeGreaterThanOrEqual(9);
      for (let i = 0; i < count; i++) {
        const box = await links.nth(i).boundingBox();
        expect(box, `menu entry ${i}`).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, `menu entry ${await links.nth(i).textContent()} ends off screen`).toBeLessThanOrEqual(width);
      }
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources' }).click();
      await expect(page).toHaveURL(/\/sources$/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sources');
    });

    test('the ranking shows every column with its ally named', async ({ page }) => {
      await page.goto('/');
      const table = page.locator('table.ranking');
      await expect(table.locator('tbody tr').first()).toBeVisible();
      const widths = await table.locator('thead th').evaluateAll((ths) => ths.map((th) => [th.textContent, th.getBoundingClientRect().width] as const));
      for (const [label, w] of widths) expect(w, `column "${label}"`).toBeGreaterThan(25);
      const ally = await table.locator('tbody th').first().evaluate((th) => ({ width: th.getBoundingClientRect().width, clipped: th.scrollWidth > th.clientWidth + 1 }));
      expect(ally.width).toBeGreaterThan(90);
      expect(ally.clipped).toBe(false);
      // The ally's name stays in view while the table scrolls sideways inside itself.
      const first = table.locator('tbody th a').first();
      await first.scrollIntoViewIfNeeded();
      await expect(first).toBeInViewport();
      if (width === 390) {
        await table.evaluate((t) => { t.scrollLeft = 400; });
        const box = await first.boundingBox();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x).toBeLessThan(60);
      }
    });
  });
}
