import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess } from '../support/app-process';
import { embeddedDatabasePassword, embeddedDatabasePort, embeddedDatabaseUrl } from '../support/embedded-database-access';
import { PROBE_QUERY } from './security-support';

/**
 * The embedded database's loopback port, attacked by a local process that is not the app
 * (ADR 0023): without the password from the data directory it reads nothing, and whatever it
 * sends before authenticating closes its own connection only.
 */
describe('embedded database port (PGlite on loopback)', () => {
  let app: AppProcess;
  let port: number;
  let token: string;

  beforeAll(async () => {
    app = await AppProcess.start();
    port = embeddedDatabasePort(app);
    const tenant = await app.newTenant('DB port attack');
    token = await app.token(tenant.clientId, tenant.clientSecret);
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  /** GraphQL and readiness both answer, and quickly: the shared session still serves. */
  async function expectStillServing(): Promise<void> {
    const started = Date.now();
    const [graphql, ready] = await Promise.all([
      withTimeout(app.graphql(token, PROBE_QUERY), 5_000, 'GraphQL'),
      withTimeout(fetch(`${app.baseUrl}/health/ready`), 5_000, '/health/ready'),
    ]);
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data).toHaveProperty('shipments');
    expect(ready.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
  }

  async function connectAs(user: string, password: string | undefined): Promise<{ ok: boolean; code?: string; message?: string }> {
    const client = new Client({ host: '127.0.0.1', port, user, database: 'postgres', ...(password === undefined ? {} : { password }), connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query('SELECT private_jwk FROM signing_keys');
      return { ok: true };
    } catch (error) {
      const e = error as { code?: string; message: string };
      return { ok: false, code: e.code, message: e.message };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  it('refuses a superuser with no password, with the old fixed one, and with a wrong one (pg)', async () => {
    const none = await connectAs('postgres', undefined);
    expect(none.ok).toBe(false);
    for (const [user, password] of [
      ['postgres', 'postgres'],
      ['postgres', ''],
      ['postgres', 'wrong-password'],
      ['logisynapse_app', 'postgres'],
      ['nobody', embeddedDatabasePassword(app)],
    ] as const) {
      const outcome = await connectAs(user, password);
      expect({ user, password, ...outcome }).toMatchObject({ user, password, ok: false });
      if (password !== '') expect(outcome.code).toBe('28P01');
    }
    await expectStillServing();
  });

  it('refuses psql without a password, and with a wrong one', async () => {
    for (const password of [undefined, 'postgres']) {
      const run = await psql(['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-w', '-c', 'SELECT count(*) FROM signing_keys'], password);
      expect(run.code).not.toBe(0);
      expect(run.stdout).not.toMatch(/\(1 row\)/);
      expect(run.stderr).toMatch(/password/i);
    }
  });

  it('accepts the password from the data directory, which only its owner can read', async () => {
    expect(statSync(join(app.dataDir, 'pglite.password')).mode & 0o777).toBe(0o600);
    expect(statSync(join(app.dataDir, 'pglite')).mode & 0o777).toBe(0o700);
    const client = new Client({ connectionString: embeddedDatabaseUrl(app) });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM signing_keys');
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
    const run = await psql(['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-w', '-tAc', 'SELECT 1'], embeddedDatabasePassword(app));
    expect({ code: run.code, stdout: run.stdout.trim() }).toEqual({ code: 0, stdout: '1' });
  });

  const startup = (params: string, version = 196608) => {
    const body = Buffer.from(params, 'latin1');
    const packet = Buffer.alloc(8 + body.length);
    packet.writeInt32BE(packet.length, 0);
    packet.writeInt32BE(version, 4);
    body.copy(packet, 8);
    return packet;
  };
  const request = (code: number) => {
    const packet = Buffer.alloc(8);
    packet.writeInt32BE(8, 0);
    packet.writeInt32BE(code, 4);
    return packet;
  };
  const lengthOnly = (length: number) => {
    const packet = Buffer.alloc(8);
    packet.writeInt32BE(length, 0);
    packet.writeInt32BE(196608, 4);
    return packet;
  };
  const SSL = request(80877103);
  const hostile: Array<[string, Buffer]> = [
    ['empty user name', startup('user\0\0database\0postgres\0\0')],
    ['no user at all', startup('database\0postgres\0\0')],
    ['SSL request, then an empty user name', Buffer.concat([SSL, startup('user\0\0\0')])],
    ['SSL requests over and over', Buffer.concat(Array.from({ length: 5 }, () => SSL))],
    ['GSS encryption request, then garbage', Buffer.concat([request(80877104), Buffer.from('hello\r\n')])],
    ['cancel request', Buffer.concat([request(80877102), Buffer.alloc(8)])],
    ['HTTP instead of PostgreSQL', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['NUL bytes', Buffer.alloc(64)],
    ['random bytes', Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 131 + 7) % 256))],
    ['huge length (2 GB)', lengthOnly(0x7fffffff)],
    ['negative length', lengthOnly(-8)],
    ['length below the header', lengthOnly(3)],
    ['protocol 2.0', startup('user\0postgres\0\0', 0x00020000)],
    ['parameters without their terminator', startup('user\0postgres')],
    ['a password message before any startup', Buffer.from('p\0\0\0\x09secret\0')],
    ['valid startup, then garbage instead of SCRAM', Buffer.concat([startup('user\0postgres\0database\0postgres\0\0'), Buffer.from('p\0\0\0\x08\0\0\0\0')])],
    ['valid startup, then cleartext password', Buffer.concat([startup('user\0postgres\0\0'), Buffer.from('p\0\0\0\x0dpostgres\0')])],
  ];

  it.each(hostile)('a startup with %s closes that connection only; the app keeps serving', async (_name, bytes) => {
    const outcome = await sendRaw(port, bytes);
    expect(outcome.closed).toBe(true);
    // Never past the handshake: no AuthenticationOk ('R' with code 0), no ReadyForQuery ('Z').
    expect(answeredOk(outcome.received)).toBe(false);
    await expectStillServing();
  });

  it('a client that connects and says nothing, or stops mid-packet, blocks nobody', async () => {
    const silent = await open(port);
    const halfway = await open(port);
    halfway.write(startup('user\0postgres\0database\0postgres\0\0').subarray(0, 10));
    try {
      await expectStillServing();
      const client = new Client({ connectionString: embeddedDatabaseUrl(app) });
      await client.connect();
      await expect(client.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      await client.end();
    } finally {
      silent.destroy();
      halfway.destroy();
    }
  });
});

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `bytes` and collects the answer until the server closes the connection (or 5 s pass). */
async function sendRaw(port: number, bytes: Buffer): Promise<{ received: Buffer; closed: boolean }> {
  const socket = await open(port);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  socket.write(bytes);
  const outcome = await Promise.race([closed, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000).unref())]);
  socket.destroy();
  return { received: Buffer.concat(chunks), closed: outcome };
}

/** Whether a server's answer contains AuthenticationOk or ReadyForQuery (skipping an 'N' to an SSL request). */
function answeredOk(answer: Buffer): boolean {
  let offset = 0;
  while (answer[offset] === 0x4e) offset += 1;
  while (offset + 5 <= answer.length) {
    const type = answer[offset]!;
    const length = answer.readInt32BE(offset + 1);
    if (type === 0x5a) return true;
    if (type === 0x52 && offset + 9 <= answer.length && answer.readInt32BE(offset + 5) === 0) return true;
    if (length < 4) return false;
    offset += 1 + length;
  }
  return false;
}

function psql(args: string[], password: string | undefined): Promise<{ code: number; stdout: string; stderr: string }> {
  // No ~/.pgpass or service file of the machine's user: only what the test gives.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: '/nonexistent', PGPASSFILE: '/nonexistent/.pgpass', PGCONNECT_TIMEOUT: '5' };
  if (password !== undefined) env.PGPASSWORD = password;
  return new Promise((resolve) => {
    execFile('/usr/bin/psql', args, { env, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
