import { createServer, type Server, type Socket } from 'node:net';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Connection } from '@temporalio/client';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { Client } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { freePort } from '../../../test/support/ports';
import { badInput, DomainError, unavailable } from './domain-error';
import { asDependencyOutage, DependencyTimeoutError, isDependencyOutage, withDeadline } from './dependency-outage';

/** A port nothing listens on (taken from the OS, then released). */
const closedPort = () => freePort();

/** A server that accepts and then closes every connection at once, as a dying server does. */
async function hangUpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('dependency outages: the errors real clients raise', () => {
  it('pg: connection refused', async () => {
    const client = new Client({ host: '127.0.0.1', port: await closedPort(), user: 'x', database: 'x' });
    const error = await rejection(client.connect());
    expect(isDependencyOutage(error)).toBe(true);
  });

  it('pg: the server hangs up (connection terminated)', async () => {
    const server = await hangUpServer();
    try {
      const client = new Client({ host: '127.0.0.1', port: server.port, user: 'x', database: 'x' });
      const error = await rejection(client.connect());
      expect(isDependencyOutage(error)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('TypeORM over pg, `localhost` (an AggregateError of both addresses)', async () => {
    const dataSource = new DataSource({ type: 'postgres', url: `postgres://x:y@localhost:${await closedPort()}/x`, logging: false });
    const error = await rejection(dataSource.initialize());
    expect(isDependencyOutage(error)).toBe(true);
  });

  it('grpc-js: UNAVAILABLE from a client of an address nothing serves', async () => {
    const proto = loadPackageDefinition(loadSync(healthProtoPath)) as unknown as {
      grpc: { health: { v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => { check(request: object, options: object, callback: (error: ServiceError) => void): void; close(): void } } } };
    };
    const client = new proto.grpc.health.v1.Health(`127.0.0.1:${await closedPort()}`, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError>((resolve) =>
        client.check({ service: '' }, { deadline: new Date(Date.now() + 3_000) }, (err) => resolve(err)),
      );
      expect(error.code).toBe(14);
      expect(isDependencyOutage(error)).toBe(true);
    } finally {
      client.close();
    }
  });

  it('Temporal: a connection to an address nothing serves', async () => {
    const error = await rejection(Connection.connect({ address: `127.0.0.1:${await closedPort()}`, connectTimeout: 2_000 }));
    expect(isDependencyOutage(error)).toBe(true);
  });

  it('a deadline the caller gave a dependency', async () => {
    const error = await rejection(withDeadline('the database', 20, new Promise(() => undefined)));
    expect(error).toBeInstanceOf(DependencyTimeoutError);
    expect(isDependencyOutage(error)).toBe(true);
    await expect(withDeadline('the database', 1_000, Promise.resolve(7))).resolves.toBe(7);
  });

  it('SQLSTATEs of a server that cannot serve now, also inside a TypeORM QueryFailedError', () => {
    for (const code of ['08006', '08001', '57P01', '57P03', '53300', '57014']) {
      expect(isDependencyOutage(Object.assign(new Error('x'), { code }))).toBe(true);
      expect(isDependencyOutage(new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code })))).toBe(true);
    }
  });

  it('an UNAVAILABLE domain error (another module over gRPC, the policy engine) stays itself', () => {
    const error = unavailable('The policy engine is unavailable');
    expect(asDependencyOutage(error)).toBe(error);
  });

  it('maps an outage to one platform error that names no address or driver', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    const outage = asDependencyOutage(error);
    expect(outage).toBeInstanceOf(DomainError);
    expect(outage?.code).toBe('UNAVAILABLE');
    expect(outage?.message).not.toMatch(/10\.1\.2\.3|5432|ECONNREFUSED/);
  });
});

describe('dependency outages: what is not one (negative controls)', () => {
  it.each([
    ['a syntax error', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a unique violation', new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505' }))],
    ['text PostgreSQL cannot hold', Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })],
    ['a permission denied', Object.assign(new Error('permission denied'), { code: '42501' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a client error', badInput('bad')],
    ['a gRPC INTERNAL', Object.assign(new Error('13 INTERNAL'), { code: 13, details: 'Internal error' })],
    ['a numeric 14 that is no gRPC error', Object.assign(new Error('x'), { code: 14 })],
    ['not an error at all', 'ECONNREFUSED'],
    ['null', null],
  ])('%s', (_label, error) => {
    expect(isDependencyOutage(error)).toBe(false);
    expect(asDependencyOutage(error)).toBeNull();
  });

  it('a cycle of causes ends', () => {
    const a: { cause?: unknown } & Error = new Error('a');
    const b: { cause?: unknown } & Error = new Error('b');
    a.cause = b;
    b.cause = a;
    expect(isDependencyOutage(a)).toBe(false);
  });
});
