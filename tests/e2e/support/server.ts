import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopChild, waitUntilAnswering } from '../../support/child-server.ts';

export interface RunningServer {
  url: string;
  staticDir: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts a separate real server over its own copy of the built app, for tests that change the
 * served files (a new service-worker version) or need a server (and demo institution) of their
 * own. `env` adds to the server's environment (the demo password, link token, TOTP secret).
 */
export async function startServerWithOwnBuild(options: { env?: Record<string, string> } = {}): Promise<RunningServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-e2e-own-'));
  const staticDir = path.join(root, 'dist');
  const dataDir = path.join(root, 'data');
  fs.cpSync(path.resolve('dist'), staticDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['src/server/main.ts'], {
    env: { ...process.env, ...options.env, PORT: String(port), STATIC_DIR: staticDir, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  const url = `http://localhost:${port}`;
  await waitUntilAnswering(`${url}/api/health`, child, { timeoutMs: 40_000 });
  return {
    url,
    staticDir,
    dataDir,
    async stop() {
      await stopChild(child);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
