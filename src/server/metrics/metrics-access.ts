import { BlockList, isIP } from 'node:net';

/**
 * `METRICS_ALLOW_FROM`: addresses and networks (`10.0.0.5`, `10.0.0.0/8`, `fd00::/8`) from which
 * `/metrics` answers without the token. The client's address is the one the rate limits use
 * (http/rate-limit.ts `clientAddress`: the socket's, or with TRUST_PROXY the first
 * X-Forwarded-For entry).
 */
export interface MetricsAllowList {
  /** As configured, for messages and the README. */
  readonly entries: readonly string[];
  allows(address: string): boolean;
}

/** Throws on an entry that is neither an address nor a network (the server refuses to start). */
export function parseMetricsAllowList(entries: readonly string[]): MetricsAllowList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) throw new Error(`METRICS_ALLOW_FROM: "${entry.slice(0, 60)}" is not an IP address or network`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`METRICS_ALLOW_FROM: "${entry.slice(0, 60)}" has no valid prefix length`);
    list.addSubnet(address, bits, type);
  }
  return {
    entries: [...entries],
    allows(raw) {
      // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
      const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(raw)?.[1];
      const address = mapped ?? raw;
      const family = isIP(address);
      if (family === 0) return false;
      return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
