// The team library in Chromium: an editor adds a scenario (a refusal names the line), runs it
// against the published set, and revises it; a second editor's revision in between gets the
// first a 409 that keeps the text they wrote; a viewer reads but cannot write; the editor deletes
// it, and the audit trail shows every step. The team server runs in its own process on a fresh
// PGlite directory.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { startTeamServer } from './support/team-server.ts';
import type { TeamServer } from './support/team-server.ts';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let team: TeamServer | undefined;
let base = '';
let scenario = '';
const ADMIN = { name: 'lib-admin', password: 'lib-admin-password' };

test.beforeAll(async () => {
  // A team server (PGlite, migrations, the admin) can take more than the 30 s a test gets on a busy machine.
  test.setTimeout(90_000);
  scenario = await readFile(path.resolve(import.meta.dirname, '../../scenarios/japan-2pct-2027.yaml'), 'utf8');
  team = await startTeamServer('bench/team-serve-child.ts', ADMIN, 'allies-team-library-e2e-');
  ({ base } = team);
  const s = await fetch(`${base}/api/team/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const cookie = /^(allies_session=[^;]+)/.exec(s.headers.get('set-cookie') ?? '')![1];
  const { csrf_token: csrf } = await s.json() as { csrf_token: string };
  for (const [name, role] of [['editor1', 'editor'], ['editor2', 'editor'], ['reader', 'viewer']]) {
    const r = await fetch(`${base}/api/team/accounts`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify({ name, role, password: `${name}-password` }) });
    expect(r.status).toBe(201);
  }
});

test.afterAll(async () => {
  await team?.stop();
});

async function signIn(browser: Browser, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/team`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(`${name}-password`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#who')).toContainText(`Signed in as ${name}`);
  return page;
}

const row = (page: Page, name: string) => page.locator(`#library-scenarios tr[data-name="${name}"]`);

test('editors add, run, revise and delete a team scenario; a stale save gets 409 and keeps the text; viewers read', async ({ browser }) => {
  const editor = await signIn(browser, 'editor1');
  await expect(editor.locator('#library-scenarios')).toContainText('No scenarios yet.');

  // A refusal names the field and the line of the text.
  const form = editor.locator('#library-form');
  await form.getByLabel('Kind').selectOption('scenario');
  await form.getByLabel('Identifier').fill('japan-2pct');
  const bad = scenario.replace('indicator: milex_share_gdp', 'indicator: milex_share_gpd');
  const badLine = bad.split('\n').findIndex((l) => l.includes('milex_share_gpd')) + 1;
  await form.getByLabel('Text (YAML)').fill(bad);
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(editor.locator('#message')).toContainText('unknown indicator "milex_share_gpd"');
  await expect(editor.locator('#message')).toContainText(`(line ${badLine})`);
  await expect(row(editor, 'japan-2pct')).toHaveCount(0);

  await form.getByLabel('Text (YAML)').fill(scenario);
  await form.getByLabel('Why').fill('the NSS target of 2 percent');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(editor.locator('#message')).toContainText('Saved scenario japan-2pct as version 1');
  await expect(row(editor, 'japan-2pct')).toContainText('v1');
  await expect(row(editor, 'japan-2pct')).toContainText('editor1');

  // Run against the published set: Japan's net and rank before and after, with the change behind it.
  await row(editor, 'japan-2pct').getByRole('button', { name: 'Run' }).click();
  await expect(editor.locator('#library-run-title')).toContainText('japan-2pct (version 1) against judgment set v1');
  const japan = editor.locator('#library-run-table tr[data-ally="JPN"]');
  await expect(japan).toBeVisible();
  const cells = await japan.locator('td').allTextContents();
  expect(cells[1]).not.toBe(cells[2]);

  // editor1 opens version 1; editor2 saves version 2 meanwhile; editor1's save gets the 409.
  await row(editor, 'japan-2pct').getByRole('button', { name: 'Edit' }).click();
  await expect(editor.locator('#library-form-title')).toContainText('version 1');
  const other = await signIn(browser, 'editor2');
  await row(other, 'japan-2pct').getByRole('button', { name: 'Edit' }).click();
  // The form fills once the record has come (a text typed before then would be replaced).
  await expect(other.locator('#library-form-title')).toContainText('version 1');
  await other.locator('#library-form').getByLabel('Text (YAML)').fill(scenario.replace('target: 2.0', 'target: 1.9'));
  await other.locator('#library-form').getByRole('button', { name: 'Save as version 2' }).click();
  await expect(other.locator('#message')).toContainText('Saved scenario japan-2pct as version 2');

  const mine = scenario.replace('target: 2.0', 'target: 1.8');
  await form.getByLabel('Text (YAML)').fill(mine);
  await form.getByRole('button', { name: 'Save as version 2' }).click();
  await expect(editor.locator('#message')).toContainText('is at version 2, not 1');
  await expect(editor.locator('#library-form-title')).toContainText('version 2');
  await expect(form.getByLabel('Text (YAML)')).toHaveValue(mine);
  await form.getByRole('button', { name: 'Save as version 3' }).click();
  await expect(editor.locator('#message')).toContainText('Saved scenario japan-2pct as version 3');
  await expect(row(editor, 'japan-2pct')).toContainText('v3');

  // A viewer reads the text and runs the scenario, and has nothing to save with.
  const reader = await signIn(browser, 'reader');
  await expect(reader.locator('#library-form')).toBeHidden();
  await row(reader, 'japan-2pct').getByRole('button', { name: 'Show' }).click();
  await expect(reader.locator('#library-form').getByLabel('Text (YAML)')).toHaveValue(mine);
  await expect(reader.locator('#library-save')).toBeDisabled();
  const axe = await new AxeBuilder({ page: reader }).include('#library-section').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Deleted with the version seen; the audit trail keeps every step.
  await row(editor, 'japan-2pct').getByRole('button', { name: 'Edit' }).click();
  await expect(editor.locator('#library-form-title')).toContainText('version 3');
  await form.getByLabel('Why').fill('superseded by the 2027 budget');
  await form.getByRole('button', { name: 'Delete' }).click();
  await expect(editor.locator('#message')).toContainText('Deleted scenario japan-2pct');
  await expect(row(editor, 'japan-2pct')).toHaveCount(0);
  const audit = editor.locator('#audit tbody');
  await expect(audit).toContainText('superseded by the 2027 budget');
  await expect(audit).toContainText('the NSS target of 2 percent');
  expect(await audit.locator('tr', { hasText: 'scenario japan-2pct' }).count()).toBe(4);
});
