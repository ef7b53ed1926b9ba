import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DatabaseEndpoints } from '../../database.types';
import { startEmbeddedDatabase } from './embedded-database';

// Runs from the TypeScript sources: this also covers the worker's loader for `.ts` (see
// `TS_WORKER_LOADER`); the built app loads the compiled `pglite-worker.js`.
describe('startEmbeddedDatabase (PGlite in a worker thread)', () => {
  const dirs: string[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'logisynapse-pglite-unit-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function scalar(url: string, sql: string): Promise<unknown> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(sql);
      return rows.length > 0 ? Object.values(rows[0] as Record<string, unknown>)[0] : undefined;
    } finally {
      await client.end();
    }
  }

  it('serves PostgreSQL on a loopback port, refuses a second start on its directory, and keeps its data across a restart', async () => {
    const dataDir = newDataDir();
    let db: DatabaseEndpoints | null = await startEmbeddedDatabase(dataDir);
    try {
      // The password is the data directory's own (ADR 0023), kept across restarts.
      const password = readFileSync(join(dataDir, 'pglite.password'), 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(statSync(join(dataDir, 'pglite.password')).mode & 0o777).toBe(0o600);
      expect(db.appUrl).toBe(`postgres://postgres:${password}@127.0.0.1:${new URL(db.appUrl).port}/postgres`);
      await expect(scalar(db.appUrl.replace(password, 'postgres'), 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
      await expect(scalar(db.ownerUrl, `SELECT count(*)::int FROM pg_namespace WHERE nspname IN ('dbos', 'pgboss')`)).resolves.toBe(2);
      await scalar(db.ownerUrl, 'CREATE TABLE kept (v int)');
      await scalar(db.ownerUrl, 'INSERT INTO kept VALUES (42) RETURNING v');
      await expect(scalar(db.ownerUrl, `SHOW shared_buffers`)).resolves.toBe('32MB');
      // Commits are flushed to disk (pglite-durability.ts; the flush itself: test/contracts/database.pglite-durability.spec.ts).
      await expect(scalar(db.ownerUrl, `SHOW fsync`)).resolves.toBe('on');
      await expect(scalar(db.ownerUrl, `SHOW wal_sync_method`)).resolves.toBe('fsync');

      await expect(startEmbeddedDatabase(dataDir)).rejects.toThrow(/already in use by this process/);

      await db.close();
      db = null;
      db = await startEmbeddedDatabase(dataDir);
      expect(db.appUrl).toContain(`:${password}@`);
      await expect(scalar(db.ownerUrl, 'SELECT v FROM kept')).resolves.toBe(42);
    } finally {
      await db?.close();
    }
  });

  it('is alive while its thread answers, and not once the thread has ended', async () => {
    const db = await startEmbeddedDatabase(newDataDir());
    await expect(db.checkAlive(2_000)).resolves.toBeUndefined();
    await db.close();
    await expect(db.checkAlive(2_000)).rejects.toThrow(/thread has ended/);
  });

  it('takes over a stale lock: a dead holder, or its own pid left by an earlier run (a container restarts as pid 1)', async () => {
    const dataDir = newDataDir();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'pglite.lock'), String(process.pid));
    let db = await startEmbeddedDatabase(dataDir);
    await db.close();
    // A pid that cannot be running (above Linux's pid_max).
    writeFileSync(join(dataDir, 'pglite.lock'), '4194305');
    db = await startEmbeddedDatabase(dataDir);
    await db.close();
  });

  it('rejects with PostgreSQL’s own words when the data directory is damaged, instead of hanging', async () => {
    const dataDir = newDataDir();
    mkdirSync(join(dataDir, 'pglite'));
    writeFileSync(join(dataDir, 'pglite', 'PG_VERSION'), '17\n');
    await expect(startEmbeddedDatabase(dataDir)).rejects.toThrow(/could not start: [\s\S]*PostgreSQL said:/);
    // The directory is free again for a later, repaired start.
    rmSync(join(dataDir, 'pglite'), { recursive: true, force: true });
    const db = await startEmbeddedDatabase(dataDir);
    await db.close();
  });
});
