import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// E2E_PORT lets two checkouts run their browser suites side by side.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 4310);
export const E2E_DEMO_PASSWORD = 'e2e-demo-password';
export const E2E_LINK_TOKEN = 'e2e-demo-link-token-0001';
/** Every demo account's TOTP secret (base32): browser tests compute the current code from it. */
export const E2E_DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
// Set once in the main process; the workers inherit it, so tests can reach the same data
// (for example to reset a simulated card the way the municipal office would).
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `zaitaku-e2e-${Date.now()}`);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR;

// Debian's Chromium: browsers cannot be downloaded on these machines.
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) {
  throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium fonts-noto-cjk, or set CHROMIUM_PATH.`);
}
const launchOptions = {
  executablePath,
  args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
};

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  // Flows that walk several screens with an accessibility scan on each run past 30 s when two
  // workers share the two cores; expectations keep their own short timeouts.
  timeout: 60_000,
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [
    // A 10-inch tablet in landscape, as a nurse holds it at a patient's home.
    { name: 'tablet', use: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1.5, hasTouch: true, isMobile: true } },
    { name: 'phone', use: { ...devices['Pixel 7'], launchOptions } },
    { name: 'desktop', use: { viewport: { width: 1440, height: 900 } } },
  ],
  webServer: {
    command: 'node src/server/main.ts',
    url: `http://localhost:${E2E_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORT: String(E2E_PORT),
      DATA_DIR: E2E_DATA_DIR,
      DEMO_PASSWORD: E2E_DEMO_PASSWORD,
      DEMO_LINK_TOKEN: E2E_LINK_TOKEN,
      DEMO_TOTP_SECRET: E2E_DEMO_TOTP_SECRET,
      LOG_LEVEL: 'silent',
      // Three projects share one server and sign in and register from one address many times.
      RATE_LIMIT_FACTOR: '100',
    },
  },
});
