import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// E2E_PORT lets two checkouts run their browser suites side by side. Each project has its own
// server (so its own seeded demo institution, staff accounts and simulated cards): the tablet's
// behaviour flows and the phone's and desktop's screens never see each other's data.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 4310);
export const E2E_PROJECTS = ['tablet', 'phone', 'desktop'] as const;
export type E2eProject = (typeof E2E_PROJECTS)[number];
export const E2E_PORTS: Record<E2eProject, number> = { tablet: E2E_PORT, phone: E2E_PORT + 1000, desktop: E2E_PORT + 2000 };
export const E2E_DEMO_PASSWORD = 'e2e-demo-password';
export const E2E_LINK_TOKEN = 'e2e-demo-link-token-0001';
/** Every demo account's TOTP secret (base32): browser tests compute the current code from it. */
export const E2E_DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
// Set once in the main process; the workers inherit it, so tests can reach the same data
// (for example to reset a simulated card the way the municipal office would).
process.env.E2E_DATA_ROOT ??= path.join(os.tmpdir(), `zaitaku-e2e-${Date.now()}`);
const E2E_DATA_ROOT = process.env.E2E_DATA_ROOT;
/** A project's server data directory (its simulated cards live beside it, in `<dir>-card-sim`). */
export function e2eDataDir(project: string): string {
  return path.join(E2E_DATA_ROOT, project);
}
/** The tablet's data: every behaviour flow runs there. */
export const E2E_DATA_DIR = e2eDataDir('tablet');

// Debian's Chromium: browsers cannot be downloaded on these machines. Its headless shell (package
// chromium-headless-shell, the same Blink build without the desktop browser around it) is used
// when installed: the same tests took 27 % less CPU with it (README, "Run it"); else the full
// Chromium in headless mode. CHROMIUM_PATH picks either.
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
const executablePath = process.env.CHROMIUM_PATH || (fs.existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium');
if (!fs.existsSync(executablePath)) {
  throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium-headless-shell fonts-noto-cjk, or set CHROMIUM_PATH.`);
}
const launchOptions = {
  executablePath,
  args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
};

/** The projects named on the command line (`--project=tablet`), so only their servers start. */
function requestedProjects(): E2eProject[] {
  const named: string[] = [];
  process.argv.forEach((arg, i) => {
    if (arg === '--project') named.push(process.argv[i + 1] ?? '');
    else if (arg.startsWith('--project=')) named.push(arg.slice('--project='.length));
  });
  const known = E2E_PROJECTS.filter((project) => named.length === 0 || named.includes(project));
  return known.length > 0 ? known : [...E2E_PROJECTS];
}

const SCREENS_SPEC = /screens\.spec\.ts$/;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  // No retries: a test that passes only on its second attempt is a failure (issue 14 #1).
  retries: 0,
  // The JSON report is read by tests/check-skips.ts: an undeclared skip fails the run.
  reporter: [
    ['list'],
    ['json', { outputFile: 'test-reports/playwright.json' }],
    ...(process.env.CI ? [] : [['html', { open: 'never', outputFolder: 'playwright-report' }] as const]),
  ],
  // Flows that walk several screens run past 30 s when two workers share the two cores;
  // expectations keep their own short timeouts.
  timeout: 60_000,
  use: {
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    // The app stops its animations for people who ask for less motion (styles.css). In tests the
    // waiting spinner and the QR's expiry ring otherwise repaint 60 times a second on the CPU
    // while a flow waits for the card app; the screens and their checks are the same either way.
    reducedMotion: 'reduce',
    screenshot: 'only-on-failure',
    // Recording a trace for every test cost about a quarter of the stage's time (measured: the same
    // 9 tests took 84 s without and 110 s with it). A CI machine keeps only its log, so CI records
    // none; a developer's run keeps the trace of a failed test.
    trace: process.env.CI ? 'off' : 'retain-on-failure',
    launchOptions,
  },
  // Behaviour flows run once, at the tablet size (tests that need another device open it
  // themselves); the screens spec shows every screen at the phone and desktop sizes, with an
  // accessibility scan and a screenshot each (issue 13 #7).
  projects: [
    // A 10-inch tablet in landscape, as a nurse holds it at a patient's home.
    {
      name: 'tablet',
      testIgnore: SCREENS_SPEC,
      use: { baseURL: `http://localhost:${E2E_PORTS.tablet}`, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1.5, hasTouch: true, isMobile: true },
    },
    { name: 'phone', testMatch: SCREENS_SPEC, use: { ...devices['Pixel 7'], launchOptions, baseURL: `http://localhost:${E2E_PORTS.phone}` } },
    { name: 'desktop', testMatch: SCREENS_SPEC, use: { viewport: { width: 1440, height: 900 }, baseURL: `http://localhost:${E2E_PORTS.desktop}` } },
  ],
  webServer: requestedProjects().map((project) => ({
    command: 'node src/server/main.ts',
    url: `http://localhost:${E2E_PORTS[project]}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORT: String(E2E_PORTS[project]),
      DATA_DIR: e2eDataDir(project),
      DEMO_PASSWORD: E2E_DEMO_PASSWORD,
      DEMO_LINK_TOKEN: E2E_LINK_TOKEN,
      DEMO_TOTP_SECRET: E2E_DEMO_TOTP_SECRET,
      LOG_LEVEL: 'silent',
      // The workers sign in and register from one address many times.
      RATE_LIMIT_FACTOR: '100',
      // The tamper check runs in parts of this many events, so the screen walks several (issue 17 #4).
      AUDIT_VERIFY_PART_EVENTS: '5',
    },
  })),
});
