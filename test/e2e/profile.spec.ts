// An ally's page as an analyst reads it, at 1440 px and at 390 px: its net, assets,
// liabilities and rank across every ledger year, the events that moved them with their
// sources, and the two alliance ages with their definitions side by side. axe-core finds no
// serious or critical violation; any console error fails the test (fixtures.ts).
import { expect, noSeriousViolations, test } from './fixtures.ts';

const WIDTHS = [1440, 390] as const;

for (const width of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test('Japan\'s page charts every year and says what moved it', async ({ page }) => {
      await page.goto('/ally/JPN');
      const section = page.locator('section.ally-timeline');
      await expect(section.getByRole('heading', { level: 2 })).toContainText('Japan over time, 2000–2024');
      await expect(section.locator('figure[data-chart="totals"] svg').first()).toBeVisible();
      await expect(section.locator('figure[data-chart="rank"] svg').first()).toBeVisible();
      // Events: the treaty with its source, and moves with the lines behind them.
      const events = page.getByTestId('timeline-events');
      await expect(events.locator('li[data-kind="tie"]').first()).toContainText('1960');
      await expect(events.locator('li[data-kind="tie"]').first().locator('.source-ids a').first()).toBeVisible();
      await expect(events.locator('li[data-kind="move"]').first()).toContainText('Lines that moved most');
      // The two ages, each with its definition.
      const ages = page.getByTestId('alliance-ages');
      await expect(ages).toContainText('73 years');
      await expect(ages).toContainText('65.0 years');
      await expect(ages).toContainText('measure different things');
      // Every year's totals, one row per year.
      await section.locator('details summary').click();
      await expect(page.getByTestId('timeline-years').locator('tbody tr')).toHaveCount(25);
      await section.scrollIntoViewIfNeeded();
      if (width === 1440) await section.screenshot({ path: 'test-results/screenshots/ally-JPN-over-time.png' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await noSeriousViolations(page, 'section.ally-timeline');
    });

    test('Japan\'s alliance profile answers the five questions in order, with labels, ties explained and sources', async ({ page }) => {
      await page.goto('/ally/JPN');
      const profile = page.getByTestId('alliance-profile');
      await expect(profile.getByRole('heading', { level: 3 })).toHaveText([
        /^1\. Which U\.S\. interests/, /^2\. What compromises/, /^3\. What form does the asymmetry/, /^4\. Which alliances is it most like/, /^5\. Where does it sit/,
      ], { timeout: 30_000 });
      // Interests by their names, never raw ids; the tie says so and why.
      await expect(page.getByTestId('profile-interests-answer')).toContainText('Deterring China');
      await expect(profile).not.toContainText('deter-china');
      await expect(page.getByTestId('profile-interests').locator('tr[data-entry="deter-china"] .tie-note').first()).toContainText('tied with Deterring North Korea');
      await expect(page.getByTestId('profile-interests').locator('tr[data-entry="deter-china"] p.tie-note')).toContainText(/the same \d+ line items/);
      await expect(profile.locator('[data-form="cost"] .source-ids a').first()).toBeVisible();
      // The structure: a tier of commitment and a cluster, and what clusters are.
      await expect(page.getByTestId('profile-structure-answer')).toContainText('Tier 1 of commitment (treaty ally)');
      await expect(page.getByTestId('profile-structure-answer')).toContainText('cluster');
      await expect(page.getByTestId('clusters-explained')).toContainText('not tiers of importance');
      await profile.scrollIntoViewIfNeeded();
      if (width === 1440) await profile.screenshot({ path: 'test-results/screenshots/ally-JPN-profile.png' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await noSeriousViolations(page, '[data-testid="alliance-profile"]');
    });

    test('the compare table calls the clusters clusters and names interests', async ({ page }) => {
      await page.goto('/compare?allies=JPN,POL');
      await expect(page.locator('table').filter({ hasText: 'Cluster of similar profiles' }).first()).toBeVisible({ timeout: 20_000 });
      await expect(page.locator('main')).not.toContainText('Tier (1 = highest mean net)');
      await expect(page.locator('main')).toContainText('Tier of commitment');
      await expect(page.locator('main')).not.toContainText('deter-china');
    });

    test('a newer ally shows no ledger before it joined, never a zero', async ({ page }) => {
      await page.goto('/ally/FIN');
      const section = page.locator('section.ally-timeline');
      await expect(section.locator('figure[data-chart="totals"] svg').first()).toBeVisible();
      await expect(page.getByTestId('timeline-events').locator('li[data-kind="tie"]').first()).toContainText('Joins NATO');
      await section.locator('details summary').click();
      await expect(page.getByTestId('timeline-years').locator('tr[data-year="2010"]')).toContainText('no ledger');
    });
  });
}
