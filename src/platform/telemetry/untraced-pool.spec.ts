import { Client, Pool } from 'pg';
import { UntracedClient, unwrapped, untracedPool } from './untraced-pool';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** A wrapper the way OpenTelemetry's instrumentations (shimmer) wrap a prototype's method. */
function instrumentationWrap(original: Method, calls: string[], name: string): Method {
  const wrapper = function (this: unknown, ...args: unknown[]) {
    calls.push(`traced ${name}`);
    return original.apply(this, args);
  };
  return Object.assign(wrapper, { __wrapped: true, __original: original, __unwrap: () => undefined });
}

describe('untraced pg clients and pools', () => {
  const calls: string[] = [];
  const pgQuery = Client.prototype.query;
  const poolPrototype = Object.getPrototypeOf(new Pool()) as { connect: Method };
  const ownConnect = Object.hasOwn(poolPrototype, 'connect');

  beforeEach(() => {
    calls.length = 0;
    // pg's own query, stubbed (no server), under an instrumentation's wrapper, as once the SDK started
    const ownQuery: Method = function (this: unknown, ...args: unknown[]) {
      calls.push(`pg query ${String(args[0])} on ${this instanceof UntracedClient ? 'untraced' : 'plain'} client`);
      return Promise.resolve({ rows: [] });
    };
    Client.prototype.query = instrumentationWrap(ownQuery, calls, 'query') as typeof Client.prototype.query;
    const ownPoolConnect: Method = function (this: unknown) {
      calls.push('pool connect');
      return Promise.resolve(null);
    };
    poolPrototype.connect = instrumentationWrap(ownPoolConnect, calls, 'connect');
  });

  afterEach(() => {
    Client.prototype.query = pgQuery;
    if (ownConnect) return;
    delete (poolPrototype as Partial<typeof poolPrototype>).connect;
  });

  it("unwraps an instrumentation's wrappers down to the function they wrapped, and leaves others alone", () => {
    const own: Method = () => 'own';
    expect(unwrapped(instrumentationWrap(instrumentationWrap(own, calls, 'a'), calls, 'b'))).toBe(own);
    expect(unwrapped(own)).toBe(own);
    expect(unwrapped(Object.assign((() => 'x') as Method, { __original: own }))).not.toBe(own);
  });

  it("runs an untraced client's queries past the instrumentation, and a plain client's through it", async () => {
    await new UntracedClient().query('SELECT 1');
    expect(calls).toEqual(['pg query SELECT 1 on untraced client']);
    calls.length = 0;
    await new Client().query('SELECT 2');
    expect(calls).toEqual(['traced query', 'pg query SELECT 2 on plain client']);
  });

  it("makes a pool of untraced clients whose checkouts pass the instrumentation too", async () => {
    const pool = untracedPool({ max: 1 });
    expect((pool as unknown as { options: { Client: unknown; max: number } }).options).toEqual(expect.objectContaining({ Client: UntracedClient, max: 1 }));
    await pool.connect();
    expect(calls).toEqual(['pool connect']);
    calls.length = 0;
    await new Pool().connect();
    expect(calls).toEqual(['traced connect', 'pool connect']);
  });
});
