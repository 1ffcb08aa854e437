// The Sources page searched and filtered with a count; Compare's sources behind a count, its
// ally picker in name order, its footnote pointing to dashboard pages; values that read as
// words ("asymmetric (1)", "1 ally tied"). Any console error fails the test.
import { expect, test } from './fixtures.ts';

test('the Sources page searches and filters the registry, with a count', async ({ page }) => {
  await page.goto('/sources');
  const rows = page.locator('table.sources-table tbody tr');
  await expect(rows.first()).toBeVisible();
  const total = await rows.count();
  expect(total).toBeGreaterThan(100);
  const count = page.locator('.source-count');
  await expect(count).toHaveText(`${total} sources`);

  await page.getByRole('searchbox').fill('SIPRI');
  await expect(count).toHaveText(new RegExp(`^\\d+ of ${total} sources$`));
  const found = await rows.count();
  expect(found).toBeGreaterThan(0);
  expect(found).toBeLessThan(total);
  for (const text of await rows.allTextContents()) expect(text.toLowerCase()).toContain('sipri');

  await page.getByRole('button', { name: 'Clear' }).first().click();
  await expect(count).toHaveText(`${total} sources`);
  await page.getByLabel('Type').selectOption('dataset');
  const datasets = await rows.count();
  expect(datasets).toBeGreaterThan(0);
  expect(datasets).toBeLessThan(total);
  for (const kind of await rows.locator('.source-kind').allTextContents()) expect(kind).toBe('dataset');

  await page.getByRole('button', { name: 'Clear' }).first().click();
  const publisher = page.getByLabel('Publisher');
  await publisher.selectOption({ index: 1 });
  await expect(count).toHaveText(new RegExp(`of ${total} sources`));

  await page.getByRole('button', { name: 'Clear' }).first().click();
  await page.getByLabel('Used by indicator').selectOption({ label: 'Military expenditure, % of GDP' }).catch(async () => {
    await page.getByLabel('Used by indicator').selectOption({ index: 1 });
  });
  const feeding = await rows.count();
  expect(feeding).toBeGreaterThan(0);
  expect(feeding).toBeLessThan(total);

  await page.getByRole('searchbox').fill('no such source anywhere');
  await expect(count).toHaveText(`0 of ${total} sources`);
  await expect(page.locator('.notice')).toContainText('No source matches');
});

test('the Sources page keeps its search and filters in the address: shared, reloaded, and read back', async ({ page }) => {
  await page.goto('/sources');
  const rows = page.locator('table.sources-table tbody tr');
  await expect(rows.first()).toBeVisible();
  const total = await rows.count();
  const count = page.locator('.source-count');

  await page.getByRole('searchbox').fill('SIPRI');
  await page.getByLabel('Type').selectOption('dataset');
  await expect(page).toHaveURL(/\/sources\?q=SIPRI&type=dataset$/);
  const found = await count.textContent();
  expect(found).toMatch(new RegExp(`^\\d+ of ${total} sources$`));

  // The address alone gives the same list (a reload, or a link someone sent).
  await page.reload();
  await expect(rows.first()).toBeVisible();
  await expect(count).toHaveText(found!);
  await expect(page.getByRole('searchbox')).toHaveValue('SIPRI');
  await expect(page.getByLabel('Type')).toHaveValue('dataset');

  await page.getByRole('button', { name: 'Clear' }).first().click();
  await expect(page).toHaveURL(/\/sources$/);
  await expect(count).toHaveText(`${total} sources`);

  // A filter value the registry does not have is shown as such, with nothing matching.
  await page.goto('/sources?type=podcast');
  await expect(page.getByLabel('Type')).toHaveValue('podcast');
  await expect(page.getByLabel('Type').locator('option:checked')).toHaveText('podcast (no such type)');
  await expect(count).toHaveText(`0 of ${total} sources`);

  // A malformed one is refused with what is wrong.
  await page.goto('/sources?indicator=Not%20an%20id');
  await expect(page.getByRole('main')).toContainText('"Not an id" in indicator= is not an indicator id');
});

test('Compare: sources behind a count, allies to add in name order, a footnote with dashboard links', async ({ page }) => {
  await page.goto('/compare?allies=JPN,KOR,POL');
  await expect(page.locator('table.comparison tbody tr').first()).toBeVisible();
  const names = await page.getByLabel('Add an ally to the comparison').locator('option').evaluateAll((o) => o.slice(1).map((x) => x.textContent ?? ''));
  expect(names.length).toBeGreaterThan(30);
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));

  const analysis = page.locator('table.analysis-comparison');
  await expect(analysis.locator('tbody tr').first()).toBeVisible();
  // No wall of ids: more than three sources collapse behind their count.
  const collapsed = analysis.locator('details.source-list-ids').first();
  await expect(collapsed.locator('summary')).toHaveText(/^\d+ sources$/);
  const n = Number((await collapsed.locator('summary').textContent())!.split(' ')[0]);
  expect(n).toBeGreaterThan(3);
  await expect(collapsed.locator('.cite').first()).toBeHidden();
  await collapsed.locator('summary').click();
  await expect(collapsed.locator('.cite')).toHaveCount(n);
  await expect(collapsed.locator('.cite a').first()).toHaveAttribute('href', /^\/sources#source-/);

  const foot = analysis.locator('tfoot');
  await expect(foot).not.toContainText('`allies');
  await expect(foot.getByRole('link', { name: 'Japan' })).toHaveAttribute('href', /\/ally\/JPN/);
  await expect(foot.getByRole('link', { name: 'Methodology' })).toBeVisible();
  await expect(foot.locator('.cli-hint')).toContainText('allies compare JPN KOR POL');
});

test('coded and counted values read as words', async ({ page }) => {
  await page.goto('/ally/JPN');
  const row = page.locator('table.t-side tr[data-item="obligation_asymmetry"]');
  await expect(row).toBeVisible();
  await expect(row).toContainText(/asymmetric \(1\)|mutual or no pledge \(0\)/);
  await expect(row).not.toContainText('1 1 =');
  const sheet = (await page.locator('table.t-side').allTextContents()).join(' ');
  expect(sheet).not.toMatch(/\b1 allies\b|\b1 sites\b|\b1 years\b/);
});
