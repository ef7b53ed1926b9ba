import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Client, Pool, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { createAppDataSource, runMigrations } from '../../src/platform/database/database.factory';
import { APP_ROLE, ENGINE_SCHEMAS, type DatabaseEndpoints } from '../../src/platform/database/database.types';
import { TenantTransactions } from '../../src/modules/tenancy/application/tenant-transactions';
import { MissingTenantContextError, TenantContext } from '../../src/modules/tenancy/domain/tenant-context';

/**
 * Contract of the database port: whatever serves PostgreSQL (embedded PGlite over the wire
 * protocol, or a real server), migrations apply once, many pooled clients get their own correct
 * results, transactions are isolated and rolled back cleanly, and row-level security confines a
 * tenant transaction to its tenant.
 */
export interface DatabaseHarness {
  readonly endpoints: DatabaseEndpoints;
  /**
   * Whether the owner connection is exempt from row-level security: true on PGlite, whose only
   * user is a superuser; false on a provisioned server, where the owner is NOSUPERUSER
   * NOBYPASSRLS and `FORCE ROW LEVEL SECURITY` applies to it too.
   */
  readonly ownerBypassesRls: boolean;
  /**
   * A superuser's connection to the same database, for the superuser negative control only: on
   * PGlite its one user (the owner URL); on a real server the test-only superuser of
   * `npm run infra:up` (`DATABASE_TEST_SUPERUSER_URL`). Never what the app connects as. Read only
   * inside the control, which `DatabaseContractOptions.superuserDescribe` registers (empty when
   * that describe skips it).
   */
  readonly superuserUrl: string;
  dispose(): Promise<void>;
}

export type DescribeFn = (name: string, body: () => void) => void;

export interface DatabaseContractOptions {
  /** `describe`, or the one `realServerOrSkip` returns. */
  describe?: DescribeFn;
  /**
   * Registers the superuser negative control: `describe` (default) where the harness always has a
   * superuser, or the one `realServerOrSkip` returns for the variable naming it, so a missing
   * superuser skips only that control (and fails it under `LOGISYNAPSE_REQUIRE_INFRA=1`).
   */
  superuserDescribe?: DescribeFn;
}

const SHIPMENT_TABLES = ['shipments', 'tracking_events', 'notifications'] as const;

interface Tenant {
  id: string;
  shipmentId: string;
}

export function describeDatabaseContract(
  adapterName: string,
  factory: () => Promise<DatabaseHarness>,
  options: DatabaseContractOptions = {},
): void {
  const describeFn = options.describe ?? describe;
  const superuserDescribe = options.superuserDescribe ?? describe;

  describeFn(`database port contract: ${adapterName}`, () => {
    let harness: DatabaseHarness | undefined;
    let firstRun: string[] = [];
    let owner: Pool;
    const pools: Pool[] = [];
    const dataSources: DataSource[] = [];
    const scratch = `contract_scratch_${randomBytes(6).toString('hex')}`;
    const tenantA: Tenant = { id: randomUUID(), shipmentId: randomUUID() };
    const tenantB: Tenant = { id: randomUUID(), shipmentId: randomUUID() };

    const endpoints = () => harness!.endpoints;
    const newPool = (url: string, max: number) => {
      const pool = new Pool({ connectionString: url, max });
      pool.on('error', () => undefined); // an idle client whose server went away; the test decides
      pools.push(pool);
      return pool;
    };
    const newDataSource = async (poolSize: number) => {
      const dataSource = await createAppDataSource(endpoints(), poolSize);
      dataSources.push(dataSource);
      return dataSource;
    };
    /** Writes tenant rows as the owner; `set_config` because FORCE RLS may apply to the owner too. */
    const asOwnerFor = async <T>(tenantId: string, work: (client: PoolClient) => Promise<T>): Promise<T> => {
      const client = await owner.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantId]);
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    };

    beforeAll(async () => {
      harness = await factory();
      firstRun = await runMigrations(harness.endpoints);
      owner = newPool(harness.endpoints.ownerUrl, 4);
      await owner.query(`CREATE TABLE ${scratch} (id integer PRIMARY KEY, note text NOT NULL)`);
      await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${scratch} TO ${APP_ROLE}`);
      for (const tenant of [tenantA, tenantB]) {
        await owner.query(`INSERT INTO tenants (id, name, webhook_token_hash) VALUES ($1, $2, $3)`, [
          tenant.id,
          `contract tenant ${tenant.id}`,
          createHash('sha256').update(randomUUID()).digest('hex'),
        ]);
        await asOwnerFor(tenant.id, (client) => insertShipment(client, tenant.id, tenant.shipmentId));
      }
    });

    afterAll(async () => {
      try {
        if (owner && harness) {
          await owner.query(`DROP TABLE IF EXISTS ${scratch}`).catch(() => undefined);
          for (const tenant of [tenantA, tenantB]) {
            await asOwnerFor(tenant.id, (client) => client.query(`DELETE FROM shipments WHERE tenant_id = $1`, [tenant.id])).catch(
              () => undefined,
            );
            await owner.query(`DELETE FROM tenants WHERE id = $1`, [tenant.id]).catch(() => undefined);
          }
        }
        await Promise.all(dataSources.map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
        await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
      } finally {
        await harness?.dispose();
      }
    });

    describe('migrations', () => {
      it('apply every migration and record it', async () => {
        expect(MIGRATIONS.map((m) => new m().name)).toEqual(expect.arrayContaining(firstRun));
        const recorded = await owner.query<{ name: string }>(`SELECT name FROM schema_migrations`);
        // Every migration of this code is recorded. The real server's test database is shared by
        // every checkout on the machine (one cluster), so a newer branch may have recorded one
        // this code does not know, as a newer release would in a rolling deploy; that is not a failure.
        expect(recorded.rows.map((r) => r.name)).toEqual(expect.arrayContaining(MIGRATIONS.map((m) => new m().name)));
        const tables = await owner.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
          `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
            WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1::text[]) ORDER BY relname`,
          [[...SHIPMENT_TABLES]],
        );
        expect(tables.rows).toEqual(
          [...SHIPMENT_TABLES].sort().map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true })),
        );
      });

      it('give every table with a tenant_id forced RLS, a policy for reads and writes, and an index led by tenant_id', async () => {
        // Found from the catalogue, so a table added later is held to the same rules.
        const { rows } = await owner.query<{
          relname: string; rls: boolean; forced: boolean; policies: string[]; quals: string[]; checks: string[]; leading_index: boolean;
        }>(
          `SELECT c.relname, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                  coalesce(array_agg(p.polname::text) FILTER (WHERE p.polname IS NOT NULL), '{}') AS policies,
                  coalesce(array_agg(pg_get_expr(p.polqual, p.polrelid)) FILTER (WHERE p.polqual IS NOT NULL), '{}') AS quals,
                  coalesce(array_agg(pg_get_expr(p.polwithcheck, p.polrelid)) FILTER (WHERE p.polwithcheck IS NOT NULL), '{}') AS checks,
                  EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                           WHERE i.indrelid = c.oid AND a.attname = 'tenant_id') AS leading_index
             FROM pg_class c
             JOIN pg_attribute t ON t.attrelid = c.oid AND t.attname = 'tenant_id' AND NOT t.attisdropped
             -- Policies for everyone (PUBLIC); one for the owner alone is auth-data.contract.ts's to check.
             LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polcmd = '*' AND p.polroles = '{0}'
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
              AND c.relname NOT IN ('dead_letters', ${'$'}1)
            GROUP BY c.oid, c.relname ORDER BY c.relname`,
          [scratch],
        );
        // api_clients holds tenants' clients and the platform administrators' (no tenant): tenant
        // transactions see their own tenant's, the token endpoint finds one by id through the owner's
        // functions (ADR 0028). dead_letters is a platform table, the operators' record of undeliverable
        // messages, whose tenant may be unknown; the application role may only add to it (INSERT, no SELECT).
        // outbox_messages (ADR 0031): its second policy is the relay's, for the owner only (below).
        expect(rows.map((r) => r.relname)).toEqual(['api_clients', ...SHIPMENT_TABLES, 'outbox_messages'].sort());
        for (const table of rows) {
          expect({ table: table.relname, rls: table.rls, forced: table.forced, leadingIndex: table.leading_index }).toEqual({
            table: table.relname, rls: true, forced: true, leadingIndex: true,
          });
          expect(table.policies).toHaveLength(1);
          // As PostgreSQL prints `tenant_id = (SELECT nullif(current_setting('app.current_tenant_id', true), ''))::uuid`.
          expect(table.quals).toEqual([
            `(tenant_id = (( SELECT NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text) AS "nullif"))::uuid)`,
          ]);
          expect(table.checks[0]).toBe(table.quals[0]);
        }
      });

      it("give the outbox's relay policy to the owner only; the application role may only insert, and run the relay's functions", async () => {
        const policies = await owner.query<{ polname: string; roles: string[] }>(
          `SELECT polname, array(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(polroles) r) AS roles
             FROM pg_policy WHERE polrelid = 'outbox_messages'::regclass ORDER BY polname`,
        );
        const ownerRole = (await owner.query<{ r: string }>(`SELECT tableowner AS r FROM pg_tables WHERE tablename = 'outbox_messages'`)).rows[0]!.r;
        expect(policies.rows).toEqual([
          { polname: 'outbox_messages_relay', roles: [ownerRole] },
          { polname: 'outbox_messages_tenant_isolation', roles: ['public'] },
        ]);
        const grants = await owner.query<{ p: string }>(
          `SELECT privilege_type AS p FROM information_schema.role_table_grants
            WHERE table_name = 'outbox_messages' AND grantee = 'logisynapse_app' ORDER BY 1`,
        );
        expect(grants.rows.map((r) => r.p)).toEqual(['INSERT']);
        const functions = await owner.query<{ name: string; definer: boolean; app: boolean; public: boolean }>(
          `SELECT p.proname AS name, p.prosecdef AS definer,
                  has_function_privilege('logisynapse_app', p.oid, 'EXECUTE') AS app,
                  coalesce(aclcontains(p.proacl, makeaclitem(0, p.proowner, 'EXECUTE', false)), true) AS public
             FROM pg_proc p WHERE p.proname LIKE 'outbox\\_%' ORDER BY 1`,
        );
        expect(functions.rows).toEqual(
          ['outbox_claim', 'outbox_mark_sent', 'outbox_retry_later'].map((name) => ({ name, definer: true, app: true, public: false })),
        );
      });

      it('are idempotent: a second run applies nothing and changes nothing', async () => {
        const before = await owner.query(`SELECT name FROM schema_migrations ORDER BY name`);
        await expect(runMigrations(endpoints())).resolves.toEqual([]);
        const after = await owner.query(`SELECT name FROM schema_migrations ORDER BY name`);
        expect(after.rows).toEqual(before.rows);
      });
    });

    describe('pooled clients', () => {
      it('serve 240 concurrent parameterised queries and transactions from several pools, each with its own right result', async () => {
        const appPools = [0, 1, 2, 3].map(() => newPool(endpoints().appUrl, 8));
        const big = (i: number) => `${i}:`.padEnd(20_000 + i, String.fromCharCode(97 + (i % 26)));
        const committed: number[] = [];

        const operation = async (i: number): Promise<void> => {
          const pool = appPools[i % appPools.length]!;
          switch (i % 4) {
            case 0: {
              const { rows } = await pool.query<{ n: number; s: string; doubled: number }>(
                'SELECT $1::int AS n, $2::text AS s, $1::int * 2 AS doubled',
                [i, `text-${i}`],
              );
              expect(rows).toEqual([{ n: i, s: `text-${i}`, doubled: i * 2 }]);
              return;
            }
            case 1:
            case 2: {
              const commit = i % 4 === 1;
              const client = await pool.connect();
              try {
                await client.query('BEGIN');
                await client.query(`INSERT INTO ${scratch} (id, note) VALUES ($1, $2)`, [i, `note-${i}`]);
                // Yield to the other clients while this transaction is open.
                await new Promise((resolve) => setImmediate(resolve));
                const own = await client.query<{ note: string }>(`SELECT note FROM ${scratch} WHERE id = $1`, [i]);
                expect(own.rows).toEqual([{ note: `note-${i}` }]);
                const sum = await client.query<{ sum: number }>('SELECT $1::int + $2::int AS sum', [i, 1000]);
                expect(sum.rows).toEqual([{ sum: i + 1000 }]);
                await client.query(commit ? 'COMMIT' : 'ROLLBACK');
                if (commit) committed.push(i);
              } finally {
                client.release();
              }
              return;
            }
            default: {
              // Larger than one TCP segment, so a message arrives in several chunks.
              const value = big(i);
              const { rows } = await pool.query<{ len: number; hash: string }>(
                'SELECT length($1::text) AS len, md5($1::text) AS hash',
                [value],
              );
              expect(rows).toEqual([{ len: value.length, hash: createHash('md5').update(value).digest('hex') }]);
            }
          }
        };

        const results = await Promise.allSettled(Array.from({ length: 240 }, (_, i) => operation(i)));
        const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`#${i}: ${String(r.reason)}`] : []));
        expect(failures).toEqual([]);

        const { rows } = await owner.query<{ id: number }>(`SELECT id FROM ${scratch} WHERE id < 240 ORDER BY id`);
        expect(rows.map((r) => r.id)).toEqual(committed.sort((a, b) => a - b));
        expect(committed).toHaveLength(60);
      });

      it('keep a rolled-back transaction from leaving anything behind', async () => {
        const client = await newPool(endpoints().appUrl, 1).connect();
        try {
          await client.query('BEGIN');
          await client.query(`INSERT INTO ${scratch} (id, note) VALUES (1001, 'rolled back')`);
          await client.query('ROLLBACK');
        } finally {
          client.release();
        }
        const { rows } = await owner.query(`SELECT id FROM ${scratch} WHERE id = 1001`);
        expect(rows).toEqual([]);
      });

      it.each([
        ['vanishes (socket destroyed)', 2001, (client: Client) => socketOf(client).destroy()],
        ['says goodbye (Terminate)', 2002, (client: Client) => void client.end().catch(() => undefined)],
      ])('do not stay inside the transaction of a client that %s mid-transaction', async (_how, id, leave) => {
        const leaver = new Client({ connectionString: endpoints().appUrl });
        leaver.on('error', () => undefined);
        await leaver.connect();
        await leaver.query('BEGIN');
        await leaver.query(`INSERT INTO ${scratch} (id, note) VALUES ($1, 'left behind')`, [id]);
        await leaver.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantA.id]);
        const closed = new Promise<void>((resolve) => leaver.once('end', () => resolve()));
        leave(leaver);
        await closed;

        const next = newPool(endpoints().appUrl, 1);
        // Inside the left transaction (one shared session on PGlite) the insert would be visible
        // and the transaction would already have an id.
        const { rows } = await next.query<{ noXid: boolean; tenant: string | null; seen: number }>(
          `SELECT pg_current_xact_id_if_assigned() IS NULL AS "noXid",
                  current_setting('app.current_tenant_id', true) AS tenant,
                  (SELECT count(*)::int FROM ${scratch} WHERE id = $1) AS seen`,
          [id],
        );
        expect(rows[0]).toMatchObject({ noXid: true, seen: 0 });
        expect(rows[0]!.tenant ?? '').toBe('');
        // The next client can run a transaction of its own.
        await next.query(`INSERT INTO ${scratch} (id, note) VALUES ($1, 'after')`, [id + 100]);
        const after = await owner.query(`SELECT id FROM ${scratch} WHERE id = ANY($1::int[]) ORDER BY id`, [[id, id + 100]]);
        expect(after.rows).toEqual([{ id: id + 100 }]);
      });
    });

    describe('tenant transactions and row-level security', () => {
      let dataSource: DataSource;
      let tenants: TenantTransactions;
      const read = (tx: { query: (sql: string, params?: unknown[]) => Promise<unknown> }, id: string) =>
        tx.query(`SELECT id, tenant_id, status FROM shipments WHERE id = $1`, [id]) as Promise<{ id: string; status: string }[]>;

      beforeAll(async () => {
        dataSource = await newDataSource(4);
        tenants = new TenantTransactions(dataSource, endpoints());
      });

      it("hide another tenant's rows", async () => {
        const [byId, all] = await tenants.runFor(tenantA.id, async (tx) => [
          await read(tx, tenantB.shipmentId),
          (await tx.query(`SELECT id, tenant_id FROM shipments`)) as { id: string; tenant_id: string }[],
        ]);
        expect(byId).toEqual([]);
        expect(all.map((r) => r.id)).toContain(tenantA.shipmentId);
        expect(all.map((r) => r.id)).not.toContain(tenantB.shipmentId);
        expect(new Set(all.map((r) => r.tenant_id))).toEqual(new Set([tenantA.id]));
      });

      it("cannot update or delete another tenant's rows (0 rows affected)", async () => {
        // TypeORM answers UPDATE and DELETE with [rows, affected].
        const [updated, deleted] = await tenants.runFor(tenantA.id, async (tx) => [
          (await tx.query(`UPDATE shipments SET status = 'HIJACKED' WHERE id = $1 RETURNING id`, [tenantB.shipmentId])) as [unknown[], number],
          (await tx.query(`DELETE FROM shipments WHERE id = $1 RETURNING id`, [tenantB.shipmentId])) as [unknown[], number],
        ]);
        expect(updated).toEqual([[], 0]);
        expect(deleted).toEqual([[], 0]);
        const rows = await tenants.runFor(tenantB.id, (tx) => read(tx, tenantB.shipmentId));
        expect(rows).toEqual([expect.objectContaining({ id: tenantB.shipmentId, status: 'CREATED' })]);
      });

      it("refuse an insert that carries another tenant's id (WITH CHECK)", async () => {
        const foreign = randomUUID();
        await expect(
          tenants.runFor(tenantA.id, (tx) => insertShipment(tx, tenantB.id, foreign)),
        ).rejects.toThrow(/row-level security/);
        const rows = await tenants.runFor(tenantB.id, (tx) => read(tx, foreign));
        expect(rows).toEqual([]);
      });

      it("accept the same insert with the tenant's own id (positive control)", async () => {
        const own = randomUUID();
        await tenants.runFor(tenantA.id, (tx) => insertShipment(tx, tenantA.id, own));
        const rows = await tenants.runFor(tenantA.id, (tx) => read(tx, own));
        expect(rows).toEqual([expect.objectContaining({ id: own })]);
      });

      it('roll back everything the work wrote when it throws', async () => {
        const doomed = randomUUID();
        await expect(
          tenants.runFor(tenantA.id, async (tx) => {
            await insertShipment(tx, tenantA.id, doomed);
            expect(await read(tx, doomed)).toHaveLength(1);
            throw new Error('work failed');
          }),
        ).rejects.toThrow('work failed');
        expect(await tenants.runFor(tenantA.id, (tx) => read(tx, doomed))).toEqual([]);
        expect(await asOwnerFor(tenantA.id, async (client) => (await client.query(`SELECT id FROM shipments WHERE id = $1`, [doomed])).rows)).toEqual([]);
      });

      it('fail closed outside any tenant context (MissingTenantContextError), touching nothing', async () => {
        const work = jest.fn(() => Promise.resolve('ran'));
        // `run` may throw synchronously or reject: either way, no work runs.
        await expect(Promise.resolve().then(() => tenants.run(work))).rejects.toBeInstanceOf(MissingTenantContextError);
        expect(work).not.toHaveBeenCalled();
        expect(TenantContext.current()).toBeUndefined();
      });

      it('fail closed in the database too: the application role with no tenant set sees no row and can write none', async () => {
        const pool = newPool(endpoints().appUrl, 1);
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          if (endpoints().switchRoleInTransactions) await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
          const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM shipments`);
          expect(rows).toEqual([{ n: '0' }]);
          await expect(insertShipment(client, tenantA.id, randomUUID())).rejects.toThrow(/row-level security/);
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
          client.release();
        }
        // Positive control: the same connection, with the tenant set, sees the tenant's row.
        const seen = await tenants.runFor(tenantA.id, (tx) => read(tx, tenantA.shipmentId));
        expect(seen).toHaveLength(1);
      });

      it("leave no tenant setting or role on a pooled connection after the tenant's transaction", async () => {
        const single = await newDataSource(1);
        const singleTenants = new TenantTransactions(single, endpoints());
        const probe = `SELECT current_setting('app.current_tenant_id', true) AS tenant, current_user AS "user"`;
        const [before] = (await single.query(probe)) as { tenant: string | null; user: string }[];
        const inside = await singleTenants.runFor(tenantA.id, (tx) => tx.query(probe) as Promise<{ tenant: string | null }[]>);
        expect(inside[0]!.tenant).toBe(tenantA.id);
        // Pool of one: this is the very connection the tenant transaction used.
        const [after] = (await single.query(probe)) as { tenant: string | null; user: string }[];
        expect(after!.tenant ?? '').toBe('');
        expect(after!.user).toBe(before!.user);
      });

      it('keep 60 concurrent transactions of two tenants apart', async () => {
        const results = await Promise.all(
          Array.from({ length: 60 }, (_, i) => {
            const tenant = i % 2 === 0 ? tenantA : tenantB;
            return tenants.runFor(tenant.id, async (tx) => {
              const rows = (await tx.query(
                `SELECT current_setting('app.current_tenant_id', true) AS setting, array_agg(DISTINCT tenant_id::text) AS seen FROM shipments`,
              )) as { setting: string; seen: string[] }[];
              return { tenant: tenant.id, ...rows[0]! };
            });
          }),
        );
        for (const result of results) {
          expect(result.setting).toBe(result.tenant);
          expect(result.seen).toEqual([result.tenant]);
        }
      });

      describe("the engines' schemas (DBOS, pg-boss)", () => {
        const probe = `probe_${randomBytes(4).toString('hex')}`;
        let engine: Pool;

        beforeAll(async () => {
          engine = newPool(endpoints().engineUrl, 2);
          for (const schema of ENGINE_SCHEMAS) {
            await engine.query(`CREATE TABLE ${schema}.${probe} (payload text NOT NULL)`);
            await engine.query(`INSERT INTO ${schema}.${probe} VALUES ('a workflow input with a customer address')`);
          }
        });

        afterAll(async () => {
          for (const schema of ENGINE_SCHEMAS) await engine.query(`DROP TABLE IF EXISTS ${schema}.${probe}`).catch(() => undefined);
        });

        it.each(ENGINE_SCHEMAS)('%s: the role of tenant transactions has no privilege on the schema and cannot read it', async (schema) => {
          const privileges = await owner.query<{ usage: boolean; create: boolean }>(
            `SELECT has_schema_privilege($1, $2, 'USAGE') AS usage, has_schema_privilege($1, $2, 'CREATE') AS create`,
            [APP_ROLE, schema],
          );
          expect(privileges.rows).toEqual([{ usage: false, create: false }]);
          await expect(tenants.runFor(tenantA.id, (tx) => tx.query(`SELECT payload FROM ${schema}.${probe}`))).rejects.toMatchObject({
            driverError: expect.objectContaining({ code: '42501' }),
          });
        });

        it.each(ENGINE_SCHEMAS)('%s: the engine role reads it (positive control)', async (schema) => {
          const { rows } = await engine.query(`SELECT payload FROM ${schema}.${probe}`);
          expect(rows).toHaveLength(1);
        });
      });

      describe('negative controls (the isolation checks above can fail)', () => {
        it('without FORCE, the owner reads across tenants: FORCE is what confines it', async () => {
          const client = await owner.connect();
          try {
            await client.query('BEGIN');
            // Transactional DDL: rolled back below, so no other test ever sees the table unforced.
            await client.query(`ALTER TABLE shipments NO FORCE ROW LEVEL SECURITY`);
            await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantA.id]);
            const { rows } = await client.query(`SELECT id FROM shipments WHERE id = $1`, [tenantB.shipmentId]);
            expect(rows).toEqual([{ id: tenantB.shipmentId }]);
          } finally {
            await client.query('ROLLBACK');
            client.release();
          }
          const forced = await owner.query(`SELECT relforcerowsecurity FROM pg_class WHERE oid = 'shipments'::regclass`);
          expect(forced.rows).toEqual([{ relforcerowsecurity: true }]);
        });

        superuserDescribe('superuser negative control', () => {
          it('a superuser reads across tenants even with FORCE, and the role of tenant transactions is neither superuser nor BYPASSRLS', async () => {
            // Tenant A set, B's row read: RLS does not bind a superuser, so the app-role tests above
            // would see this very leak if the app connected as one. Rolled back: nothing is written.
            const superuser = newPool(harness!.superuserUrl, 1);
            const client = await superuser.connect();
            try {
              await client.query('BEGIN');
              await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantA.id]);
              const { rows } = await client.query(`SELECT id, tenant_id FROM shipments WHERE id = $1`, [tenantB.shipmentId]);
              expect(rows).toEqual([{ id: tenantB.shipmentId, tenant_id: tenantB.id }]);
              // ... with the table forced, and as a role that is a superuser (else this control proves nothing).
              const context = await client.query<{ forced: boolean; tenant: string; rolsuper: boolean }>(
                `SELECT (SELECT relforcerowsecurity FROM pg_class WHERE oid = 'shipments'::regclass) AS forced,
                        current_setting('app.current_tenant_id', true) AS tenant,
                        (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS rolsuper`,
              );
              expect(context.rows).toEqual([{ forced: true, tenant: tenantA.id, rolsuper: true }]);
            } finally {
              await client.query('ROLLBACK').catch(() => undefined);
              client.release();
            }

            // The role tenant transactions actually run as (after SET LOCAL ROLE on PGlite) is
            // the application role, and neither attribute that would lift RLS is set on it.
            const roles = await tenants.runFor(tenantA.id, (tx) =>
              tx.query(`SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`) as Promise<
                { rolname: string; rolsuper: boolean; rolbypassrls: boolean }[]
              >,
            );
            expect(roles).toEqual([{ rolname: APP_ROLE, rolsuper: false, rolbypassrls: false }]);
            const appRole = await owner.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
            expect(appRole.rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
          });
        });

        it("the same read inside tenant B's transaction finds B's row", async () => {
          const rows = await tenants.runFor(tenantB.id, (tx) => read(tx, tenantB.shipmentId));
          expect(rows).toEqual([expect.objectContaining({ id: tenantB.shipmentId })]);
        });

        it("the same cross-tenant read as the owner, with no SET ROLE, sees B's row when the owner bypasses RLS", async () => {
          const client = await owner.connect();
          try {
            await client.query('BEGIN');
            await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantA.id]);
            const { rows } = await client.query(`SELECT id, tenant_id, status FROM shipments WHERE id = $1`, [tenantB.shipmentId]);
            await client.query('COMMIT');
            if (harness!.ownerBypassesRls) {
              // Superuser: RLS does not apply, so only RLS is what hid the row from tenant A.
              expect(rows).toEqual([expect.objectContaining({ id: tenantB.shipmentId })]);
            } else {
              // FORCE ROW LEVEL SECURITY: even the table owner is confined to the tenant set.
              expect(rows).toEqual([]);
            }
          } finally {
            client.release();
          }
        });
      });
    });
  });
}

type Queryable = { query: (sql: string, params?: unknown[]) => Promise<unknown> };

async function insertShipment(db: Queryable, tenantId: string, id: string): Promise<void> {
  const address = { name: 'Mr Hippo', street1: '1092 Indian Summer Ct', city: 'San Jose', state: 'CA', zip: '95122', country: 'US' };
  await db.query(
    `INSERT INTO shipments (id, tenant_id, idempotency_key, request_hash, status, workflow_id,
                            from_address, to_address, parcel, customer_email, created_at)
     VALUES ($1, $2, $3, $4, 'CREATED', $5, $6, $6, $7, 'hippo@example.com', now())`,
    [
      id,
      tenantId,
      `key-${id}`,
      createHash('sha256').update(id).digest('hex'),
      `shipment-${id}`,
      JSON.stringify(address),
      JSON.stringify({ length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1, massUnit: 'lb' }),
    ],
  );
}

/** The TCP socket under a `pg` client, to simulate a client that dies without a word. */
function socketOf(client: Client): Socket {
  return (client as unknown as { connection: { stream: Socket } }).connection.stream;
}
