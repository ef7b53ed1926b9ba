import { isIPv6 } from 'node:net';

/**
 * The address a request came from, for per-address limits. With no trusted proxy, the socket's
 * peer: `X-Forwarded-For` is anybody's to write, so believing it would let one client pose as many
 * (and dodge the limit). Behind `trustedProxyHops` reverse proxies that each append the address
 * they saw (nginx, an ingress, a cloud load balancer), the socket's peer is the nearest proxy and
 * the client is the entry that the outermost trusted proxy appended: `trustedProxyHops` entries
 * from the right of the header, counting the socket's peer as the first. Entries further left
 * were written by the client and are ignored; with fewer entries than hops, the leftmost wins.
 * (The same rule as Express's numeric `trust proxy`.)
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxyHops: number): string {
  const peer = socketAddress ?? 'unknown';
  if (trustedProxyHops <= 0) return limitKey(peer);
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const chain = [
    ...header
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0),
    peer,
  ];
  const client = chain[Math.max(0, chain.length - 1 - trustedProxyHops)]!;
  // A bounded key: the header's entries are whatever the proxy saw, but keep the database key short.
  return limitKey(client).slice(0, 100);
}

/**
 * One key per client however its address is written: an IPv4 address as itself (also when a
 * dual-stack socket reports it as `::ffff:a.b.c.d`); an IPv6 address by its /64, the smallest
 * block one subscriber gets, since any of its 2^64 addresses is theirs to use (a key per address
 * would give one client an unlimited number of allowances).
 */
export function limitKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
