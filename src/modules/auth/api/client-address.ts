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
  if (trustedProxyHops <= 0) return peer;
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
  return client.slice(0, 100);
}
