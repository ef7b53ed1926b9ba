import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP = 'logisynapse_app';
const CURRENT_TENANT = `(SELECT nullif(current_setting('app.current_tenant_id', true), ''))::uuid`;
/** As in AuthDataLeastPrivilege1732900000000: runs as its owner, with a search path nobody can plant objects in. */
const DEFINER = `SECURITY DEFINER SET search_path = pg_catalog, pg_temp`;

/**
 * `tenants` leaves the tenant role's reach too (ADR 0028): it held every tenant's name and
 * webhook token hash, readable by any tenant query. The three platform look-ups go through
 * functions in `auth` (create a tenant, find the tenant of a webhook token, count tenants), and
 * the tenant role may read only its own tenant's id, name and creation time, under forced
 * row-level security keyed on the tenant setting (the row's `id`).
 */
export class TenantsLeastPrivilege1733100000000 implements MigrationInterface {
  name = 'TenantsLeastPrivilege1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION auth.create_tenant(p_id uuid, p_name text, p_webhook_token_hash text)
        RETURNS void LANGUAGE sql VOLATILE ${DEFINER} AS $$
          INSERT INTO public.tenants (id, name, webhook_token_hash) VALUES (p_id, p_name, p_webhook_token_hash)
        $$`);
    await q.query(`
      CREATE FUNCTION auth.find_tenant_by_webhook_token(p_webhook_token_hash text)
        RETURNS uuid LANGUAGE sql STABLE ${DEFINER} AS $$
          SELECT t.id FROM public.tenants t WHERE t.webhook_token_hash = p_webhook_token_hash
        $$`);
    await q.query(`
      CREATE FUNCTION auth.tenant_count()
        RETURNS bigint LANGUAGE sql STABLE ${DEFINER} AS $$
          SELECT count(*) FROM public.tenants
        $$`);
    await q.query(`REVOKE ALL ON FUNCTION auth.create_tenant(uuid, text, text), auth.find_tenant_by_webhook_token(text), auth.tenant_count() FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION auth.create_tenant(uuid, text, text), auth.find_tenant_by_webhook_token(text), auth.tenant_count() TO ${APP}`);

    await q.query(`REVOKE ALL ON tenants FROM PUBLIC, ${APP}`);
    await q.query(`GRANT SELECT (id, name, created_at) ON tenants TO ${APP}`);
    await q.query(`ALTER TABLE tenants ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE tenants FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY tenants_own_row ON tenants USING (id = ${CURRENT_TENANT}) WITH CHECK (id = ${CURRENT_TENANT})`);
    // FORCE binds the owner too; the functions above run as the owner before any tenant is known.
    await q.query(`DO $$ BEGIN
        EXECUTE format('CREATE POLICY tenants_auth_functions ON tenants TO %I USING (true) WITH CHECK (true)', current_user);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY tenants_auth_functions ON tenants`);
    await q.query(`DROP POLICY tenants_own_row ON tenants`);
    await q.query(`ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE tenants DISABLE ROW LEVEL SECURITY`);
    await q.query(`REVOKE ALL ON tenants FROM ${APP}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON tenants TO ${APP}`);
    await q.query(`DROP FUNCTION auth.create_tenant(uuid, text, text), auth.find_tenant_by_webhook_token(text), auth.tenant_count()`);
  }
}
