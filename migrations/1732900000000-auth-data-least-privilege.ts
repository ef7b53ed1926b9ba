import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP = 'logisynapse_app';
const CURRENT_TENANT = `(SELECT nullif(current_setting('app.current_tenant_id', true), ''))::uuid`;
/** Every function below: runs as its owner (the migrations' role), with a search path nobody can plant objects in. */
const DEFINER = `SECURITY DEFINER SET search_path = pg_catalog, pg_temp`;

/**
 * The auth data leaves the tenant role's reach (ADR 0028). `logisynapse_app` loses every
 * privilege on `signing_keys` and `api_clients`; the token endpoint, the key service and tenant
 * onboarding go through narrow SECURITY DEFINER functions in the schema `auth`, owned by the
 * owner: one client by id, the keys (private parts sealed), add, retire, seal. `api_clients`
 * gets forced row-level security on the tenant setting like every table with a `tenant_id`
 * (plus a policy for the functions' owner), and the tenant role may read its own tenant's
 * clients' non-secret columns. Private keys get a sealed column (AES-256-GCM, sealed by the app
 * with its key-encryption key, which the database never sees); the plaintext column is emptied
 * by the app at its next start.
 */
export class AuthDataLeastPrivilege1732900000000 implements MigrationInterface {
  name = 'AuthDataLeastPrivilege1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA auth`);
    await q.query(`REVOKE ALL ON SCHEMA auth FROM PUBLIC`);
    await q.query(`GRANT USAGE ON SCHEMA auth TO ${APP}`);

    await q.query(`ALTER TABLE signing_keys ALTER COLUMN private_jwk DROP NOT NULL, ADD COLUMN private_jwk_sealed text`);
    await q.query(`ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_private_once CHECK ((private_jwk IS NULL) <> (private_jwk_sealed IS NULL))`);

    await q.query(`REVOKE ALL ON signing_keys, api_clients FROM PUBLIC, ${APP}`);
    await q.query(`GRANT SELECT (client_id, tenant_id, scopes, created_at, disabled_at) ON api_clients TO ${APP}`);
    await q.query(`ALTER TABLE api_clients ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE api_clients FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY api_clients_tenant_isolation ON api_clients USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`);
    // FORCE binds the owner too; the functions below run as the owner and look clients up before any tenant is known.
    await q.query(`DO $$ BEGIN
        EXECUTE format('CREATE POLICY api_clients_auth_functions ON api_clients TO %I USING (true) WITH CHECK (true)', current_user);
      END $$`);

    await q.query(`
      CREATE FUNCTION auth.find_client(p_client_id text)
        RETURNS TABLE (client_id text, tenant_id uuid, secret_hash text, scopes text[])
        LANGUAGE sql STABLE ${DEFINER} AS $$
          SELECT c.client_id, c.tenant_id, c.secret_hash, c.scopes FROM public.api_clients c
           WHERE c.client_id = p_client_id AND c.disabled_at IS NULL
        $$`);
    await q.query(`
      CREATE FUNCTION auth.create_client(p_client_id text, p_tenant_id uuid, p_secret_hash text, p_scopes text[])
        RETURNS void LANGUAGE sql VOLATILE ${DEFINER} AS $$
          INSERT INTO public.api_clients (client_id, tenant_id, secret_hash, scopes) VALUES (p_client_id, p_tenant_id, p_secret_hash, p_scopes)
        $$`);
    await q.query(`
      CREATE FUNCTION auth.ensure_admin_client(p_client_id text, p_secret_hash text, p_scopes text[])
        RETURNS void LANGUAGE sql VOLATILE ${DEFINER} AS $$
          INSERT INTO public.api_clients AS c (client_id, tenant_id, secret_hash, scopes) VALUES (p_client_id, NULL, p_secret_hash, p_scopes)
          ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, scopes = EXCLUDED.scopes, disabled_at = NULL
           WHERE c.tenant_id IS NULL
        $$`);
    await q.query(`
      CREATE FUNCTION auth.signing_keys()
        RETURNS TABLE (kid text, public_jwk jsonb, private_jwk_sealed text, legacy_private_jwk jsonb, retired boolean)
        LANGUAGE sql STABLE ${DEFINER} AS $$
          SELECT k.kid, k.public_jwk, k.private_jwk_sealed, k.private_jwk, k.retired_at IS NOT NULL
            FROM public.signing_keys k ORDER BY k.created_at DESC, k.kid
        $$`);
    await q.query(`
      CREATE FUNCTION auth.add_signing_key(p_kid text, p_algorithm text, p_public_jwk jsonb, p_private_jwk_sealed text)
        RETURNS void LANGUAGE sql VOLATILE ${DEFINER} AS $$
          INSERT INTO public.signing_keys (kid, algorithm, public_jwk, private_jwk_sealed) VALUES (p_kid, p_algorithm, p_public_jwk, p_private_jwk_sealed)
        $$`);
    await q.query(`
      CREATE FUNCTION auth.retire_signing_key(p_kid text)
        RETURNS boolean LANGUAGE sql VOLATILE ${DEFINER} AS $$
          WITH retired AS (UPDATE public.signing_keys SET retired_at = now() WHERE kid = p_kid AND retired_at IS NULL RETURNING 1)
          SELECT count(*) > 0 FROM retired
        $$`);
    // Only a key still in plaintext: a sealed key is never overwritten.
    await q.query(`
      CREATE FUNCTION auth.seal_signing_key(p_kid text, p_private_jwk_sealed text)
        RETURNS boolean LANGUAGE sql VOLATILE ${DEFINER} AS $$
          WITH sealed AS (
            UPDATE public.signing_keys SET private_jwk_sealed = p_private_jwk_sealed, private_jwk = NULL
             WHERE kid = p_kid AND private_jwk IS NOT NULL RETURNING 1)
          SELECT count(*) > 0 FROM sealed
        $$`);
    // Functions are executable by PUBLIC unless revoked.
    await q.query(`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA auth FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA auth TO ${APP}`);
  }

  async down(q: QueryRunner): Promise<void> {
    const sealed: { n: number }[] = await q.query(`SELECT count(*)::int AS n FROM signing_keys WHERE private_jwk_sealed IS NOT NULL`);
    if ((sealed[0]?.n ?? 0) > 0) throw new Error('signing_keys holds sealed private keys, which the previous schema cannot read: rotate in new keys first');
    await q.query(`DROP SCHEMA auth CASCADE`);
    await q.query(`DROP POLICY api_clients_auth_functions ON api_clients`);
    await q.query(`DROP POLICY api_clients_tenant_isolation ON api_clients`);
    await q.query(`ALTER TABLE api_clients NO FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE api_clients DISABLE ROW LEVEL SECURITY`);
    await q.query(`REVOKE ALL ON api_clients FROM ${APP}`);
    await q.query(`ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_private_once, DROP COLUMN private_jwk_sealed, ALTER COLUMN private_jwk SET NOT NULL`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON api_clients, signing_keys TO ${APP}`);
  }
}
