import { credentials, loadPackageDefinition, type Client as GrpcClient, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { Client } from 'pg';
import { AppProcess } from '../support/app-process';
import { embeddedDatabaseUrl } from '../support/embedded-database-access';
import { eventually } from '../support/poll';

interface HealthClient extends GrpcClient {
  check(request: { service: string }, options: { deadline: Date }, callback: (error: ServiceError | null, response?: { status: string }) => void): void;
}

/**
 * Health when the embedded database stops answering (ADR 0023): readiness answers 503 within its
 * deadline instead of hanging; liveness (HTTP and gRPC health) fails while the database's thread
 * does not answer, and recovers with it.
 */
describe('health when the embedded database hangs', () => {
  let app: AppProcess;
  let health: HealthClient;

  beforeAll(async () => {
    app = await AppProcess.start();
    const proto = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient } } };
    };
    health = new proto.grpc.health.v1.Health(`127.0.0.1:${app.grpcPort}`, credentials.createInsecure());
  });

  afterAll(async () => {
    health?.close();
    await app?.stop();
    app?.dispose();
  });

  async function timed(path: string): Promise<{ status: number; body: unknown; ms: number }> {
    const started = Date.now();
    const res = await fetch(`${app.baseUrl}${path}`, { signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: await res.json(), ms: Date.now() - started };
  }

  const grpcStatus = () =>
    new Promise<string>((resolve, reject) =>
      health.check({ service: 'logisynapse.shipments.v1.ShipmentService' }, { deadline: new Date(Date.now() + 5_000) }, (error, response) =>
        error ? reject(error) : resolve(response!.status),
      ),
    );

  it('readiness answers 503 within its 2 s deadline while the shared session is held, and 200 once it is free', async () => {
    // A client that opens a transaction and says nothing more owns PGlite's only session: every
    // other query waits behind it, as when the database does not answer.
    const holder = new Client({ connectionString: embeddedDatabaseUrl(app) });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      const ready = await timed('/health/ready');
      expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { database: 'down' } } });
      expect(ready.ms).toBeLessThan(3_500);
      // The database's thread itself still answers: the process is live.
      await expect(timed('/health/live')).resolves.toMatchObject({ status: 200 });
      await expect(grpcStatus()).resolves.toBe('SERVING');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    await expect(timed('/health/ready')).resolves.toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('liveness (HTTP and gRPC health) fails while the database thread does not answer, and recovers with it', async () => {
    // A statement running in PGlite blocks its thread: 12 s is longer than liveness' 5 s deadline.
    const sleeper = new Client({ connectionString: embeddedDatabaseUrl(app) });
    await sleeper.connect();
    try {
      const started = Date.now();
      const sleeping = sleeper.query('SELECT pg_sleep(12)');
      const live = await timed('/health/live');
      expect(live).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { database: 'down' } } });
      expect(live.ms).toBeLessThan(7_000);
      await eventually('gRPC health to say NOT_SERVING', async () => ((await grpcStatus()) === 'NOT_SERVING' ? true : undefined), { timeoutMs: 10_000, intervalMs: 250 });
      expect(Date.now() - started).toBeLessThan(12_000);
      await sleeping;
    } finally {
      await sleeper.end();
    }
    await expect(timed('/health/live')).resolves.toMatchObject({ status: 200, body: { status: 'ok' } });
    await eventually('gRPC health to say SERVING again', async () => ((await grpcStatus()) === 'SERVING' ? true : undefined), { timeoutMs: 10_000, intervalMs: 250 });
  });
});
