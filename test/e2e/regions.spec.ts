// Asia and Europe side by side, as an analyst reads them, at 1440 px and at 390 px: the
// distribution of the allies' nets, the line items that differ most with their sources, the
// regional medians since 2000, how robust the gap is (draws run on the server), and the
// overview's region filter labelled without confusing regional and global ranks. axe-core finds
// no serious or critical violation; any console error fails the test (fixtures.ts).
import { expect, noSeriousViolations, test } from './fixtures.ts';

const WIDTHS = [1440, 390] as const;

for (const width of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test('the regions page compares Asia and Europe on every heading', async ({ page }) => {
      await page.goto('/regions?year=2024');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Asia and Europe, side by side, 2024');
      await expect(page.getByTestId('regions-medians')).toContainText('Median net: Asia');
      // The distribution: a chart and a table of medians and quartiles, one row per region.
      await expect(page.locator('figure[data-chart="net-strip"] svg').first()).toBeVisible();
      const stats = page.getByTestId('regions-distribution');
      await expect(stats.locator('tbody tr')).toHaveCount(2);
      await expect(stats.locator('tr[data-region="asia"] td.median')).toHaveText(/^[+−±]\d+\.\d$/);
      // The line items that differ most: points by region, the difference, and sources.
      const items = page.getByTestId('regions-items');
      await expect(items.locator('tbody tr')).toHaveCount(12);
      await expect(items.locator('tbody tr').first().locator('td.difference')).toHaveText(/^[+−±]\d+\.\d\d$/);
      await expect(items.locator('tbody tr').first().locator('.source-ids a').first()).toBeVisible();
      await expect(page.locator('figure[data-chart="item-gap"] svg').first()).toBeVisible();
      // Since 2000: one row per ledger year.
      await expect(page.locator('figure[data-chart="series"] svg').first()).toBeVisible();
      await expect(page.getByTestId('regions-series').locator('tbody tr').first().locator('th')).toHaveText('2000');
      // How robust: the share of robustness draws, computed on the server.
      await expect(page.getByTestId('regions-share')).toHaveText(/^\d+(\.\d)?%$/, { timeout: 30_000 });
      await expect(page.getByTestId('regions-robustness')).toContainText("Asia's median net exceeds Europe's");
      if (width === 1440) await page.screenshot({ path: 'test-results/screenshots/regions.png', fullPage: true });
      else await page.screenshot({ path: 'test-results/screenshots/regions-390.png', fullPage: true });
      // Nothing wider than the screen but the tables' and charts' own scrolling boxes.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await noSeriousViolations(page, 'main');
    });

    test('another pair of regions is one choice away and in the address', async ({ page }) => {
      await page.goto('/regions');
      await expect(page.getByTestId('regions-distribution')).toBeVisible();
      await page.getByRole('combobox', { name: 'Second region' }).selectOption('americas');
      await expect(page).toHaveURL(/regions=asia,americas/);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Asia and Americas');
      await expect(page.getByTestId('regions-share')).toBeVisible({ timeout: 30_000 });
    });

    test('the overview\'s region filter labels regional and global ranks apart', async ({ page }) => {
      await page.goto('/?region=asia');
      const table = page.locator('table.ranking');
      await expect(table.locator('thead th').first()).toHaveText('rank among Asian allies');
      await expect(table.locator('th.col-rank-band')).toHaveText('global rank band');
      await expect(page.locator('.legend-key.outside-region')).toHaveText('an ally outside Asia');
      // Germany is ranked: outside the filter, it does not take the "not ranked" swatch.
      const fill = await page.locator('svg.world-map .ally[data-iso3="DEU"]').first().getAttribute('fill');
      expect(fill).toBe('#efe4c8');
      await expect(page.locator('svg.world-map .ally[data-iso3="DEU"]').first()).toHaveAttribute('aria-label', /outside the region shown \(Asia\)/);
      await page.goto('/');
      await expect(table.locator('thead th').first()).toHaveText('rank');
      await noSeriousViolations(page, 'table.ranking');
    });
  });
}
