// The analyses and scenarios as a reader uses them: a scenario run with its diff naming the
// change that moved each line, the survival curves and the verdict on the 15-year claim, the
// network moved through time with its slider, and the ally and compare pages' analyses. Any
// console error or uncaught exception fails the test.
import { expect, test } from './fixtures.ts';


test('running a scenario shows what moved for Japan and the change that moved it', async ({ page }) => {
  await page.goto('/scenarios');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Scenarios');
  const row = page.locator('table.scenarios tr[data-scenario="japan-2pct-2027"]');
  await expect(row.locator('.cites')).toContainText('blankenship-2025');
  await row.getByRole('button', { name: /^Run/ }).click();
  await expect(page).toHaveURL(/\/scenarios\?run=japan-2pct-2027/);
  const japan = page.locator('table.scenario-ally[data-ally="JPN"]');
  await expect(japan.locator('caption')).toContainText('Japan');
  const effort = japan.locator('tr[data-item="defense_effort"]');
  await expect(effort.locator('.cause')).toContainText('[1]');
  await expect(page.locator('.scenario-changes li[data-ref="japan-2pct-2027#1"]')).toContainText('Why:');
  // How robust: robustness draws on both ledgers, Japan's rank and P(net > 0) before and after.
  const robust = page.locator('table.scenario-robustness');
  await expect(robust.locator('caption')).toContainText('10,000 draws');
  await expect(robust.locator('tr[data-ally="JPN"] td')).toHaveCount(8);
  await expect(robust.locator('tr[data-ally="JPN"] td').nth(2)).toHaveText(/^\d+(\.\d)?%$/);
  // Draw by draw, reaching 2% of GDP raises Japan's net in every draw.
  await expect(page.locator('table.scenario-paired tr[data-ally="JPN"] td').first()).toHaveText('100%');
  await page.screenshot({ path: 'test-results/screenshots/scenario.png', fullPage: true });

  // The deep link holds a composition; the keyboard can tick and run.
  await page.goto('/scenarios?run=japan-2pct-2027,nato-5pct-2035');
  await expect(page.locator('table.scenario-ally[data-ally="ITA"]')).toBeVisible();
  await expect(page.locator('table.scenario-ally[data-ally="JPN"]')).toBeVisible();
  // A scenario that moves no line says why: Japan's contributions already cover the premium.
  await page.goto('/scenarios?run=hns-japan-x4');
  await expect(page.locator('.scenario-unmoved li[data-ally="JPN"]')).toContainText('which held at 0');
});

test('a scenario of your own: start from a built-in, change it, run it; a mistake is named by line and field', async ({ page, consoleErrors }) => {
  await page.goto('/scenarios');
  const own = page.locator('section.own-scenario');
  await own.locator('summary').click();
  const text = own.getByLabel('Scenario file text');
  await own.getByLabel('Start from a built-in scenario').selectOption('japan-2pct-2027');
  await expect(text).toHaveValue(/scenario: japan-2pct-2027/);
  const yaml = await text.inputValue();
  await text.fill(yaml.replace('scenario: japan-2pct-2027', 'scenario: my-japan-3pct').replace('target: 2.0', 'target: 3.0').replace(/^title: .*$/m, 'title: Japan reaches 3% of GDP by 2027'));
  await own.getByRole('button', { name: 'Run this scenario' }).click();
  const result = own.locator('section.scenario-result[data-scenario="my-japan-3pct"]');
  await expect(result.locator('h2')).toHaveText('Japan reaches 3% of GDP by 2027');
  await expect(result.locator('table.scenario-ally[data-ally="JPN"] tr[data-item="defense_effort"]')).toContainText('→');
  await expect(result.locator('table.scenario-paired tr[data-ally="JPN"] td').first()).toHaveText('100%');
  await own.screenshot({ path: 'test-results/screenshots/own-scenario.png' });

  // An unknown indicator: the message names the line and the field, nothing runs.
  await text.fill(yaml.replace('indicator: milex_share_gdp', 'indicator: milex_in_shells'));
  await own.getByRole('button', { name: 'Run this scenario' }).click();
  const line = yaml.split('\n').findIndex((l) => l.includes('indicator: milex_share_gdp')) + 1;
  await expect(own.locator('.scenario-error')).toContainText(`your scenario:${line}: field "changes.0.indicator"`);
  await expect(result).toHaveCount(0);
  // Chromium logs the expected 400 itself; that one, and only that one, is not a failure.
  const expected = consoleErrors.findIndex((m) => /status of 400/.test(m));
  expect(expected).toBeGreaterThanOrEqual(0);
  consoleErrors.splice(expected, 1);
});

test('history shows the survival curves, the base rates and the verdict on the 15-year claim', async ({ page }) => {
  await page.goto('/history');
  await expect(page.locator('.survival-chart svg').first()).toBeVisible();
  await expect(page.locator('table.base-rates tbody tr')).not.toHaveCount(0);
  await expect(page.locator('table.us-alliances')).toContainText('North Atlantic');
  const claim = page.locator('li[data-claim="defense-alliance-durations"]');
  await expect(claim.locator('.verdict').first()).toHaveText('not supported');
  // The U.S. defense pacts' median is not reached: the base rates say "at least".
  await expect(page.locator('table.base-rates tr[data-group="defense-with-us"]')).toContainText('at least 25.1 (not reached)');
  await claim.locator('summary').click();
  await expect(claim.locator('table.claim-part').first()).toContainText('Kaplan-Meier');
  await page.screenshot({ path: 'test-results/screenshots/history.png', fullPage: true });

  await page.getByLabel(/Group the/).selectOption('defense');
  await expect(page).toHaveURL(/by=defense/);
});

test('the network page moves through the years with its slider', async ({ page }) => {
  await page.goto('/network?year=2024');
  await expect(page.locator('svg.network-graph .node[data-iso3="USA"]')).toBeVisible();
  await expect(page.locator('.lattice-chart svg').first()).toBeVisible();
  const summary = page.getByTestId('lattice-summary');
  const before = await summary.textContent();
  const slider = page.getByRole('slider', { name: 'Year' });
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(page).toHaveURL(/year=1946/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('1946');
  await expect(summary).not.toHaveText(before ?? '');
  // A node is a keyboard control that picks out its ties.
  await page.locator('svg.network-graph .node[data-iso3="USA"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('svg.network-graph .node.selected')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screenshots/network.png', fullPage: true });
});

test('the ally page adds the asymmetry profile and the claims; compare adds the sourced comparison', async ({ page }) => {
  await page.goto('/ally/JPN');
  await expect(page.locator('section.asymmetry h2')).toContainText('U.S. guarantee');
  await expect(page.locator('section.claims li[data-claim="us-troops-in-japan"]')).toBeVisible();
  await page.goto('/compare?allies=JPN,KOR');
  await expect(page.locator('table.analysis-comparison tbody tr').first()).toBeVisible();
  await expect(page.locator('table.analysis-comparison thead th')).toHaveCount(4);
});

test('a malformed scenario or network address shows a readable message', async ({ page }) => {
  for (const [url, words] of [['/scenarios?run=No_Such', 'not a scenario name'], ['/scenarios?run=no-such', 'not a built-in scenario'], ['/network?year=19x0', 'four-digit year']] as const) {
    await page.goto(url);
    await expect(page.getByRole('alert').first()).toContainText(words);
  }
});
