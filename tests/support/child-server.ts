import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * What the test runners share about a server they start in a child process (the Playwright
 * suite's own-build server, the WebKit and Firefox lanes' app, the benchmarks).
 */

/** A free TCP port on localhost. */
export async function freePort(): Promise<number> {
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
 * Waits until `url` answers 2xx, or throws when `timeoutMs` passes or the child exits first
 * (with `why()`, say the tail of its stderr). The simulated cards' keys are generated at a
 * server's first start: slow on a busy machine, hence the generous default.
 */
export async function waitUntilAnswering(url: string, child: ChildProcess, options: { timeoutMs?: number; why?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server at ${url} did not start${options.why ? `: ${options.why()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops the child with SIGTERM (a clean shutdown) and waits for it to be gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
