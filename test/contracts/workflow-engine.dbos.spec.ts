import { DbosWorkflowEngine } from '../../src/modules/workflow-orchestrator/adapters/dbos/dbos-workflow-engine';
import { startTestEmbeddedDatabase } from '../support/embedded-postgres';
import { activityFailureMessage } from '../../src/modules/workflow-orchestrator/activities/activity-failures';
import { describeWorkflowEngineContract } from './workflow-engine.contract';

// DBOS Transact on the embedded database (PGlite in a child process, over the wire protocol).
// DBOS is a process-wide singleton: one engine for the whole suite, launched once, shut down
// (deregistered) once; Jest gives this file its own module registry, so its DBOS is its own.
describeWorkflowEngineContract('DBOS Transact on embedded PGlite', async (activities) => {
  const db = await startTestEmbeddedDatabase('logisynapse-contract-dbos-');
  const logged: string[] = [];
  const engine = new DbosWorkflowEngine(
    {
      systemDatabaseUrl: db.endpoints.engineUrl,
      useListenNotify: db.endpoints.supportsListenNotify,
      onActivityFailure: (failure) => logged.push(activityFailureMessage(failure)),
    },
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
        await engine.stop();
      } finally {
        await db.dispose();
      }
      // Every failed attempt was reported with its shipment, its attempt and what came next.
      expect(logged).toEqual(expect.arrayContaining([
        expect.stringMatching(/^activity saveShipmentToDb for shipment [0-9a-f-]{36} failed on attempt 2 \(retrying in 2000 ms\): saveShipmentToDb attempt failed on purpose$/),
        expect.stringMatching(/^activity saveShipmentToDb for shipment [0-9a-f-]{36} failed on attempt 1 \(for good, not retried\): saveShipmentToDb failed for good on purpose$/),
      ]));
    },
  };
});
