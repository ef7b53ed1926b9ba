import { startTestEmbeddedDatabase } from '../support/embedded-postgres';
import { describeDatabaseContract } from './database.contract';

// PGlite served over the wire protocol, in its own temporary data directory.
describeDatabaseContract('embedded PGlite', async () => {
  const db = await startTestEmbeddedDatabase('logisynapse-contract-db-');
  return { endpoints: db.endpoints, ownerBypassesRls: true, dispose: () => db.dispose() };
});
