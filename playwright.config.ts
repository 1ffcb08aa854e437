// End-to-end tests of the dashboard in real Chromium (Debian's /usr/bin/chromium), against a
// real server that Playwright starts on a free localhost port with `npm start`'s script.
// Screenshots of every test are kept in test-results/.
import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';

/** A port the OS says is free now; fixed in the environment so test workers see the same one. */
function freePort(): string {
  const probe = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();})";
  return execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim();
}

const port = (process.env.ALLIES_E2E_PORT ??= freePort());
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL,
    viewport: { width: 1366, height: 800 },
    screenshot: 'on',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `npx tsx scripts/start.ts --port ${port}`,
    url: `${baseURL}/api`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
