import { startTestEmbeddedDatabase } from '../support/embedded-postgres';
import { describeDatabaseContract } from './database.contract';

// PGlite served over the wire protocol, in its own temporary data directory.
describeDatabaseContract('embedded PGlite', async () => {
  const db = await startTestEmbeddedDatabase('logisynapse-contract-db-');
  // Its only user is a superuser: the owner URL is the superuser negative control's connection too.
  return { endpoints: db.endpoints, ownerBypassesRls: true, superuserUrl: db.endpoints.ownerUrl, dispose: () => db.dispose() };
});
