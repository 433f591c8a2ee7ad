import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { log } from '../http/logger.ts';
import type { Phase } from '../health/readiness.ts';

/**
 * The server's life from listening to exit (issue 20 #4).
 *
 * - **starting**: the port is open from the first moment, but until the app is handed over
 *   (`serve`) only `/api/health/live` answers 200; `/api/health/ready` and everything else answer
 *   503 with `Retry-After`, so a proxy or orchestrator waits while migrations run.
 * - **ready**: the app answers.
 * - **draining** (SIGTERM or SIGINT): no new connection is accepted (the listening socket is closed
 *   at once), idle keep-alive connections are closed, every response still to be sent carries
 *   `Connection: close`, and the requests already received are answered. Loops that start work
 *   of their own (retention, expiry sweep, webhook delivery, a backup schedule) are stopped at the
 *   same time. Then the database is closed (the embedded one commits its pending group commit
 *   first), the last steps run (the card simulator's process) and the process exits 0. If the
 *   deadline passes first, the remaining connections are cut, the number of requests cut is
 *   logged, and the exit code is 1.
 */

/** The app's `fetch`: the Node request and response ride along as bindings (the client address). */
type FetchCallback = (request: Request, env: HttpBindings) => Response | Promise<Response>;

export interface ShutdownSteps {
  /** Stopped as draining starts, alongside the last requests; a returned promise is awaited (within the deadline). */
  loops: ReadonlyArray<{ name: string; stop: () => void | Promise<void> }>;
  /** After the last request and loop: commits what is pending and closes the database. */
  closeDatabase: () => Promise<void>;
  /** Last of all (the card simulator's process). */
  finally: ReadonlyArray<() => void>;
}

export interface Lifecycle {
  phase(): Phase;
  /** Opens the port (0: any free one) on `host` (every address without it) and resolves with the port; answers as `starting` until `serve`. */
  listen(port: number, host?: string): Promise<number>;
  /** Hands the requests to the app, and says how to shut down. */
  serve(fetch: FetchCallback, steps: ShutdownSteps): void;
  /** What SIGTERM and SIGINT do; resolves with the exit code (the process exits with it unless `exit` was replaced). */
  shutdown(reason: string): Promise<number>;
  /** Calls `shutdown` on SIGTERM and SIGINT; a second signal exits at once with 1. */
  handleSignals(): void;
  readonly server: http.Server;
}

/** After the deadline, what closing the database may still take before the process gives up on it. */
const CLOSE_GRACE_MS = 5000;

export function createLifecycle(options: { deadlineMs: number; exit?: (code: number) => void }): Lifecycle {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let phase: Phase = 'starting';
  let fetchApp: FetchCallback = starting;
  let steps: ShutdownSteps | null = null;
  let served: () => void = () => undefined;
  const servedOnce = new Promise<void>((resolve) => (served = resolve));
  let shuttingDown: Promise<number> | null = null;

  const server = http.createServer();
  /** Requests received and not yet answered (or cut). */
  const inFlight = new Set<http.ServerResponse>();
  // Registered before the app's listener, so the header is set before the app can write its head.
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.add(res);
    if (phase === 'draining') res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      // A keep-alive connection whose answer went out before draining began is idle now.
      if (phase === 'draining') setImmediate(() => server.closeIdleConnections());
    });
  });
  const appListener = getRequestListener((request, env) => fetchApp(request, env as HttpBindings));
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => void appListener(req, res));

  async function shutdown(reason: string): Promise<number> {
    if (shuttingDown) return shuttingDown;
    shuttingDown = (async () => {
      const wasStarting = phase === 'starting';
      phase = 'draining';
      const started = Date.now();
      log('info', 'shutdown_started', { reason, deadlineMs: options.deadlineMs, requestsInFlight: inFlight.size });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), options.deadlineMs)));
      const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      server.closeIdleConnections();
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // A start still under way (migrations) finishes first: its steps are what closes things.
      if (wasStarting) await Promise.race([servedOnce, deadline]);
      const own = steps;
      const loops = Promise.allSettled((own?.loops ?? []).map(async (loop) => {
        try {
          await loop.stop();
        } catch (err) {
          log('error', 'shutdown_loop_stop_failed', { loop: loop.name, errorName: err instanceof Error ? err.name : 'unknown' });
        }
      }));
      let forced = (await Promise.race([Promise.all([closed, loops]).then(() => 'drained' as const), deadline])) === 'deadline';
      if (forced) {
        log('error', 'shutdown_deadline_passed', { deadlineMs: options.deadlineMs, requestsCut: inFlight.size });
        server.closeAllConnections();
      }
      clearTimeout(timer);
      if (own) {
        const grace = forced ? CLOSE_GRACE_MS : Math.max(0, options.deadlineMs - (Date.now() - started)) + CLOSE_GRACE_MS;
        let graceTimer: NodeJS.Timeout | undefined;
        const closedDb = await Promise.race([
          own.closeDatabase().then(
            () => true,
            (err: unknown) => {
              log('error', 'shutdown_database_close_failed', { errorName: err instanceof Error ? err.name : 'unknown' });
              return false;
            },
          ),
          new Promise<false>((resolve) => (graceTimer = setTimeout(() => resolve(false), grace))),
        ]);
        clearTimeout(graceTimer);
        if (!closedDb) forced = true;
        for (const step of own.finally) step();
      }
      const code = forced ? 1 : 0;
      log(forced ? 'error' : 'info', 'shutdown_complete', { exitCode: code, ms: Date.now() - started });
      return code;
    })();
    return shuttingDown;
  }

  return {
    server,
    phase: () => phase,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    serve(fetch, shutdownSteps) {
      steps = shutdownSteps;
      if (phase === 'starting') {
        fetchApp = fetch;
        phase = 'ready';
      }
      served();
    },
    shutdown,
    handleSignals() {
      const onSignal = (signal: NodeJS.Signals) => {
        if (shuttingDown) {
          log('error', 'shutdown_signal_repeated', { signal });
          exit(1);
          return;
        }
        void shutdown(signal).then(exit);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
  };
}

/** Before the app is handed over: alive, not ready. */
function starting(request: Request): Response {
  const { pathname } = new URL(request.url);
  const live = pathname === '/api/health/live';
  return new Response(JSON.stringify({ status: live ? 'ok' : 'starting' }), {
    status: live ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...(live ? {} : { 'retry-after': '2' }) },
  });
}
