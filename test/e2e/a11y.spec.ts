// Every page checked with axe-core at 1440 and 390 px: no serious or critical violation
// (contrast, names of buttons and inputs, landmarks, ARIA). Any console error fails the test.
// The named export: the package's types are CommonJS, where the default import is not the class under NodeNext.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from './fixtures.ts';
import { DASHBOARD_PAGES, WIDTHS } from './pages.ts';

for (const width of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    for (const p of DASHBOARD_PAGES) {
      test(`${p.name} has no serious accessibility violation`, async ({ page }) => {
        await page.goto(p.url);
        await expect(page.locator(p.ready).first()).toBeVisible();
        await page.waitForLoadState('networkidle');
        // Charts draw once Plot has loaded; check them drawn.
        await page.waitForTimeout(200);
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
        const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
        expect(serious, report).toEqual([]);
      });
    }

    test('the map card and the open menu pass too', async ({ page }) => {
      await page.goto('/');
      await page.locator('svg.world-map .ally[data-iso3="JPN"]').focus();
      await expect(page.locator('.map-card')).toBeVisible();
      const results = await new AxeBuilder({ page }).include('.map-frame').analyze();
      expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    });
  });
}
