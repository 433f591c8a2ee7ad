import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * SSRF care for webhook endpoints: in production mode an endpoint must not reach the server's
 * own network. Refused: loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, unspecified and multicast addresses, checked for every
 * address the name resolves to, at configuration and again before each delivery (a name may be
 * pointed elsewhere later), and once more by the connection itself (guardedLookup, below).
 * WEBHOOK_ALLOW_LOCAL_HTTP lifts this (tests and demos only).
 */
const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  refused.addSubnet(net, prefix, 'ipv6');
}

export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is checked as IPv4.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return refused.check(mapped[1]!, 'ipv4');
  return refused.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export type AddressCheck = (hostname: string) => Promise<boolean>;

/** True when every address the host resolves to may be reached (and it resolves at all). */
export const publicAddressCheck: AddressCheck = async (hostname) => {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return !isRefusedAddress(host);
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.length > 0 && addresses.every((a) => !isRefusedAddress(a.address));
  } catch {
    return false;
  }
};

/** A name's addresses, as dns.lookup with `all: true` gives them. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;
const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true });

/** The connection's own lookup found an address the endpoint may not reach. */
export class RefusedAddressError extends Error {
  constructor() {
    super('the endpoint resolved to an address it may not reach');
    this.name = 'RefusedAddressError';
  }
}

/**
 * The lookup the POST's connection uses (production mode): it refuses the same addresses as
 * publicAddressCheck, on the very answer the socket then connects to. The check before each POST
 * and the connection would otherwise resolve the name separately, and a name that answers a public
 * address to the first and a private one to the second (DNS rebinding) would get through.
 */
export function guardedLookup(resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const answer = callback as (error: Error | null, address: string | LookupAddress[], family?: number) => void;
    resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) return answer(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        if (wanted.some((a) => isRefusedAddress(a.address))) return answer(new RefusedAddressError(), '');
        if (options.all) return answer(null, wanted);
        return answer(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: unknown) => answer(error instanceof Error ? error : new Error('lookup failed'), ''),
    );
  };
}

/** Whether a failed request's causes include the connection's refusal. */
export function refusedByLookup(error: unknown): boolean {
  for (let at: unknown = error; at instanceof Error; at = at.cause) if (at instanceof RefusedAddressError) return true;
  return false;
}
