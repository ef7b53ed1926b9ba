import { Client, Pool, type PoolConfig } from 'pg';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * `method` as it was before any instrumentation wrapped it. OpenTelemetry's instrumentations wrap
 * a prototype's method the way shimmer does, and keep the function they wrapped as the
 * wrapper's `__original` (what their `isWrapped` checks and `unwrap` restores).
 */
export function unwrapped<F extends Method>(method: F): F {
  let current: F = method;
  for (let hops = 0; hops < 8; hops += 1) {
    const wrapper = current as F & { __wrapped?: boolean; __original?: F };
    if (wrapper.__wrapped !== true || typeof wrapper.__original !== 'function') break;
    current = wrapper.__original;
  }
  return current;
}

/**
 * A node-postgres client that the pg instrumentation does not see: its queries call pg's own
 * `query`, not the instrumentation's wrapper, so they make no span (to start, sample and drop),
 * no attributes, no recorded duration, no wrapped callback. Looked up at each call, so the
 * instrumentation may wrap (or unwrap) pg at any time.
 */
export class UntracedClient extends Client {}
Object.defineProperty(UntracedClient.prototype, 'query', {
  configurable: true,
  writable: true,
  value: function query(this: Client, ...args: unknown[]): unknown {
    return ownQuery().apply(this, args);
  },
});

/** pg's own `Client#query`, unwrapped again only when the prototype's changed (one compare per query). */
let seenQuery: unknown = null;
let pgQuery: Method = Client.prototype.query as Method;
function ownQuery(): Method {
  const current = Client.prototype.query as Method;
  if (current !== seenQuery) {
    seenQuery = current;
    pgQuery = unwrapped(current);
  }
  return pgQuery;
}

/**
 * A pool of UntracedClients whose checkouts the instrumentation does not see either (it counts
 * each checkout and release in `db.client.connection.count` otherwise). For a library's own
 * bookkeeping connections, each of whose statements would be a span that says nothing (DBOS's
 * system database, ADR 0045). The errors of idle clients are the owner's to listen to.
 */
export function untracedPool(config: PoolConfig): Pool {
  const pool = new Pool({ ...config, Client: UntracedClient });
  Object.defineProperty(pool, 'connect', {
    configurable: true,
    writable: true,
    value: function connect(this: Pool, ...args: unknown[]): unknown {
      return unwrapped(Object.getPrototypeOf(pool).connect as Method).apply(this, args);
    },
  });
  return pool;
}
