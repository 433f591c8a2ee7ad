import http from 'node:http';
import type net from 'node:net';

/**
 * The network between the browser and the app, with a switch (issue 21 #1). Neither WebKitGTK's
 * WebDriver nor Firefox's BiDi cuts a service worker's own requests, so "offline" here is this
 * proxy refusing every connection: the page and its worker both see a failed fetch, as on a
 * tablet whose Wi-Fi dropped. It also counts the requests that reached the app, so a test can
 * prove that a form was sent exactly once.
 */
export interface OfflineProxy {
  /** Where the browser opens the app (http://localhost:PORT, a secure context). */
  readonly url: string;
  readonly port: number;
  setOffline(offline: boolean): void;
  /** Where requests go: the app is started after the proxy, with the proxy's address as its PUBLIC_URL. */
  setTarget(url: string): void;
  /** `METHOD /path` of every request passed to the app, in order (query strings dropped). */
  requests(): string[];
  close(): Promise<void>;
}

export async function startOfflineProxy(): Promise<OfflineProxy> {
  let upstream: URL | null = null;
  const agent = new http.Agent({ keepAlive: true });
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  let offline = false;

  const server = http.createServer((req, res) => {
    if (!upstream) {
      res.writeHead(503).end('no app behind the proxy yet');
      return;
    }
    seen.push(`${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        // rawHeaders keeps repeated headers (several Set-Cookie) as the app sent them.
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    if (offline) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Every interface: the WebKit lane also opens the staff pages at this machine's LAN address.
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://localhost:${port}`,
    port,
    setOffline(value) {
      offline = value;
      // Kept-alive connections would otherwise carry on as if nothing happened.
      if (value) for (const socket of sockets) socket.destroy();
    },
    setTarget(url) {
      upstream = new URL(url);
    },
    requests: () => [...seen],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
