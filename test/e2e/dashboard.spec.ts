// The dashboard as a reader uses it: the overview, Japan's balance sheet, the source behind a
// number, a weight moved and the ranking re-drawn, a malformed address explained. Any console
// error or uncaught exception fails the test.
import { expect, test } from './fixtures.ts';
import type { Page } from '@playwright/test';


async function rankedAllies(page: Page): Promise<string[]> {
  return page.locator('table.ranking tbody tr:not(.unranked)').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ally') ?? ''));
}

test('the overview shows the allies on a map and ranked with robustness bands', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Balance sheets of U.S. allies');
  await expect(page.locator('svg.world-map .ally').first()).toBeVisible();
  expect(await page.locator('svg.world-map .ally').count()).toBeGreaterThan(30);
  const rows = page.locator('table.ranking tbody tr');
  expect(await rows.count()).toBeGreaterThan(30);
  await expect(page.locator('table.ranking svg.net-band rect.band').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/overview.png' });

  // Keyboard: a country on the map is a link.
  await page.locator('svg.world-map .ally[data-iso3="JPN"]').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/ally\/JPN/);
  await page.goBack();

  await page.getByRole('radio', { name: 'Asia' }).click();
  await expect(page).toHaveURL(/region=asia/);
  const asia = await page.locator('table.ranking tbody tr').evaluateAll((r) => r.map((x) => x.getAttribute('data-ally')));
  expect(asia).toContain('JPN');
  expect(asia).not.toContain('DEU');
});

test('Japan\'s page is a T-account with a source behind every line', async ({ page }) => {
  await page.goto('/');
  await page.locator('table.ranking').getByRole('link', { name: 'Japan', exact: true }).click();
  await expect(page).toHaveURL(/\/ally\/JPN/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Japan');
  const assets = page.locator('table.t-side.assets');
  const liabilities = page.locator('table.t-side.liabilities');
  await expect(assets.locator('caption')).toHaveText('Assets');
  await expect(liabilities.locator('caption')).toHaveText('Liabilities');
  await expect(page.locator('.t-net')).toContainText('Net');
  // Every line with a value has a source button; a missing line says why instead.
  const lines = await page.locator('table.t-side tbody tr[data-item]').evaluateAll((rows) => rows.map((r) => ({
    item: r.getAttribute('data-item'),
    missing: r.classList.contains('missing'),
    sourced: r.querySelector('.source-button') !== null,
    reason: r.querySelector('.reason')?.textContent ?? '',
  })));
  expect(lines.length).toBeGreaterThan(10);
  for (const line of lines) expect(line.missing ? line.reason.length > 0 : line.sourced, `line ${line.item}`).toBe(true);
  await expect(page.locator('figure.series-chart svg').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/ally-JPN.png', fullPage: true });
});

test('a value that holds a stand-in says so on the balance sheet: Germany\'s forces hosted count no rotation, as none is reported', async ({ page }) => {
  await page.goto('/ally/DEU');
  const hosted = page.locator('table.t-side.assets tr[data-item="us_forces_hosted"]');
  await expect(hosted).not.toHaveClass(/missing/);
  await expect(hosted.locator('.reason')).toHaveText(/^no us_troops_rotational for DEU in \d{4}-\d{4}: counted as 0, as the methodology states$/);
});

test('a source popover gives the citation, the locator and the terms', async ({ page }) => {
  await page.goto('/ally/JPN');
  const button = page.locator('table.t-side .source-button').first();
  await button.click();
  const popover = page.getByRole('dialog');
  await expect(popover).toBeVisible();
  await expect(popover.locator('.citation').first()).not.toBeEmpty();
  await expect(popover.locator('.terms').first()).toContainText('Terms');
  await expect(popover.locator('td.locator').first()).not.toBeEmpty();
  await page.screenshot({ path: 'test-results/screenshots/source-popover.png' });
  await page.keyboard.press('Escape');
  await expect(popover).toBeHidden();
  await expect(button).toBeFocused();
});

test('moving a weight re-ranks the allies in the browser', async ({ page }) => {
  await page.goto('/weights');
  await expect(page.locator('table.ranking tbody tr').first()).toBeVisible();
  const before = await rankedAllies(page);
  // The first asset item to zero: the ranking must change, the address must hold the weight.
  const slider = page.locator('.weight-slider input[type=range]').first();
  const item = await page.locator('.weight-slider').first().getAttribute('data-item');
  await slider.focus();
  await page.keyboard.press('Home');
  await expect.poll(() => rankedAllies(page)).not.toEqual(before);
  await expect(page.getByTestId('live-summary')).toContainText('1 weight changed');
  await expect(page).toHaveURL(new RegExp(`w=${item}:0`));
  await page.screenshot({ path: 'test-results/screenshots/weights.png' });

  // The deep link reproduces the same ranking.
  const after = await rankedAllies(page);
  await page.goto(page.url());
  await expect.poll(() => rankedAllies(page)).toEqual(after);
});

test('weights save to a methodology file and load back from it', async ({ page }) => {
  await page.goto('/weights');
  const slider = page.locator('.weight-slider input[type=range]').nth(1);
  const item = await page.locator('.weight-slider').nth(1).getAttribute('data-item');
  await slider.focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('live-summary')).toContainText('1 weight changed');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as methodology file' }).click()]);
  const file = await download.path();
  const { readFile } = await import('node:fs/promises');
  const yaml = await readFile(file, 'utf8');
  expect(yaml).toContain(`${item}:`);
  expect(yaml).toMatch(/Weights changed in the Alliance Ledger dashboard/);

  await page.getByRole('button', { name: 'Reset all' }).click();
  await expect(page.getByTestId('live-summary')).toContainText('own weights');
  await page.locator('input[type=file]').setInputFiles(file);
  await expect(page.getByRole('status').filter({ hasText: 'Loaded the weights' })).toBeVisible();
  await expect(page.getByTestId('live-summary')).toContainText('1 weight changed');

  // A broken file is refused with its line and field named.
  await page.locator('input[type=file]').setInputFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml.replace(/^version: .*$/m, 'version: one')) });
  await expect(page.getByRole('alert')).toContainText('broken.yaml');
  await expect(page.getByRole('alert')).toContainText('version');
});

test('compare shows allies side by side', async ({ page }) => {
  await page.goto('/compare?allies=JPN,KOR,DEU');
  await expect(page.locator('table.comparison thead th')).toHaveCount(4);
  await expect(page.locator('table.comparison .net-row td')).toHaveCount(3);
});

test('a malformed address shows a readable message, not a blank page', async ({ page }) => {
  for (const [url, words] of [['/ally/J1N', 'three-letter ISO code'], ['/?year=20x3', 'four-digit year'], ['/no/such/page', 'no page'], ['/ally/ZZZ', 'not a covered ally']] as const) {
    await page.goto(url);
    await expect(page.getByRole('alert')).toContainText(words);
    await expect(page.getByRole('link', { name: 'Back to the overview' })).toBeVisible();
  }
});
