// Live crisis exercises in Chromium (issue 18): for each built-in exercise a facilitator and
// three team players, each in their own browser context, play three moves on the dashboard's
// exercise page against a team server. Players join with the join codes the facilitator's page
// shows, or sign in with an account the facilitator seats; each decides with a rationale; one
// player submits, starts a revision and reloads mid-move, and finds both the submitted decision
// and the unsent draft; on the two-team exercise two players of one team meet a 409 and retry.
// The facilitator releases every inject, adjudicates every decision (accepting, amending and
// overruling, with notes), tags hot-wash issues and ends the exercise; the after-action PDF,
// read with pdftotext, shows every decision, adjudication and ledger effect.
// The team server runs in its own process on a fresh PGlite directory, serving the dashboard
// the shared webServer built (test/e2e/support/exercise-serve-child.ts).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startTeamServer } from './support/team-server.ts';
import type { TeamServer } from './support/team-server.ts';
import { expect as baseExpect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { noSeriousViolations, test as dashboardTest } from './fixtures.ts';

test.describe.configure({ mode: 'serial', timeout: 150_000 });
// A write that moves the ledgers answers once the scenario engine has run: give it time on a busy machine.
const expect = baseExpect.configure({ timeout: 30_000 });

interface ExerciseFile {
  exercise: string;
  title: string;
  teams: { id: string; name: string; role?: string }[];
  moves: { id: string; title: string }[];
  injects: { id: string; move: string }[];
  decisions: { id: string; move: string; team: string; question: string; options: { id: string; label: string }[] }[];
}

const EXERCISES: ExerciseFile[] = readdirSync('exercises').filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => parseYaml(readFileSync(path.join('exercises', f), 'utf8')) as ExerciseFile);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let team: TeamServer | undefined;
let base = '';
let dir = '';
const ADMIN = { name: 'e2e-admin', password: 'e2e-admin-password' };
let adminCookie = '';
let adminCsrf = '';

async function adminCall(method: string, p: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json', ...(adminCookie ? { cookie: adminCookie, 'x-csrf-token': adminCsrf } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
}

async function account(name: string, role: string): Promise<void> {
  const r = await adminCall('POST', '/api/team/accounts', { name, role, password: `${name}-password` });
  expect(r.status, await r.clone().text()).toBe(201);
}

/** Console errors of a page, except the ones the test provokes (signed out: 401; the conflict: 409). */
function watchConsole(page: Page, errors: string[], who: string): void {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/status of (401|409)/.test(text)) return;
    errors.push(`${who}: ${text}`);
  });
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
}

async function newPage(browser: Browser, errors: string[], who: string, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  watchConsole(page, errors, who);
  return page;
}

async function signIn(page: Page, name: string, to = '/exercise'): Promise<void> {
  await page.goto(`${base}/exercise`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(`${name}-password`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toHaveText(name);
  if (to !== '/exercise') await page.goto(`${base}${to}`);
}

async function join(page: Page, code: string, name: string): Promise<void> {
  await page.goto(`${base}/exercise`);
  await page.getByLabel('Join code').fill(code);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.locator('.exercise-player')).toBeVisible();
}

const inMove = (page: Page, k: number) => expect(page.getByTestId('exercise-status')).toContainText(`in move ${k + 1}:`);

async function decide(page: Page, decision: string, option: string, rationale: string): Promise<void> {
  const form = page.locator(`form.decision-form[data-decision="${decision}"]`);
  await form.locator(`input[value="${option}"]`).check();
  await form.getByLabel(/^Rationale/).fill(rationale);
  await form.getByRole('button', { name: /Submit decision|Revise decision/ }).click();
  await expect(form.locator('.saved')).toContainText('Submitted:');
}

test.describe('live crisis exercises', () => {
  test.beforeAll(async () => {
    // A team server (PGlite, migrations, the admin) can take more than the 30 s a test gets on a busy machine.
    test.setTimeout(90_000);
    team = await startTeamServer('test/e2e/support/exercise-serve-child.ts', ADMIN, 'allies-exercise-e2e-');
    ({ base, dir } = team);
    const s = await adminCall('POST', '/api/team/session', ADMIN);
    adminCookie = /^(allies_session=[^;]+)/.exec(s.headers.get('set-cookie') ?? '')![1];
    adminCsrf = ((await s.json()) as { csrf_token: string }).csrf_token;
    await account('facil', 'editor');
  });

  test.afterAll(async () => {
    await team?.stop();
  });

  for (const x of EXERCISES) {
    test(`${x.exercise}: a facilitator and three players play three moves`, async ({ browser }) => {
      const errors: string[] = [];
      const players = x.teams.filter((t) => (t.role ?? 'player') === 'player');
      const first = x === EXERCISES[0];
      const slug = x.exercise.split('-')[0];

      // The facilitator creates the session and sees the join codes.
      const fac = await newPage(browser, errors, 'facilitator');
      await signIn(fac, 'facil');
      await fac.getByLabel('Exercise', { exact: true }).selectOption(x.exercise);
      await fac.getByLabel(/Title of this session/).fill(`E2E ${x.title}`);
      await fac.getByRole('button', { name: 'Create the session' }).click();
      await expect(fac.locator('h1')).toHaveText(`E2E ${x.title}`);
      await expect(fac.locator('.exercise-page')).toHaveAttribute('data-part', 'facilitator');
      const sessionId = Number(await fac.locator('.exercise-page').getAttribute('data-session'));
      const codes = new Map<string, string>();
      for (const t of players) codes.set(t.id, (await fac.locator(`.join-codes tr[data-team="${t.id}"] .join-code`).textContent())!.trim());

      // Three players: one per team when there are three teams; with two, the first team gets
      // a one-off player (join code) and the second a joiner and a seated account.
      const seats: { team: string; page: Page; name: string }[] = [];
      const teamsOf = players.length >= 3 ? players.slice(0, 3).map((t) => t.id) : [players[0].id, players[1].id, players[1].id];
      for (const [k, team] of teamsOf.entries()) {
        const name = `${slug}-${team}-${k + 1}`;
        const page = await newPage(browser, errors, name, k === 2 ? 390 : 1280);
        if (k === 2 && players.length < 3) {
          await account(name, 'viewer');
          await fac.getByLabel('Team', { exact: true }).selectOption(team);
          await fac.getByLabel('Account', { exact: true }).fill(name);
          await fac.getByRole('button', { name: 'Seat the account' }).click();
          await expect(fac.locator('.exercise-seats .saved')).toContainText(`Seated ${name}`);
          await signIn(page, name, `/exercise/${sessionId}`);
        } else await join(page, codes.get(team)!, name);
        await expect(page.getByTestId('your-team')).toHaveText(players.find((t) => t.id === team)!.name);
        seats.push({ team, page, name: k === 2 && players.length < 3 ? name : '' });
      }
      if (first) await noSeriousViolations(seats[2].page, 'main');

      await fac.getByRole('button', { name: 'Start the exercise' }).click();
      for (const s of seats) await inMove(s.page, 0);

      // Every player says hello on the team channel; the facilitator reads every channel.
      for (const [k, s] of seats.entries()) {
        await s.page.getByLabel('Message', { exact: true }).fill(`Hello from player ${k + 1} of ${s.team}`);
        await s.page.getByRole('button', { name: 'Send' }).click();
        await expect(s.page.locator('.channel-messages')).toContainText(`Hello from player ${k + 1} of ${s.team}`);
      }
      await expect(fac.locator('.channel-messages li')).toHaveCount(seats.length);

      const rationales = new Map<string, string>();
      const notes = new Map<string, string>();
      const rulings = new Map<string, 'accept' | 'amend' | 'overrule'>();
      const applied = new Map<string, string>();
      const chosen = new Map<string, string>();
      let n = 0;
      for (const [k, move] of x.moves.slice(0, 3).entries()) {
        await inMove(fac, k);
        // The facilitator releases every inject of the move; the recipients see them live.
        for (const inject of x.injects.filter((i) => i.move === move.id)) {
          await fac.getByRole('button', { name: `Release ${inject.id}`, exact: true }).click();
          await expect(fac.locator(`.exercise-injects li[data-inject="${inject.id}"]`)).toBeVisible();
        }
        const prompts = x.decisions.filter((p) => p.move === move.id);
        for (const p of prompts) {
          const mine = seats.filter((s) => s.team === p.team);
          if (!mine.length) continue;
          const token = `r${slug}${++n}q`;
          const option = p.options[k % p.options.length].id;
          rationales.set(p.id, token);
          if (mine.length > 1 && k === 0) {
            // Two players of one team: the second starts a draft, the first submits, the second
            // sends theirs, meets the 409 with the decision as it is now, and sends it again.
            const [a, b] = mine;
            const form = b.page.locator(`form.decision-form[data-decision="${p.id}"]`);
            await form.locator(`input[value="${p.options[1].id}"]`).check();
            await form.getByLabel(/^Rationale/).fill(`Because ${token} says the second option.`);
            await decide(a.page, p.id, option, `First thoughts ${token}x on this.`);
            await form.getByRole('button', { name: 'Submit decision' }).click();
            await expect(form.locator('.conflict')).toContainText('Your team\'s decision changed meanwhile');
            await expect(form.locator('.conflict')).toContainText('(version 1');
            await form.getByRole('button', { name: 'Revise decision (version 1)' }).click();
            await expect(form.locator('.saved')).toContainText('(version 2)');
            await expect(a.page.locator(`.exercise-decisions tr[data-decision="${p.id}"]`)).toHaveAttribute('data-version', '2');
            applied.set(p.id, p.options[1].id);
            chosen.set(p.id, p.options[1].id);
          } else {
            const s = mine[0];
            await decide(s.page, p.id, option, `Because ${token} weighs most here.`);
            applied.set(p.id, option);
            chosen.set(p.id, option);
            if (k === 1 && s === seats[0]) {
              // Mid-move reload: the submitted decision is on the server, the unsent revision in the tab.
              const form = s.page.locator(`form.decision-form[data-decision="${p.id}"]`);
              await form.getByLabel(/^Rationale/).fill(`Because ${token} weighs most here, on reflection.`);
              await expect(form.locator('.draft-note')).toBeVisible();
              await s.page.reload();
              await inMove(s.page, 1);
              const again = s.page.locator(`form.decision-form[data-decision="${p.id}"]`);
              await expect(again.locator(`input[value="${option}"]`)).toBeChecked();
              await expect(again.getByLabel(/^Rationale/)).toHaveValue(`Because ${token} weighs most here, on reflection.`);
              await expect(again.locator('.draft-note')).toBeVisible();
              await expect(s.page.locator(`.exercise-decisions tr[data-decision="${p.id}"] td.rationale`)).toHaveText(`Because ${token} weighs most here.`);
              await expect(s.page.locator('.channel-messages')).toContainText('Hello from player 1');
              await expect(s.page.locator('.exercise-injects li').first()).toBeVisible();
              await again.getByRole('button', { name: 'Revise decision (version 1)' }).click();
              await expect(again.locator('.saved')).toContainText('(version 2)');
              await expect(s.page.getByText('live', { exact: true })).toBeVisible();
            }
          }
        }
        // The facilitator rules on every decision of the move: amend in move 1, overrule in move 2, accept otherwise.
        for (const [j, p] of prompts.filter((q) => rationales.has(q.id)).entries()) {
          const card = fac.locator(`article.ruler[data-decision="${p.id}"]`);
          await expect(card.locator('.rationale')).toContainText(rationales.get(p.id)!);
          const ruling = j === 0 && k === 0 ? 'amend' : j === 0 && k === 1 ? 'overrule' : 'accept';
          const note = `n${slug}${p.id.replace(/_/g, '')}z`;
          await card.getByLabel(ruling === 'accept' ? 'Accept' : ruling === 'amend' ? 'Amend' : 'Overrule', { exact: true }).check();
          if (ruling === 'amend') {
            const other = p.options.find((o) => o.id !== applied.get(p.id))!;
            await card.getByLabel('Option that applies instead').selectOption(other.id);
            applied.set(p.id, other.id);
          }
          if (ruling === 'overrule') applied.delete(p.id);
          await card.getByLabel(/^Note/).fill(`Umpire note ${note} on the move.`);
          await card.getByRole('button', { name: 'Record the ruling' }).click();
          await expect(card.locator('.saved, .problem-inline')).toBeVisible();
          expect(await card.locator('.saved, .problem-inline').textContent()).toBe(`Ruling recorded on ${p.id}.`);
          await expect(card.locator('p.ruling')).toContainText(ruling === 'accept' ? 'accepted by facil' : ruling === 'amend' ? 'amended by facil' : 'overruled by facil');
          notes.set(p.id, note);
          rulings.set(p.id, ruling);
          await card.getByLabel(j % 2 ? 'basing access' : 'alliance cohesion', { exact: true }).check();
          await card.getByRole('button', { name: 'Tag the issues' }).click();
          await expect(card.locator('.issues')).toContainText(`Tagged: ${j % 2 ? 'basing access' : 'alliance cohesion'}`);
        }
        // Everyone sees the alliance state with the cause of every move of the decisions so far.
        for (const page of [fac, seats[0].page]) await expect(page.locator('table.exercise-allies tbody tr').first()).toBeVisible({ timeout: 60_000 });
        if (k === 0 && first) {
          await noSeriousViolations(fac, 'main');
          await noSeriousViolations(seats[0].page, 'main');
        }
        if (k < 2) {
          await fac.getByRole('button', { name: new RegExp(`^Advance to move ${k + 2}`) }).click();
          for (const s of seats) await inMove(s.page, k + 1);
        }
      }
      await expect(fac.locator('table.exercise-allies td.causes li').first()).toBeVisible({ timeout: 60_000 });
      // The phone-width player's page does not scroll sideways.
      const width = await seats[2].page.evaluate(() => document.scrollingElement!.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);

      await fac.screenshot({ path: `test-results/screenshots/exercise-${x.exercise}-facilitator.png`, fullPage: true });
      await seats[2].page.screenshot({ path: `test-results/screenshots/exercise-${x.exercise}-player-390.png`, fullPage: true });
      await fac.getByRole('button', { name: 'End the exercise' }).click();
      for (const s of seats) await expect(s.page.getByTestId('exercise-status')).toHaveText('ended');

      // The after-action report, as PDF: every decision, adjudication and ledger effect.
      const href = await fac.locator('section[aria-labelledby="ex-report-h"]').getByRole('link', { name: 'PDF' }).getAttribute('href');
      const pdf = await fac.context().request.get(`${base}${href}`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      const file = path.join(dir, `${x.exercise}.pdf`);
      await writeFile(file, await pdf.body());
      const raw = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      await writeFile(path.join('test-results', `exercise-${x.exercise}-after-action.txt`), raw);
      const text = raw.replace(/\s+/g, ' ');
      const played = x.decisions.filter((p) => rationales.has(p.id));
      expect(played.length).toBeGreaterThanOrEqual(x.moves.slice(0, 3).length);
      for (const p of played) {
        expect(text, `decision ${p.id}`).toContain(rationales.get(p.id)!);
        expect(text, `adjudication of ${p.id}`).toContain(notes.get(p.id)!);
      }
      expect([...rulings.values()]).toEqual(expect.arrayContaining(['accept', 'amend', 'overrule']));
      expect(text).toContain('Adjudications');
      expect(text).toMatch(/amended to "/);
      expect(text).toMatch(/overruled \(no option applies\)/);
      // The ledger effects: a section per decision, named by its team, move and what applies.
      expect(text).toContain('Ledger effects of each decision');
      const label = (p: ExerciseFile['decisions'][number], id: string) => p.options.find((o) => o.id === id)!.label;
      for (const p of played) {
        const team = x.teams.find((t) => t.id === p.team)!.name;
        const what = applied.has(p.id) ? label(p, applied.get(p.id)!) : `${label(p, chosen.get(p.id)!)} (overruled)`;
        const head = new RegExp(`\\d+\\. ${escape(team)}, move ${p.move}: ${escape(what)}`);
        expect(text, `ledger effect of ${p.id}`).toMatch(head);
        // Under its heading: the allies it moved (a table of net and rank with the draws), or why none moved.
        const effects = text.slice(text.indexOf('Ledger effects of each decision', text.indexOf('Ledger effects of each decision') + 1));
        const rest = effects.slice(effects.search(head) + 3);
        const section = rest.slice(0, rest.search(/ \d+\. [A-Z][\w ]+, move m\d: | Final state per ally /));
        expect(section, `ledger effect of ${p.id}`).toMatch(/Δ net|changes no ledger|no ledger moves|No ally's ledger moved/);
      }
      expect(text).toContain('Hot wash: issues raised');
      expect(text).toMatch(/alliance cohesion/);

      for (const page of [fac, ...seats.map((s) => s.page)]) await page.context().close();
      expect(errors, 'console errors').toEqual([]);
    });
  }
});

// On the single-user server (the shared webServer) the page says it needs the team server:
// readable, accessible, no console error, no sideways scroll on a phone.
dashboardTest('the exercise page on the single-user server says it needs the team server', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/exercise');
  await expect(page.getByTestId('needs-team-server')).toContainText('allies serve --team');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exercises' })).toHaveAttribute('aria-current', 'page');
  await noSeriousViolations(page, 'main');
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
  await page.goto('/exercise/0');
  await expect(page.locator('.problem')).toContainText('"0" is not an exercise session number');
});
