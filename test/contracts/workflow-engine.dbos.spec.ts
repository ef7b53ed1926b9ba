import { DbosWorkflowEngine } from '../../src/modules/workflow-orchestrator/adapters/dbos/dbos-workflow-engine';
import { startTestEmbeddedDatabase } from '../support/embedded-postgres';
import { describeWorkflowEngineContract } from './workflow-engine.contract';

// DBOS Transact on the embedded database (PGlite in a child process, over the wire protocol).
// DBOS is a process-wide singleton: one engine for the whole suite, launched once, shut down
// (deregistered) once; Jest gives this file its own module registry, so its DBOS is its own.
describeWorkflowEngineContract('DBOS Transact on embedded PGlite', async (activities) => {
  const db = await startTestEmbeddedDatabase('logisynapse-contract-dbos-');
  const engine = new DbosWorkflowEngine(
    { systemDatabaseUrl: db.endpoints.engineUrl, useListenNotify: db.endpoints.supportsListenNotify },
    activities,
  );
  try {
    await engine.launch();
  } catch (error) {
    await db.dispose();
    throw error;
  }
  return {
    engine,
    async dispose() {
      try {
        await engine.shutdown();
      } finally {
        await db.dispose();
      }
    },
  };
});
