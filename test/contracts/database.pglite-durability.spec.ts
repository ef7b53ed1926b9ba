import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
/** Built by the contract project's global setup (`test/support/global-build.ts`). */
const DURABILITY_MODULE = join(ROOT, 'dist', 'src', 'platform', 'database', 'adapters', 'pglite', 'pglite-durability.js');

/**
 * Runs in a child process (PGlite loads its WebAssembly with a dynamic import, which Jest's
 * module sandbox refuses): counts the host `fsync` calls around each step and prints them as JSON.
 */
const CHILD_SCRIPT = `
const fs = require('node:fs');
const { PGlite } = require(require.resolve('@electric-sql/pglite', { paths: [process.argv[1]] }));
const { DURABILITY_SETTINGS, makeFsyncReachTheDisk, syncTree } = require(process.argv[2]);
let fsyncs = 0;
const real = fs.fsyncSync;
fs.fsyncSync = (fd) => { if (typeof fd !== 'number') throw new Error('fsync of ' + fd); fsyncs++; return real(fd); };
const counted = async (work) => { fsyncs = 0; await work(); return fsyncs; };
(async () => {
  const db = await PGlite.create(process.argv[3], { startParams: [...PGlite.defaultStartParams, ...DURABILITY_SETTINGS] });
  await db.exec('CREATE TABLE parcels (id int PRIMARY KEY)');
  const settings = (await db.query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'wal_sync_method') ORDER BY name")).rows;
  const commitBefore = await counted(() => db.exec('INSERT INTO parcels VALUES (1)'));
  makeFsyncReachTheDisk(db);
  const commitAfter = await counted(() => db.exec('INSERT INTO parcels VALUES (2)'));
  const read = await counted(() => db.query('SELECT count(*) FROM parcels'));
  let synced = 0;
  const tree = await counted(async () => { synced = syncTree(process.argv[3]); });
  await db.close();
  process.stdout.write(JSON.stringify({ settings, commitBefore, commitAfter, read, synced, tree }) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('embedded database durability (PGlite on Node)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'logisynapse-durability-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("flushes each commit to disk: fsync on, the WAL flushed by fsync(), and PGlite's dropped fsync given a body", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD_SCRIPT, ROOT, DURABILITY_MODULE, dir], { timeout: 60_000 });
    const result = JSON.parse(stdout.trim()) as { settings: unknown; commitBefore: number; commitAfter: number; read: number; synced: number; tree: number };

    expect(result.settings).toEqual([
      { name: 'fsync', setting: 'on' },
      { name: 'wal_sync_method', setting: 'fsync' },
    ]);
    expect(result.commitBefore).toBe(0); // PGlite's own file system drops the call
    expect(result.commitAfter).toBeGreaterThanOrEqual(1);
    expect(result.read).toBe(0); // a read commits nothing
    expect(result.synced).toBeGreaterThan(100); // a cluster is about a thousand files
    expect(result.tree).toBe(result.synced);
  });
});
