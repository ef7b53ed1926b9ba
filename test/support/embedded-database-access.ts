import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppProcess } from './app-process';

/** The loopback port of the app's embedded database, from its start log. */
export function embeddedDatabasePort(app: AppProcess): number {
  const line = app.logs.find((l) => l.includes('database: pglite'));
  const port = line ? /served on 127\.0\.0\.1:(\d+)/.exec(line)?.[1] : undefined;
  if (!port) throw new Error('cannot find the embedded database port in the app logs');
  return Number(port);
}

/** The embedded database's password, from the 0600 file in the app's data directory (ADR 0023). */
export function embeddedDatabasePassword(app: AppProcess): string {
  return readFileSync(join(app.dataDir, 'pglite.password'), 'utf8').trim();
}

/** A URL that authenticates to the app's embedded database, as the app itself does. */
export function embeddedDatabaseUrl(app: AppProcess): string {
  return `postgres://postgres:${embeddedDatabasePassword(app)}@127.0.0.1:${embeddedDatabasePort(app)}/postgres`;
}
