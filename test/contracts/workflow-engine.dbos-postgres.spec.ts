import { Client } from 'pg';
import { DbosWorkflowEngine } from '../../src/modules/workflow-orchestrator/adapters/dbos/dbos-workflow-engine';
import { realServerOrSkip } from '../support/embedded-postgres';
import { describeWorkflowEngineContract } from './workflow-engine.contract';

// DBOS Transact on a real PostgreSQL, connected as the engine role that owns the `dbos` schema
// (provisioned by `npm run infra:up`), as the app runs it with DATABASE_URL but no Temporal.
const withPostgres = realServerOrSkip(['DATABASE_TEST_URL', 'DATABASE_TEST_ENGINE_URL'], 'PostgreSQL (`npm run infra:up`)');

withPostgres('DBOS on real PostgreSQL as the engine role', (env) => {
  describeWorkflowEngineContract('DBOS Transact on real PostgreSQL (engine role)', async (activities) => {
    const engine = new DbosWorkflowEngine({ systemDatabaseUrl: env.DATABASE_TEST_ENGINE_URL, useListenNotify: true }, activities);
    await engine.launch();
    return { engine, dispose: () => engine.stop() };
  });

  describe("the application role and DBOS's tables", () => {
    const connect = async (url: string) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    };

    it('cannot read the workflow inputs DBOS recorded (permission denied), while the engine role can', async () => {
      const engine = await connect(env.DATABASE_TEST_ENGINE_URL);
      const app = await connect(env.DATABASE_TEST_URL);
      try {
        const recorded = await engine.query<{ runs: string }>(`SELECT count(*) AS runs FROM dbos.workflow_status`);
        expect(Number(recorded.rows[0]!.runs)).toBeGreaterThan(0);
        await expect(app.query(`SELECT count(*) FROM dbos.workflow_status`)).rejects.toMatchObject({ code: '42501' });
        await expect(app.query(`SELECT inputs FROM dbos.workflow_status LIMIT 1`)).rejects.toMatchObject({ code: '42501' });
      } finally {
        await Promise.all([engine.end(), app.end()]);
      }
    });
  });
});
