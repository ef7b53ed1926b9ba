import { postgresEndpoints } from '../../src/platform/database/adapters/postgres/postgres-database';
import { createAppDataSource, runMigrations } from '../../src/platform/database/database.factory';
import { describeOutboxContract } from '../contracts/outbox.contract';
import { describeWithPostgres, ensureAppRole, findPostgresServer } from '../support/postgres-server';

// The outbox on a real PostgreSQL, where the application role is a login role of its own (no
// superuser, no BYPASSRLS): the relay's functions and the row-level security are the real thing.
describeWithPostgres('outbox on PostgreSQL', () => {
  describeOutboxContract('PostgreSQL', async () => {
    const server = await findPostgresServer();
    if (!server) throw new Error('PostgreSQL went away between discovery and start');
    await ensureAppRole(server);
    const endpoints = postgresEndpoints(server.appUrl, server.ownerUrl);
    await runMigrations(endpoints);
    const dataSource = await createAppDataSource(endpoints, 4);
    return {
      dataSource,
      endpoints,
      async dispose() {
        await dataSource.destroy();
        await server.stop();
      },
    };
  });
});
