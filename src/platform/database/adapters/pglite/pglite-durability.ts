import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Durable commits for PGlite on Node (ADR 0002). PGlite starts PostgreSQL with `fsync` off
 * (`-F`), and its Node file system (Emscripten's NODEFS) would ignore the calls anyway:
 * `fdatasync` is a no-op and its files have no `fsync` operation. A commit reached the
 * operating system's page cache and no further: it survived the process being killed, not the
 * machine losing power. Here: `fsync` on, the WAL flushed with `fsync()` (to which
 * `makeFsyncReachTheDisk` gives a body), and the data directory flushed once at start
 * (`syncTree`), since PostgreSQL wrote it before that body existed.
 */
export const DURABILITY_SETTINGS = ['-c', 'fsync=on', '-c', 'wal_sync_method=fsync'] as const;

/** Where PGlite mounts its data directory inside its own file system. */
const PGLITE_DATA_MOUNT = '/pglite/data';

interface EmscriptenStream {
  nfd?: number;
  stream_ops: { fsync?: (stream: EmscriptenStream) => number };
}

/**
 * Gives NODEFS files an `fsync` that flushes the host file: PostgreSQL's `fsync()` reaches a
 * file's `stream_ops.fsync` through WASI's `fd_sync`, and all NODEFS files share one
 * `stream_ops`, taken here from a file of the data directory.
 */
export function makeFsyncReachTheDisk(db: PGlite): void {
  const FS = db.Module.FS as unknown as { open(path: string, flags: string): EmscriptenStream; close(stream: EmscriptenStream): void };
  const probe = FS.open(`${PGLITE_DATA_MOUNT}/PG_VERSION`, 'r');
  try {
    if (typeof probe.nfd !== 'number') {
      throw new Error(`PGlite's data directory is not on its Node file system (no host file behind ${PGLITE_DATA_MOUNT}/PG_VERSION)`);
    }
    probe.stream_ops.fsync = (stream) => {
      if (typeof stream.nfd === 'number') fsyncSync(stream.nfd);
      return 0;
    };
  } finally {
    FS.close(probe);
  }
}

/** Flushes every file and directory under `dir` to disk, deepest first; returns how many. */
export function syncTree(dir: string): number {
  let synced = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) synced += syncTree(path);
    else if (entry.isFile()) synced += syncPath(path);
  }
  return synced + syncPath(dir);
}

function syncPath(path: string): number {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return 1;
}
