import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { runMigrations } from '../../src/platform/database/database.factory';
import { APP_ROLE, type DatabaseEndpoints } from '../../src/platform/database/database.types';

/**
 * The auth data and the role tenant queries run as (ADR 0028), on whatever serves PostgreSQL:
 * `logisynapse_app` cannot read `signing_keys` at all (only ciphertext through the owner's
 * function), sees only its own tenant's API clients and never their secret hashes, and writes
 * neither table itself; the functions the token endpoint uses run as the owner, are executable
 * by the application role alone, and pin their search path.
 */
export interface AuthDataHarness {
  readonly endpoints: DatabaseEndpoints;
  dispose(): Promise<void>;
}

const PERMISSION_DENIED = '42501';

export function describeAuthDataContract(adapterName: string, factory: () => Promise<AuthDataHarness>, describeFn: (name: string, body: () => void) => void = describe): void {
  describeFn(`auth data and the tenant role: ${adapterName}`, () => {
    let harness: AuthDataHarness | undefined;
    let owner: Pool;
    let app: Pool;
    const run = randomBytes(6).toString('hex');
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const clientA = `cli_contract_a_${run}`;
    const clientB = `cli_contract_b_${run}`;
    const admin = `adm_contract_${run}`;
    const kid = `contract-${run}`;
    const sealed = `v1.${randomBytes(12).toString('base64url')}.${randomBytes(40).toString('base64url')}.${randomBytes(16).toString('base64url')}`;

    /**
     * `work` as the application role in a transaction that is rolled back: the app's own
     * connection on a real server; on PGlite, whose one user is a superuser, after SET LOCAL ROLE
     * as tenant transactions do. `tenantId`: the tenant setting, as TenantTransactions sets it.
     */
    const asApp = async <T>(tenantId: string | null, work: (client: PoolClient) => Promise<T>): Promise<T> => {
      const client = await app.connect();
      try {
        await client.query('BEGIN');
        if (harness!.endpoints.switchRoleInTransactions) await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
        if (tenantId) await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantId]);
        return await work(client);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    };
    const deniedAsApp = (tenantId: string | null, sql: string, params: unknown[] = []) =>
      expect(asApp(tenantId, (client) => client.query(sql, params))).rejects.toMatchObject({ code: PERMISSION_DENIED });

    beforeAll(async () => {
      harness = await factory();
      await runMigrations(harness.endpoints);
      owner = new Pool({ connectionString: harness.endpoints.ownerUrl, max: 2 });
      app = new Pool({ connectionString: harness.endpoints.appUrl, max: 2 });
      for (const id of [tenantA, tenantB]) {
        await owner.query(`INSERT INTO tenants (id, name, webhook_token_hash) VALUES ($1, $2, $3)`, [id, `auth contract ${id}`, createHash('sha256').update(id).digest('hex')]);
      }
      // As the owner, through the owner's own functions (FORCE binds the owner to the policies too).
      await owner.query(`SELECT auth.create_client($1, $2, 'hash-a', '{shipments:read}')`, [clientA, tenantA]);
      await owner.query(`SELECT auth.create_client($1, $2, 'hash-b', '{shipments:read}')`, [clientB, tenantB]);
      await owner.query(`SELECT auth.ensure_admin_client($1, 'hash-admin', '{platform:admin}')`, [admin]);
      await owner.query(`SELECT auth.add_signing_key($1, 'ES256', $2, $3)`, [kid, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid }), sealed]);
    });

    afterAll(async () => {
      try {
        if (owner) {
          await owner.query(`DELETE FROM api_clients WHERE client_id = ANY($1::text[])`, [[clientA, clientB, admin]]).catch(() => undefined);
          await owner.query(`DELETE FROM signing_keys WHERE kid = $1`, [kid]).catch(() => undefined);
          await owner.query(`DELETE FROM tenants WHERE id = ANY($1::uuid[])`, [[tenantA, tenantB]]).catch(() => undefined);
        }
        await owner?.end();
        await app?.end();
      } finally {
        await harness?.dispose();
      }
    });

    describe('signing keys', () => {
      it('the tenant role cannot read signing_keys, not one column, in or out of a tenant transaction', async () => {
        await deniedAsApp(null, `SELECT private_jwk FROM signing_keys`);
        await deniedAsApp(null, `SELECT private_jwk_sealed FROM signing_keys`);
        await deniedAsApp(tenantA, `SELECT kid, public_jwk FROM signing_keys`);
      });

      it('nor write it', async () => {
        await deniedAsApp(null, `UPDATE signing_keys SET retired_at = now() WHERE kid = $1`, [kid]);
        await deniedAsApp(null, `INSERT INTO signing_keys (kid, algorithm, private_jwk, public_jwk) VALUES ('planted', 'ES256', '{}', '{}')`);
        await deniedAsApp(null, `DELETE FROM signing_keys WHERE kid = $1`, [kid]);
      });

      it("through the owner's function it gets the private key as ciphertext only", async () => {
        const rows = await asApp(null, async (client) => (await client.query(`SELECT * FROM auth.signing_keys() WHERE kid = $1`, [kid])).rows);
        expect(rows).toEqual([{ kid, public_jwk: expect.objectContaining({ kid }), private_jwk_sealed: sealed, legacy_private_jwk: null, retired: false }]);
      });

      it('positive control: the owner reads the table', async () => {
        const { rows } = await owner.query(`SELECT private_jwk_sealed FROM signing_keys WHERE kid = $1`, [kid]);
        expect(rows).toEqual([{ private_jwk_sealed: sealed }]);
      });
    });

    describe('API clients', () => {
      it("a tenant transaction sees its own tenant's clients only, never another tenant's nor the administrators'", async () => {
        const ids = (tenantId: string | null) =>
          asApp(tenantId, async (client) => (await client.query<{ client_id: string; tenant_id: string | null }>(`SELECT client_id, tenant_id FROM api_clients`)).rows);
        const seenByA = await ids(tenantA);
        expect(seenByA).toContainEqual({ client_id: clientA, tenant_id: tenantA });
        expect(new Set(seenByA.map((r) => r.tenant_id))).toEqual(new Set([tenantA]));
        expect((await ids(tenantB)).map((r) => r.client_id)).toContain(clientB);
        // No tenant set: nothing (the administrators' clients have no tenant).
        expect(await ids(null)).toEqual([]);
        // By id too.
        const direct = await asApp(tenantA, async (client) => (await client.query(`SELECT client_id FROM api_clients WHERE client_id = ANY($1::text[])`, [[clientB, admin]])).rows);
        expect(direct).toEqual([]);
      });

      it('never reads a secret hash, and writes no client itself', async () => {
        await deniedAsApp(tenantA, `SELECT secret_hash FROM api_clients WHERE client_id = $1`, [clientA]);
        await deniedAsApp(tenantA, `SELECT * FROM api_clients`);
        await deniedAsApp(tenantA, `INSERT INTO api_clients (client_id, tenant_id, secret_hash, scopes) VALUES ('planted', $1, 'h', '{platform:admin}')`, [tenantA]);
        await deniedAsApp(tenantA, `UPDATE api_clients SET scopes = '{platform:admin}' WHERE client_id = $1`, [clientA]);
        await deniedAsApp(tenantA, `DELETE FROM api_clients WHERE client_id = $1`, [clientA]);
      });

      it('the token endpoint finds one client by id, with no tenant set, through the owner function', async () => {
        const rows = await asApp(null, async (client) => (await client.query(`SELECT * FROM auth.find_client($1)`, [clientB])).rows);
        expect(rows).toEqual([{ client_id: clientB, tenant_id: tenantB, secret_hash: 'hash-b', scopes: ['shipments:read'] }]);
        const none = await asApp(null, async (client) => (await client.query(`SELECT * FROM auth.find_client($1)`, [`${clientB}-missing`])).rows);
        expect(none).toEqual([]);
      });

      it('has forced row-level security: the tenant policy for everyone, and one for the owner alone (the functions)', async () => {
        const { rows } = await owner.query<{ polname: string; roles: string[]; owner: string; forced: boolean }>(
          `SELECT p.polname, array(SELECT CASE r WHEN 0 THEN 'PUBLIC' ELSE r::regrole::text END FROM unnest(p.polroles) r) AS roles,
                  c.relowner::regrole::text AS owner, c.relforcerowsecurity AS forced
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.oid = 'api_clients'::regclass ORDER BY p.polname`,
        );
        expect(rows.map((r) => r.polname)).toEqual(['api_clients_auth_functions', 'api_clients_tenant_isolation']);
        expect(rows.every((r) => r.forced)).toBe(true);
        expect(rows[0]!.roles).toEqual([rows[0]!.owner]);
        expect(rows[1]!.roles).toEqual(['PUBLIC']);
      });
    });

    describe('tenants', () => {
      it("a tenant transaction sees its own tenant's row only, never a webhook token hash, and writes none", async () => {
        const seen = (tenantId: string | null) =>
          asApp(tenantId, async (client) => (await client.query<{ id: string }>(`SELECT id, name, created_at FROM tenants`)).rows.map((r) => r.id));
        expect(await seen(tenantA)).toEqual([tenantA]);
        expect(await seen(tenantB)).toEqual([tenantB]);
        expect(await seen(null)).toEqual([]);
        await deniedAsApp(tenantA, `SELECT webhook_token_hash FROM tenants`);
        await deniedAsApp(tenantA, `SELECT * FROM tenants`);
        await deniedAsApp(tenantA, `INSERT INTO tenants (id, name, webhook_token_hash) VALUES ($1, 'planted', 'h')`, [randomUUID()]);
        await deniedAsApp(tenantA, `UPDATE tenants SET name = 'renamed' WHERE id = $1`, [tenantB]);
        await deniedAsApp(tenantA, `DELETE FROM tenants WHERE id = $1`, [tenantB]);
      });

      it('the platform look-ups go through the owner functions: create, find by webhook token hash, count', async () => {
        const created = randomUUID();
        const hash = createHash('sha256').update(created).digest('hex');
        const found = await asApp(null, async (client) => {
          await client.query(`SELECT auth.create_tenant($1, 'made through the function', $2)`, [created, hash]);
          const byToken = (await client.query<{ id: string | null }>(`SELECT auth.find_tenant_by_webhook_token($1) AS id`, [hash])).rows[0]!.id;
          const missing = (await client.query<{ id: string | null }>(`SELECT auth.find_tenant_by_webhook_token('no such hash') AS id`)).rows[0]!.id;
          const count = Number((await client.query<{ n: string }>(`SELECT auth.tenant_count()::text AS n`)).rows[0]!.n);
          return { byToken, missing, count };
        });
        // Rolled back with asApp's transaction.
        expect(found).toEqual({ byToken: created, missing: null, count: expect.any(Number) });
        expect(found.count).toBeGreaterThanOrEqual(3);
        expect((await owner.query(`SELECT id FROM tenants WHERE id = $1`, [created])).rows).toEqual([]);
      });

      it('has forced row-level security on its own id, and a policy for the owner alone (the functions)', async () => {
        const { rows } = await owner.query<{ polname: string; forced: boolean }>(
          `SELECT p.polname, c.relforcerowsecurity AS forced FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.oid = 'tenants'::regclass ORDER BY p.polname`,
        );
        expect(rows).toEqual([
          { polname: 'tenants_auth_functions', forced: true },
          { polname: 'tenants_own_row', forced: true },
        ]);
      });
    });

    describe('the functions', () => {
      it('run as their owner with a fixed search path, and only the application role (not PUBLIC) may execute them', async () => {
        const { rows } = await owner.query<{ name: string; definer: boolean; config: string[] | null; public_can: boolean; app_can: boolean }>(
          `SELECT p.proname AS name, p.prosecdef AS definer, p.proconfig AS config,
                  p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) AS public_can,
                  has_function_privilege($1, p.oid, 'EXECUTE') AS app_can
             FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace ORDER BY p.proname`,
          [APP_ROLE],
        );
        expect(rows.map((r) => r.name)).toEqual([
          'add_signing_key', 'create_client', 'create_tenant', 'ensure_admin_client', 'find_client',
          'find_tenant_by_webhook_token', 'retire_signing_key', 'seal_signing_key', 'signing_keys', 'tenant_count',
        ]);
        for (const fn of rows) {
          expect({ name: fn.name, definer: fn.definer, config: fn.config, publicCan: fn.public_can, appCan: fn.app_can }).toEqual({
            name: fn.name, definer: true, config: ['search_path=pg_catalog, pg_temp'], publicCan: false, appCan: true,
          });
        }
      });

      it('a sealed key is never overwritten through seal_signing_key', async () => {
        const rows = await asApp(null, async (client) => (await client.query(`SELECT auth.seal_signing_key($1, 'v1.a.b.c') AS sealed`, [kid])).rows);
        expect(rows).toEqual([{ sealed: false }]);
        expect((await owner.query(`SELECT private_jwk_sealed FROM signing_keys WHERE kid = $1`, [kid])).rows).toEqual([{ private_jwk_sealed: sealed }]);
      });
    });
  });
}
