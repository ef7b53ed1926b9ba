import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status, type ServiceError } from '@grpc/grpc-js';
import { AppProcess } from '../support/app-process';
import { realServerOrSkip } from '../support/embedded-postgres';
import { shipmentServiceClient } from '../support/grpc-client';
import { eventually } from '../support/poll';

/**
 * The app on OPA, through a switchable proxy: while OPA cannot answer, every request that needs a
 * decision is refused with UNAVAILABLE (never allowed, never a 500) and the process reports
 * itself not ready; once OPA is back, both recover without a restart.
 */
const withOpa = realServerOrSkip('OPA_URL', 'OPA (`npm run infra:up`)');

/** Forwards to the real OPA, or answers 503 while `down`. */
async function switchableProxy(target: string): Promise<{ url: string; down: boolean; close(): Promise<void> }> {
  const state = { down: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (state.down) {
        res.writeHead(503).end();
        return;
      }
      fetch(`${target}${req.url ?? '/'}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
      })
        .then(async (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(Buffer.from(await answer.arrayBuffer())))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

withOpa('policy engine outage (OPA behind a proxy)', (env) => {
  let proxy: Awaited<ReturnType<typeof switchableProxy>>;
  let app: AppProcess;
  let token: string;
  let grpc: ReturnType<typeof shipmentServiceClient>;

  beforeAll(async () => {
    proxy = await switchableProxy(env.OPA_URL.replace(/\/+$/, ''));
    app = await AppProcess.start({ OPA_URL: proxy.url });
    const creds = await app.newTenant('Outage tenant');
    token = await app.token(creds.clientId, creds.clientSecret);
    grpc = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
  });

  afterAll(async () => {
    grpc?.close();
    await app?.stop();
    app?.dispose();
    await proxy?.close();
  });

  const ready = async () => {
    const res = await fetch(`${app.baseUrl}/health/ready`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
  };
  const list = () => app.graphql<{ shipments: { edges: unknown[] } }>(token, '{ shipments(first: 1) { edges { cursor } } }');
  const grpcCode = (promise: Promise<unknown>) => promise.then(() => status.OK, (error: ServiceError) => error.code);

  it('is ready and decides while OPA answers', async () => {
    await expect(ready()).resolves.toEqual({ status: 200, body: expect.objectContaining({ checks: { database: 'up', 'policy engine (opa)': 'up' } }) });
    const answer = await list();
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.shipments.edges).toEqual([]);
  });

  it('refuses with UNAVAILABLE over GraphQL and gRPC and reports not ready while OPA is down, then recovers', async () => {
    proxy.down = true;
    const refused = await list();
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE']);
    expect(JSON.stringify(refused)).not.toMatch(/at |node_modules|ECONNREFUSED|HTTP 503/);
    expect(await grpcCode(grpc.call('ListShipments', { first: 1 }, token))).toBe(status.UNAVAILABLE);
    await expect(ready()).resolves.toEqual({ status: 503, body: expect.objectContaining({ checks: { database: 'up', 'policy engine (opa)': 'down' } }) });

    proxy.down = false;
    await eventually('the app to be ready again', async () => ((await ready()).status === 200 ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
    expect((await list()).errors).toBeUndefined();
    expect(await grpcCode(grpc.call('ListShipments', { first: 1 }, token))).toBe(status.OK);
  });
});
