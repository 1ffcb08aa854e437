// The overview's map: zoom and pan (buttons, wheel, drag, keys), small allies reachable (a
// region jump, a marker for allies drawn too small), a card on hover and on keyboard focus,
// Enter opening the ally's balance sheet; and every chart downloadable as SVG and PNG with its
// title, source line and date. Any console error fails the test.
import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const viewBox = async (page: Page) => (await page.locator('svg.world-map').getAttribute('viewBox'))!.split(' ').map(Number);
const today = () => new Date().toISOString().slice(0, 10);

async function text(download: Download): Promise<string> {
  return readFile((await download.path())!, 'utf8');
}

test('the map zooms and pans with buttons, wheel, drag and keys', async ({ page }) => {
  await page.goto('/');
  const map = page.locator('svg.world-map');
  await expect(map.locator('.ally').first()).toBeVisible();
  const world = await viewBox(page);
  expect(world).toEqual([0, 0, 960, 440]);

  await page.getByRole('button', { name: 'Zoom in' }).click();
  const zoomed = await viewBox(page);
  expect(zoomed[2]).toBeCloseTo(640, 0);
  await page.getByRole('button', { name: 'Zoom out' }).click();
  expect(await viewBox(page)).toEqual(world);

  // The wheel zooms about the pointer.
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.3);
  await page.mouse.wheel(0, -600);
  await expect.poll(async () => (await viewBox(page))[2]).toBeLessThan(500);
  const before = await viewBox(page);
  // A drag pans (the map moves with the pointer: the view moves the other way).
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5 + 120, box.y + box.height * 0.5 + 40, { steps: 6 });
  await page.mouse.up();
  const dragged = await viewBox(page);
  expect(dragged[0]).toBeLessThan(before[0]);
  expect(dragged[2]).toBeCloseTo(before[2], 3);

  // Keys, with focus on the map: arrows pan, + and - zoom, 0 resets.
  await page.getByRole('button', { name: 'Show the whole world' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).focus();
  await page.keyboard.press('+');
  const k1 = await viewBox(page);
  expect(k1[2]).toBeLessThan(960);
  await page.keyboard.press('ArrowRight');
  expect((await viewBox(page))[0]).toBeGreaterThan(k1[0]);
  await page.keyboard.press('-');
  await page.keyboard.press('0');
  expect(await viewBox(page)).toEqual(world);
});

test('a pinch zooms the map about the fingers', async ({ page }) => {
  await page.goto('/');
  const map = page.locator('svg.world-map');
  await expect(map.locator('.ally').first()).toBeVisible();
  // Two touch pointers spread apart over the map (pointer events, as a touch screen sends them).
  await map.evaluate((svg) => {
    const r = svg.getBoundingClientRect();
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    const send = (type: string, id: number, x: number) => svg.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch', clientX: x, clientY: cy, button: 0, bubbles: true, isPrimary: id === 1 }));
    send('pointerdown', 1, cx - 20);
    send('pointerdown', 2, cx + 20);
    for (let d = 25; d <= 80; d += 5) {
      send('pointermove', 1, cx - d);
      send('pointermove', 2, cx + d);
    }
    send('pointerup', 1, cx - 80);
    send('pointerup', 2, cx + 80);
  });
  // Fingers 40 px apart spread to 160: four times closer.
  await expect.poll(async () => (await viewBox(page))[2]).toBeCloseTo(240, 0);
});

test('small allies are reachable: Europe and East Asia at a click, a marker for the smallest', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('svg.world-map .ally').first()).toBeVisible();
  // At world scale the Baltic states are too small to point at: each gets a marker at its capital.
  for (const iso of ['EST', 'LTU']) await expect(page.locator(`svg.world-map .small-marker[data-marker="${iso}"]`)).toHaveCount(1);
  await page.getByRole('button', { name: 'Europe' }).click();
  const [x, y, w, h] = await viewBox(page);
  expect(w).toBeLessThan(300);
  // Estonia is now drawn large enough to hover and to click.
  const estonia = page.locator('svg.world-map path.ally[data-iso3="EST"]');
  const box = (await estonia.boundingBox())!;
  expect(box.width).toBeGreaterThan(15);
  await estonia.hover();
  await expect(page.locator('.map-card')).toContainText('Estonia');
  expect(x + w).toBeGreaterThan(400);
  expect(y + h).toBeGreaterThan(100);

  await page.getByRole('button', { name: 'East Asia' }).click();
  for (const iso of ['KOR', 'JPN', 'TWN', 'PHL']) {
    const b = (await page.locator(`svg.world-map .ally[data-iso3="${iso}"]`).boundingBox())!;
    expect(Math.max(b.width, b.height), iso).toBeGreaterThan(12);
  }
  await page.locator('svg.world-map path.ally[data-iso3="KOR"]').click();
  await expect(page).toHaveURL(/\/ally\/KOR/);
});

test('an ally\'s card shows on hover and on keyboard focus; Enter opens its balance sheet', async ({ page }) => {
  await page.goto('/');
  const map = page.locator('svg.world-map');
  await expect(map.locator('.ally').first()).toBeVisible();
  // No browser tooltip: the card replaces the <title>s.
  await expect(map.locator('title')).toHaveCount(0);

  await map.locator('path.ally[data-iso3="AUS"]').hover();
  const card = page.locator('.map-card');
  await expect(card).toBeVisible();
  await expect(card).toContainText('Australia');
  for (const label of ['net', 'rank', 'coverage', 'top asset', 'top liability']) await expect(card.locator('dt', { hasText: label }).first()).toBeVisible();
  await expect(card.locator('dd').nth(1)).toContainText(/band \d+(–\d+)?/);
  // The biggest lines come from the ledgers: a label and its points.
  await expect(card.locator('dt:has-text("top asset") + dd')).toContainText(/\(\+\d+\.\d\)/);
  await expect(card.locator('dt:has-text("top liability") + dd')).toContainText(/\(−\d+\.\d\)/);
  await page.mouse.move(0, 0);
  await expect(card).toBeHidden();

  // Tab from the map's last button into the countries: the focused ally shows its card.
  await page.locator('.map-tools button[data-format="png"]').focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-iso3'));
  expect(focused).toMatch(/^[A-Z]{3}$/);
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('data-iso3', focused!);
  await page.locator('svg.world-map .ally[data-iso3="JPN"]').focus();
  await expect(card).toContainText('Japan');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/ally\/JPN/);
});

test('the map and every chart download as SVG and PNG with title, source and date', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('svg.world-map .ally').first()).toBeVisible();
  const [svgFile] = await Promise.all([page.waitForEvent('download'), page.locator('.map-tools button[data-format="svg"]').click()]);
  expect(svgFile.suggestedFilename()).toMatch(/^u-s-allies-by-net-balance-\d{4}-\d{4}-\d\d-\d\d\.svg$/);
  const svg = await text(svgFile);
  expect(svg).toContain('<svg');
  expect(svg).toMatch(/U\.S\. allies by net balance, \d{4}/);
  expect(svg).toContain('Source: Alliance Ledger ledgers');
  expect(svg).toContain(`(downloaded ${today()})`);
  expect(svg).toContain('data-iso3="JPN"');
  const [pngFile] = await Promise.all([page.waitForEvent('download'), page.locator('.map-tools button[data-format="png"]').click()]);
  expect(pngFile.suggestedFilename()).toMatch(/\.png$/);
  const png = await readFile((await pngFile.path())!);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.readUInt32BE(16)).toBeGreaterThan(900); // width in pixels (drawn at 2x)

  // Charts drawn with Plot get the same buttons without asking: every chart on these pages.
  for (const [url, count] of [['/ally/JPN', 2], ['/history', 1], ['/network?year=2024', 2]] as const) {
    await page.goto(url);
    await expect(page.locator('.chart-download').first()).toBeVisible();
    const charts = await page.locator('.chart-host, svg.network-graph').count();
    expect(await page.locator('.chart-download').count(), url).toBeGreaterThanOrEqual(Math.min(charts, count));
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('.chart-download button[data-format="svg"]').first().click()]);
    const body = await text(file);
    expect(body, url).toMatch(/<text[^>]*font-weight="600"[^>]*>[^<]{10,}<\/text>/);
    expect(body, url).toMatch(/Sources?:/);
    expect(body, url).toContain(today());
    const [image] = await Promise.all([page.waitForEvent('download'), page.locator('.chart-download button[data-format="png"]').first().click()]);
    expect((await readFile((await image.path())!)).subarray(1, 4).toString()).toBe('PNG');
  }
});

test('at 390 px the map fits the screen and its tools stay usable', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.locator('svg.world-map .ally').first()).toBeVisible();
  const box = (await page.locator('svg.world-map').boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await page.getByRole('button', { name: 'Europe' }).click();
  await page.locator('svg.world-map path.ally[data-iso3="POL"]').tap().catch(() => page.locator('svg.world-map path.ally[data-iso3="POL"]').click());
  await expect(page).toHaveURL(/\/ally\/POL/);
});
