import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF care for webhook endpoints: in production mode an endpoint must not reach the server's
 * own network. Refused: loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, unspecified and multicast addresses, checked for every
 * address the name resolves to, at configuration and again before each delivery (a name may be
 * pointed elsewhere later). WEBHOOK_ALLOW_LOCAL_HTTP lifts this (tests and demos only).
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
