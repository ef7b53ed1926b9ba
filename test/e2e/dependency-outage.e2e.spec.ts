import { status, type ServiceError } from '@grpc/grpc-js';
import { expectNoLeak } from '../security/security-support';
import { AppProcess, type DemoCredentials } from '../support/app-process';
import { TEST_KEY_ENCRYPTION_KEY, e2eTargets } from '../support/e2e-targets';
import { shipmentServiceClient } from '../support/grpc-client';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, shipmentInput, trackUpdated } from '../support/shipment-fixtures';
import { startTestEmbeddedDatabase, type EmbeddedDatabase } from '../support/embedded-postgres';
import { SwitchableProxy } from '../support/switchable-proxy';

/**
 * PostgreSQL or Temporal stops answering (issue 13, ADR 0032): the app runs on the real servers
 * with both behind loopback proxies the test stops and resumes (the shared servers are never
 * touched). A request that needs the missing dependency is refused as UNAVAILABLE (GraphQL
 * `extensions.code`, gRPC status, webhook 503 with a code), never INTERNAL_SERVER_ERROR, so
 * clients retry; once the dependency is back, the same requests work without a restart.
 */
const real = e2eTargets().find((target) => target.name === 'real servers')!;

const through = (url: string, proxy: SwitchableProxy) => {
  const parsed = new URL(url);
  parsed.host = proxy.address;
  return parsed.toString();
};

real.describe('dependency outages (real servers, PostgreSQL and Temporal behind proxies)', () => {
  let database: SwitchableProxy;
  let temporal: SwitchableProxy;
  let app: AppProcess;
  let creds: DemoCredentials;
  let token: string;
  let grpc: ReturnType<typeof shipmentServiceClient>;

  beforeAll(async () => {
    database = await SwitchableProxy.start(new URL(real.env.DATABASE_URL!).host);
    temporal = await SwitchableProxy.start(real.env.TEMPORAL_ADDRESS!);
    app = await AppProcess.start({
      ...real.env,
      DATABASE_URL: through(real.env.DATABASE_URL!, database),
      DATABASE_OWNER_URL: through(real.env.DATABASE_OWNER_URL!, database),
      DATABASE_ENGINE_URL: through(real.env.DATABASE_ENGINE_URL!, database),
      TEMPORAL_ADDRESS: temporal.address,
    });
    creds = await app.newTenant('Dependency outage');
    token = await app.token(creds.clientId, creds.clientSecret);
    grpc = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
  }, 120_000);

  afterAll(async () => {
    grpc?.close();
    await database?.resume();
    await temporal?.resume();
    await app?.stop();
    app?.dispose();
    await database?.stop();
    await temporal?.stop();
  });

  const list = () => app.graphql<{ shipments: { edges: unknown[] } }>(token, '{ shipments(first: 1) { edges { cursor } } }');
  const grpcCode = (promise: Promise<unknown>) => promise.then(() => status.OK, (error: ServiceError) => error.code);
  const webhook = async (body: unknown) => {
    const started = Date.now();
    const res = await fetch(`${app.baseUrl}/webhooks/carrier-tracking`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-token': creds.webhookToken },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, text: await res.text(), ms: Date.now() - started };
  };
  const grpcCreate = (key: string) => {
    const input = shipmentInput(key);
    return grpc.call('CreateShipment', { ...input, parcel: { ...input.parcel } }, token);
  };

  it('answers UNAVAILABLE on GraphQL and gRPC, and 503 on the webhook within 3 s, while PostgreSQL is down; recovers when it is back', async () => {
    expect((await list()).errors).toBeUndefined();
    await database.stop();
    try {
      const refused = await list();
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE']);
      expectNoLeak(refused);
      expect(JSON.stringify(refused)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Connection terminated/);
      expect(await grpcCode(grpc.call('ListShipments', { first: 1 }, token))).toBe(status.UNAVAILABLE);
      const hook = await webhook(trackUpdated('SBX00000000000000000000', 'TRANSIT', '2026-11-20T12:00:00Z'));
      process.stdout.write(`webhook with PostgreSQL down: ${hook.status} in ${hook.ms} ms\n`);
      expect(hook.status).toBe(503);
      expect(JSON.parse(hook.text)).toMatchObject({ code: 'UNAVAILABLE' });
      expect(hook.ms).toBeLessThan(3_000);
      expectNoLeak(hook.text);
    } finally {
      await database.resume();
    }
    await eventually('GraphQL to answer again', async () => ((await list()).errors === undefined ? true : undefined), { timeoutMs: 20_000, intervalMs: 200 });
    expect(await grpcCode(grpc.call('ListShipments', { first: 1 }, token))).toBe(status.OK);
    expect(app.logs.join('\n')).not.toMatch(/INTERNAL_SERVER_ERROR|unexpected GraphQL error/);
  }, 120_000);

  it('answers UNAVAILABLE on GraphQL and gRPC creates while Temporal is down; creates work again when it is back', async () => {
    await temporal.stop();
    try {
      const started = Date.now();
      const refused = await app.graphql(token, CREATE_SHIPMENT, { input: shipmentInput('temporal-outage-1') });
      process.stdout.write(`createShipment with Temporal down: ${JSON.stringify(refused.errors?.map((e) => e.extensions?.code))} in ${Date.now() - started} ms\n`);
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE']);
      expectNoLeak(refused);
      expect(await grpcCode(grpcCreate('temporal-outage-2'))).toBe(status.UNAVAILABLE);
    } finally {
      await temporal.resume();
    }
    // The same request again, as a client that was told to retry: it goes through now.
    const retried = await eventually('createShipment to work again', async () => {
      const res = await app.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, { input: shipmentInput('temporal-outage-1') });
      return res.errors === undefined ? res.data!.createShipment : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(retried.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.logs.join('\n')).not.toMatch(/INTERNAL_SERVER_ERROR|unexpected GraphQL error/);
  }, 180_000);
});

/**
 * The database link freezes (connections stay open, nothing comes back): the webhook gives its
 * durable write 2.5 s, then answers 503 UNAVAILABLE, inside Shippo's 3 s. Needs no shared server:
 * the embedded database runs as a server of its own (a child process), which the app reaches as
 * it would a PostgreSQL, through a proxy the test freezes.
 */
describe('the webhook while the database link is frozen (embedded database served behind a proxy)', () => {
  let db: EmbeddedDatabase;
  let proxy: SwitchableProxy;
  let app: AppProcess;
  let creds: DemoCredentials;

  beforeAll(async () => {
    db = await startTestEmbeddedDatabase('logisynapse-frozen-link-');
    proxy = await SwitchableProxy.start(new URL(db.endpoints.appUrl).host);
    app = await AppProcess.start({
      DATABASE_URL: through(db.endpoints.appUrl, proxy),
      DATABASE_OWNER_URL: through(db.endpoints.ownerUrl, proxy),
      DATABASE_ENGINE_URL: through(db.endpoints.engineUrl, proxy),
      // A database reached by URL needs the key-encryption key from the environment (ADR 0028).
      LOGISYNAPSE_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY,
    });
    creds = await app.newTenant('Frozen link');
  }, 120_000);

  afterAll(async () => {
    proxy?.thaw();
    await app?.stop();
    app?.dispose();
    await proxy?.stop();
    await db?.dispose();
  });

  const webhook = async () => {
    const started = Date.now();
    const res = await fetch(`${app.baseUrl}/webhooks/carrier-tracking`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-token': creds.webhookToken },
      body: JSON.stringify(trackUpdated('SBX00000000000000000001', 'TRANSIT', '2026-11-20T12:00:00Z')),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, text: await res.text(), ms: Date.now() - started };
  };

  it('answers 503 UNAVAILABLE within 3 s, and 202 again once the link is back', async () => {
    expect((await webhook()).status).toBe(202);
    proxy.freeze();
    let hook: Awaited<ReturnType<typeof webhook>>;
    try {
      hook = await webhook();
    } finally {
      proxy.thaw();
    }
    process.stdout.write(`webhook with the database link frozen: ${hook.status} in ${hook.ms} ms\n`);
    expect(hook.status).toBe(503);
    expect(JSON.parse(hook.text)).toMatchObject({ code: 'UNAVAILABLE' });
    expectNoLeak(hook.text);
    expect(hook.ms).toBeGreaterThanOrEqual(2_000);
    expect(hook.ms).toBeLessThan(3_000);
    await eventually('the webhook to accept again', async () => ((await webhook()).status === 202 ? true : undefined), { timeoutMs: 20_000, intervalMs: 200 });
  }, 60_000);
});
