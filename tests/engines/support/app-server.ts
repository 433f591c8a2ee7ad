import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopChild, waitUntilAnswering } from '../../support/child-server.ts';

/** The demo settings the engine lanes start the app with (as playwright.config.ts does). */
export const ENGINE_DEMO = {
  password: 'engine-demo-password',
  linkToken: 'engine-demo-link-token-01',
  /** The demo accounts' TOTP secret (base32): the lanes compute the current code from it. */
  totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
} as const;

export interface AppServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `node src/server/main.ts` over the built app (dist/) with its own data directory.
 * `publicUrl` is where the browser reaches it (the proxy): the card app's link and the return to
 * the reception are made from it, as on a clinic's LAN (README, "From a tablet on the clinic's LAN").
 */
export async function startAppServer(publicUrl: string): Promise<AppServer> {
  if (!fs.existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` before the engine lanes.');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-engine-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['src/server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      DATA_DIR: dataDir,
      DEMO_PASSWORD: ENGINE_DEMO.password,
      DEMO_LINK_TOKEN: ENGINE_DEMO.linkToken,
      DEMO_TOTP_SECRET: ENGINE_DEMO.totpSecret,
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/api/health/ready`, child, { why: () => stderr.slice(-2000) });
  return {
    url,
    dataDir,
    async stop() {
      await stopChild(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
