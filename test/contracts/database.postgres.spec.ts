import { postgresEndpoints } from '../../src/platform/database/adapters/postgres/postgres-database';
import { realServerOrSkip } from '../support/embedded-postgres';
import { describeDatabaseContract } from './database.contract';

// A real PostgreSQL: the application role's, the owner's and the engine role's URLs of a test database.
const withPostgres = realServerOrSkip(['DATABASE_TEST_URL', 'DATABASE_TEST_OWNER_URL', 'DATABASE_TEST_ENGINE_URL'], 'PostgreSQL (`npm run infra:up`)');
// The test-only superuser of the same database, for the superuser negative control alone: without
// it only that control is skipped (or fails, under LOGISYNAPSE_REQUIRE_INFRA=1), not the contract.
const withSuperuser = realServerOrSkip(
  'DATABASE_TEST_SUPERUSER_URL',
  'PostgreSQL with its test-only superuser (`npm run infra:up` writes DATABASE_TEST_SUPERUSER_URL to .env.infra)',
);

withPostgres('real PostgreSQL', (env) => {
  describeDatabaseContract(
    'real PostgreSQL',
    () =>
      Promise.resolve({
        endpoints: postgresEndpoints(env.DATABASE_TEST_URL, env.DATABASE_TEST_OWNER_URL, env.DATABASE_TEST_ENGINE_URL),
        // Provisioned NOSUPERUSER NOBYPASSRLS, and the tables FORCE row-level security.
        ownerBypassesRls: false,
        superuserUrl: process.env.DATABASE_TEST_SUPERUSER_URL ?? '',
        dispose: () => Promise.resolve(),
      }),
    { superuserDescribe: withSuperuser },
  );
});
