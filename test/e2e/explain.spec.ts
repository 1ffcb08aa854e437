// The method where the numbers are, as a reader meets it: the Methodology page from the menu
// (every line with its construct, weight, what a point is worth and its citations, which
// lead to the Sources page), and "why this rank" on Japan's page (a bar chart of the lines
// that set Japan apart from the median ally, with the same numbers as a table). Any console
// error or uncaught exception fails the test.
import { expect, test } from './fixtures.ts';

test('the Methodology page gives every line its construct, formula, weight, point worth and citations', async ({ page, request }) => {
  const api = await (await request.get('/api/methodology')).json() as { lines: { item: string; weight: number }[] };
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Methodology' }).click();
  await expect(page).toHaveURL(/\/methodology$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Methodology');
  await expect(page.locator('article.method-line')).toHaveCount(api.lines.length);
  await expect(page.locator('section.method-side[data-side="asset"] h2')).toHaveText('Assets');
  await expect(page.locator('section.method-side[data-side="liability"] h2')).toHaveText('Liabilities');
  await expect(page.locator('.method-heading .heading-worth').first()).toContainText('moves the net by');

  const first = page.locator('article.method-line').first();
  const item = await first.getAttribute('data-item');
  expect(item).toBe(api.lines[0].item);
  await expect(first.locator('dd.construct')).not.toBeEmpty();
  await expect(first.locator('dd.formula code')).not.toBeEmpty();
  await expect(first.locator('dd.weight')).toContainText(String(Number(api.lines[0].weight.toFixed(4))));
  await expect(first.locator('dd.point-worth')).toHaveText(/^[+−]\d+\.\d{3} points of the net per point of score; [+−]\d+\.\d from 0 to 100$/);
  await expect(first.locator('dd.rationale')).not.toBeEmpty();
  const cite = first.locator('dd.citations a.source-link').first();
  await expect(cite).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/methodology.png' });

  // A citation leads to its source on the Sources page.
  const source = (await cite.textContent())!;
  await cite.click();
  await expect(page).toHaveURL(new RegExp(`/sources#source-${source}$`));
  await expect(page.locator(`tr[id="source-${source}"]`)).toBeInViewport();
});

test('Japan\'s page says why it ranks where it does: a chart and a table of the differences from the median ally', async ({ page }) => {
  await page.goto('/ally/JPN');
  const why = page.locator('section.why-rank');
  await expect(why.getByRole('heading', { level: 2 })).toContainText('Why this rank');
  await expect(why.locator('.why-summary')).toContainText(/Japan (ranks \d+(st|nd|rd|th) of \d+|is not ranked)/);
  await expect(why.locator('.why-summary')).toContainText('The differences add up to');

  // The chart: one bar per line in the table.
  const rows = why.locator('table.why-table tbody tr');
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  expect(count).toBeGreaterThan(3);
  await expect(why.locator('figure.why-chart svg [data-mark="bar"] rect')).toHaveCount(count);

  // The table: every row names its line and gives both scores and the points vs the median, largest first.
  const cells = await rows.evaluateAll((trs) => trs.map((tr) => ({
    item: tr.getAttribute('data-item'),
    cells: tr.querySelectorAll('td').length,
    points: tr.querySelector('td:last-child')?.textContent ?? '',
  })));
  for (const r of cells) {
    expect(r.item).toBeTruthy();
    expect(r.cells).toBe(4);
    expect(r.points).toMatch(/^[+−±]\d+\.\d$/);
  }
  const sizes = cells.map((r) => Number(r.points.slice(1)));
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  await why.scrollIntoViewIfNeeded();
  await why.screenshot({ path: 'test-results/screenshots/why-JPN.png' });

  // A line of the table leads to its definition on the Methodology page.
  const firstItem = cells[0].item!;
  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/methodology#line-${firstItem}$`));
  await expect(page.locator(`article.method-line[data-item="${firstItem}"]`)).toBeInViewport();
});
