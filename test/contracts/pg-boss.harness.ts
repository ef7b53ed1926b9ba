import { PgBossEventLog, PgBossTaskQueue, startPgBoss } from '../../src/platform/messaging/adapters/pg-boss/pg-boss-messaging';
import type { EventLogPort, TaskQueuePort } from '../../src/platform/messaging/messaging.ports';
import { startTestEmbeddedDatabase } from '../support/embedded-postgres';
import type { BrokerHarness } from './messaging.harness';

/**
 * The pg-boss adapters on the embedded database, as the app runs them. Each `connect` starts
 * its own pg-boss instance on the same database, like another process would; `close` stops it
 * (gracefully: running handlers finish) and closes its pool.
 */
async function pgBossHarness<Port>(prefix: string, adapt: (boss: Awaited<ReturnType<typeof startPgBoss>>) => Port): Promise<BrokerHarness<Port>> {
  const db = await startTestEmbeddedDatabase(prefix);
  const errors: Error[] = [];
  const open = new Set<() => Promise<void>>();
  return {
    async connect() {
      const boss = await startPgBoss(db.endpoints.engineUrl, (error) => errors.push(error));
      const close = async () => {
        if (!open.delete(close)) return;
        await boss.stop({ graceful: true, timeout: 10_000 });
      };
      open.add(close);
      return { port: adapt(boss), close };
    },
    async dispose() {
      try {
        for (const close of [...open]) await close();
      } finally {
        await db.dispose();
      }
    },
  };
}

export const pgBossEventLogHarness = (): Promise<BrokerHarness<EventLogPort>> =>
  pgBossHarness('logisynapse-contract-events-', (boss) => new PgBossEventLog(boss));

export const pgBossTaskQueueHarness = (): Promise<BrokerHarness<TaskQueuePort>> =>
  pgBossHarness('logisynapse-contract-tasks-', (boss) => new PgBossTaskQueue(boss));
