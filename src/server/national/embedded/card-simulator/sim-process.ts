import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '../../../http/logger.ts';
import { SIM_CA_CERT_PATH, SIM_CRL_PATH } from './sim-app.ts';
import type { CardSimulatorLink } from './sim-link.ts';

const SIM_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sim-main.ts');
const START_TIMEOUT_MS = 60_000;

export interface CardSimulatorProcess {
  link: CardSimulatorLink;
  /** The demo CA certificate (public), fetched from the simulator. */
  caCertPem: string;
  /** Where the reception fetches the demo CA's revocation list. */
  crlUrl: string;
  child: ChildProcess;
  stop(): void;
}

/**
 * Starts the card-app simulator as a child process with its own data directory (issue 12 #3).
 * It gets no part of the reception's environment beyond what Node needs (no database URL, no
 * secret keys), and dies with the reception: killed on exit, and by itself when the IPC channel
 * closes.
 */
export async function startCardSimulatorProcess(options: { simDataDir: string; port: number }): Promise<CardSimulatorProcess> {
  const env: NodeJS.ProcessEnv = { SIM_DATA_DIR: options.simDataDir, SIM_PORT: String(options.port) };
  for (const name of ['PATH', 'HOME', 'TZ', 'LANG', 'LOG_LEVEL', 'NODE_OPTIONS']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  const child = spawn(process.execPath, [SIM_MAIN], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let stopping = false;
  const stop = () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('The card-app simulator did not start in time.'));
    }, START_TIMEOUT_MS);
    child.once('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'ready' && typeof message.port === 'number') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The card-app simulator exited during start-up (${signal ?? `code ${code}`}).`));
    });
  });
  child.once('exit', (code, signal) => {
    if (!stopping) log('error', 'card_simulator_exited', { code: code ?? undefined, signal: signal ?? undefined });
  });
  // The IPC channel stays open so the child notices the parent's death; it must not keep the
  // reception alive by itself.
  child.unref();
  child.channel?.unref();
  const base = `http://127.0.0.1:${port}`;
  const caRes = await fetch(`${base}${SIM_CA_CERT_PATH}`);
  if (!caRes.ok) throw new Error('The card-app simulator did not hand out its CA certificate.');
  return {
    link: (pathAndQuery, init) => fetch(`${base}${pathAndQuery}`, init),
    caCertPem: await caRes.text(),
    crlUrl: `${base}${SIM_CRL_PATH}`,
    child,
    stop,
  };
}
