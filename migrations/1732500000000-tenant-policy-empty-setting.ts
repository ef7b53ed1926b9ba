import type { MigrationInterface, QueryRunner } from 'typeorm';

const TENANT_TABLES = ['shipments', 'tracking_events', 'notifications'] as const;
const CURRENT_TENANT = `(SELECT nullif(current_setting('app.current_tenant_id', true), ''))::uuid`;

/**
 * A connection that once ran a tenant transaction keeps `app.current_tenant_id` defined as ''
 * afterwards (a transaction-local setting reverts to empty, not to undefined). The first policy
 * cast that '' to uuid and failed with an error; reading it as NULL makes a query with no tenant
 * set return no rows and write none, which is what "fails closed" should look like.
 */
export class TenantPolicyEmptySetting1732500000000 implements MigrationInterface {
  name = 'TenantPolicyEmptySetting1732500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) {
      await q.query(`ALTER POLICY ${table}_tenant_isolation ON ${table} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const previous = `(SELECT current_setting('app.current_tenant_id', true))::uuid`;
    for (const table of TENANT_TABLES) {
      await q.query(`ALTER POLICY ${table}_tenant_isolation ON ${table} USING (tenant_id = ${previous}) WITH CHECK (tenant_id = ${previous})`);
    }
  }
}
