import { postgresEndpoints } from '../../src/platform/database/adapters/postgres/postgres-database';
import { realServerOrSkip } from '../support/embedded-postgres';
import { describeAuthDataContract } from './auth-data.contract';

// A real PostgreSQL: the application role's and the owner's URLs of a test database (`npm run infra:up`).
const withPostgres = realServerOrSkip(['DATABASE_TEST_URL', 'DATABASE_TEST_OWNER_URL'], 'PostgreSQL (`npm run infra:up`)');

withPostgres('real PostgreSQL', (env) => {
  describeAuthDataContract('real PostgreSQL', () =>
    Promise.resolve({
      endpoints: postgresEndpoints(env.DATABASE_TEST_URL, env.DATABASE_TEST_OWNER_URL),
      dispose: () => Promise.resolve(),
    }),
  );
});
