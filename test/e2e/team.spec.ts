// The team server in Chromium: three analysts rate Japan's leadership commitment and Korea's
// domestic constraints in round 1 and see the spread; two revise in round 2; the editor closes
// and publishes; the Japan and Korea ledgers change and name the raters and the set's version.
// The team server runs in its own process on a fresh PGlite directory (not the shared webServer).
import { startTeamServer } from './support/team-server.ts';
import type { TeamServer } from './support/team-server.ts';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

let team: TeamServer | undefined;
let base = '';
const ADMIN = { name: 'e2e-admin', password: 'e2e-admin-password' };

async function adminCall(method: string, p: string, body?: unknown, cookie = '', csrf = ''): Promise<Response> {
  return fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie, 'x-csrf-token': csrf } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
}

test.beforeAll(async () => {
  // A team server (PGlite, migrations, the admin) can take more than the 30 s a test gets on a busy machine.
  test.setTimeout(90_000);
  team = await startTeamServer('bench/team-serve-child.ts', ADMIN, 'allies-team-e2e-');
  ({ base } = team);
  const s = await adminCall('POST', '/api/team/session', ADMIN);
  const cookie = /^(allies_session=[^;]+)/.exec(s.headers.get('set-cookie') ?? '')![1];
  const { csrf_token: csrf } = await s.json() as { csrf_token: string };
  for (const [name, role] of [['editor', 'editor'], ['analyst1', 'analyst'], ['analyst2', 'analyst'], ['analyst3', 'analyst']]) {
    const r = await adminCall('POST', '/api/team/accounts', { name, role, password: `${name}-password` }, cookie, csrf);
    expect(r.status).toBe(201);
  }
});

test.afterAll(async () => {
  await team?.stop();
});

async function signIn(browser: Browser, name: string, query = ''): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/team${query}`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(`${name}-password`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#who')).toContainText(`Signed in as ${name}`);
  return page;
}

async function rate(page: Page, item: string, value: number, low: number, high: number, rationale: string): Promise<void> {
  const form = page.locator(`form.rating[data-item="${item}"]`);
  await form.locator('input[name=value]').fill(String(value));
  await form.locator('input[name=low]').fill(String(low));
  await form.locator('input[name=high]').fill(String(high));
  await form.locator('textarea[name=rationale]').fill(rationale);
  await form.getByRole('button').click();
  await expect(page.locator('#message')).toContainText(`Saved your rating of ${item.replace(' ', ' / ')}`);
}

async function ledgerValue(page: Page, ally: string, line: string): Promise<{ value: string; raters: string; set: string }> {
  await page.evaluate(() => document.querySelector('#ledger')?.removeAttribute('data-ally'));
  await page.locator('#ledger-form input[name=ally]').fill(ally);
  await page.locator('#ledger-form').getByRole('button', { name: 'Show' }).click();
  const row = page.locator(`#ledger[data-ally="${ally}"] tr[data-line="${line}"]`).first();
  await expect(row).toBeVisible();
  const cells = await row.locator('td').allTextContents();
  return { value: cells[1], raters: cells[3], set: cells[6] };
}

test('three analysts rate in two rounds, the editor publishes, and the ledgers name the raters and the set', async ({ browser }) => {
  const editor = await signIn(browser, 'editor');
  const before = await ledgerValue(editor, 'JPN', 'leadership_commitment');
  expect(before).toMatchObject({ value: '4', set: 'v1' });

  await editor.locator('#open-round input[name=title]').fill('Asia, round 1');
  await editor.locator('#open-round textarea[name=items]').fill('leadership_commitment JPN\ndomestic_constraints KOR');
  await editor.getByRole('button', { name: 'Open round' }).click();
  await expect(editor.locator('#message')).toContainText('is open');
  await expect(editor.locator('#round-title')).toContainText('Asia, round 1');
  const roundId = (await editor.locator('#round-title').textContent())!.match(/#(\d+)/)![1];

  const ratings: Record<string, [number, number][]> = { analyst1: [[2, 1], [1, 0]], analyst2: [[3, 2], [2, 1]], analyst3: [[4, 3], [3, 2]] };
  const pages: Record<string, Page> = {};
  for (const [name, [[jv, jl], [kv, kl]]] of Object.entries(ratings)) {
    const page = await signIn(browser, name, `?round=${roundId}`);
    pages[name] = page;
    await expect(page.locator('.chart[data-item="leadership_commitment JPN"]')).toContainText('Submit your rating');
    await rate(page, 'leadership_commitment JPN', jv, jl, 4, `The basing and sanctions record reads as ${jv} to me.`);
    await rate(page, 'domestic_constraints KOR', kv, kl, kv + 1, `The National Assembly's consent weighs as ${kv} to me.`);
  }
  // The third analyst sees the spread: the two others anonymized and their own, with the median.
  const spread = pages.analyst3.locator('.chart[data-item="leadership_commitment JPN"]');
  await expect(spread).toContainText('3 rating(s)');
  await expect(spread).toContainText('median 3, from 2 to 4');
  await expect(spread.locator('circle.rating-dot')).toHaveCount(3);
  await expect(spread.locator('.rationales')).toContainText('rater 1 (2, 1-4)');
  await expect(spread.locator('.rationales')).not.toContainText('analyst1');

  // The editor sees the progress, closes round 1 and opens round 2 from it.
  await editor.goto(`${base}/team?round=${roundId}`);
  await expect(editor.locator('#progress tbody tr').first()).toContainText('analyst1, analyst2, analyst3');
  await editor.getByRole('button', { name: 'Close round' }).click();
  await expect(editor.locator('#message')).toContainText('is closed');
  await editor.locator('#open-round input[name=title]').fill('Asia, round 2');
  await editor.locator('#open-round select[name=previous_round]').selectOption(roundId);
  await editor.getByRole('button', { name: 'Open round' }).click();
  await expect(editor.locator('#round-title')).toContainText('Asia, round 2');
  await expect(editor.locator('#round-status')).toContainText('open');
  const round2 = (await editor.locator('#round-title').textContent())!.match(/#(\d+)/)![1];
  await expect(editor.locator('#round-title')).toContainText('(round 2)');

  // Two analysts revise after seeing the others.
  for (const [name, value] of [['analyst1', 3], ['analyst3', 3]] as const) {
    const page = pages[name];
    await page.goto(`${base}/team?round=${round2}`);
    await expect(page.locator('form.rating[data-item="leadership_commitment JPN"] button')).toContainText('Revise (version 1)');
    await rate(page, 'leadership_commitment JPN', value, 2, 4, `Revised to ${value} after reading the others' rationales.`);
  }
  await pages.analyst3.goto(`${base}/team?round=${round2}`);
  await rate(pages.analyst3, 'domestic_constraints KOR', 2, 1, 3, 'Revised to 2 after reading the others on Korea.');

  await editor.goto(`${base}/team?round=${round2}`);
  await editor.getByRole('button', { name: 'Close round' }).click();
  await expect(editor.locator('#message')).toContainText('is closed');
  await editor.getByRole('button', { name: 'Publish as judgment set' }).click();
  await expect(editor.locator('#message')).toContainText('Published as judgment set v2');

  const jpn = await ledgerValue(editor, 'JPN', 'leadership_commitment');
  expect(jpn).toEqual({ value: '3', raters: 'analyst1, analyst2, analyst3', set: 'v2' });
  await expect(editor.locator('#ledger-title')).toContainText('judgment set v2');
  const kor = await ledgerValue(editor, 'KOR', 'domestic_constraints');
  expect(kor).toEqual({ value: '2', raters: 'analyst1, analyst2, analyst3', set: 'v2' });
  // The audit trail shows the publication and a revision with before and after.
  await editor.reload();
  await expect(editor.locator('#audit tbody')).toContainText('publish');
  await expect(editor.locator('#audit tbody')).toContainText('value: 2 -> 3');
  await editor.screenshot({ path: 'test-results/team-published.png', fullPage: true });
});
