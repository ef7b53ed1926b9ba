import { startTestEmbeddedDatabase } from '../support/embedded-postgres';
import { describeAuthDataContract } from './auth-data.contract';

// PGlite served over the wire protocol, in its own temporary data directory.
describeAuthDataContract('embedded PGlite', async () => {
  const db = await startTestEmbeddedDatabase('logisynapse-auth-data-');
  return { endpoints: db.endpoints, dispose: () => db.dispose() };
});
