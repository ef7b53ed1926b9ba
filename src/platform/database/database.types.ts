import type { DataSource } from 'typeorm';

/** Where the platform's PostgreSQL is, whichever adapter serves it. */
export interface DatabaseEndpoints {
  /** `pglite` (embedded) or `postgres`. */
  readonly adapterName: string;
  /** The application's connection: a role that owns no table. */
  readonly appUrl: string;
  /** The owner's connection, for migrations. */
  readonly ownerUrl: string;
  /** The workflow engine's and queues' own bookkeeping. */
  readonly engineUrl: string;
  /**
   * The embedded server has one superuser session for every client, so tenant transactions
   * switch to the application role with `SET LOCAL ROLE` to be subject to row-level security.
   */
  readonly switchRoleInTransactions: boolean;
  /** The embedded server shares one backend session, so LISTEN/NOTIFY cannot reach a listener. */
  readonly supportsListenNotify: boolean;
  /**
   * Resolves while the database this process runs itself answers within `deadlineMs` (the
   * embedded one's thread: liveness); a real server is outside the process, and whether it
   * answers is readiness' question, so there it always resolves.
   */
  checkAlive(deadlineMs: number): Promise<void>;
  close(): Promise<void>;
}

export const DATABASE_ENDPOINTS = Symbol('DATABASE_ENDPOINTS');
export const APP_DATA_SOURCE = Symbol('APP_DATA_SOURCE');
export type AppDataSource = DataSource;

/** The role tenant queries run as (created by the first migration). */
export const APP_ROLE = 'logisynapse_app';

/** The role that owns the embedded engines' schemas (DBOS, pg-boss); the application role has no grant on them. */
export const ENGINE_ROLE = 'logisynapse_engine';
export const ENGINE_SCHEMAS = ['dbos', 'pgboss'] as const;
