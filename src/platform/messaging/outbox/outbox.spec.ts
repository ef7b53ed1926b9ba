import { describeOutboxContract } from '../../../../test/contracts/outbox.contract';
import { startMigratedEmbeddedDatabase } from '../../../../test/support/migrated-embedded-database';

// The outbox and its relay on the embedded database (PGlite in its worker thread), as the app runs it.
describeOutboxContract('embedded PGlite', () => startMigratedEmbeddedDatabase('logisynapse-outbox-'));
