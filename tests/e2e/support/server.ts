import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningServer {
  url: string;
  staticDir: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
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
  // The simulated cards' keys are generated at the first start: slow on a busy machine.
  const deadline = Date.now() + 40_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('test server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    staticDir,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
