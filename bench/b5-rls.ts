import { Client } from 'pg';
import { row, type Bench, type BenchRow } from './lib/context';
import { infraSettings } from './lib/env';
import { median, nowMs, percentile, round } from './lib/stats';

const SCHEMA = 'bench_rls';
const TENANTS = 10;
const PER_TENANT = 10_000;
const PAGE = 20;

/**
 * Two copies of the shipments table's shape and list index in a bench schema: one with row-level
 * security enabled and forced and the product's policy, one without. The same rows in both.
 */
async function seed(owner: Client, appRole: string): Promise<string[]> {
  await owner.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await owner.query(`CREATE SCHEMA ${SCHEMA}`);
  for (const table of ['shipments_rls', 'shipments_plain']) {
    await owner.query(`
      CREATE TABLE ${SCHEMA}.${table} (
        id uuid PRIMARY KEY, tenant_id uuid NOT NULL, status text NOT NULL, carrier text, tracking_number text,
        label_url text, workflow_id text NOT NULL, failure_reason text, customer_email text NOT NULL,
        created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
    await owner.query(`CREATE INDEX ${table}_list_idx ON ${SCHEMA}.${table} (tenant_id, created_at DESC, id DESC)`);
  }
  await owner.query(`ALTER TABLE ${SCHEMA}.shipments_rls ENABLE ROW LEVEL SECURITY`);
  await owner.query(`ALTER TABLE ${SCHEMA}.shipments_rls FORCE ROW LEVEL SECURITY`);
  await owner.query(`
    CREATE POLICY shipments_rls_tenant_isolation ON ${SCHEMA}.shipments_rls
      USING (tenant_id = (SELECT current_setting('app.current_tenant_id', true))::uuid)
      WITH CHECK (tenant_id = (SELECT current_setting('app.current_tenant_id', true))::uuid)`);
  await owner.query(`GRANT USAGE ON SCHEMA ${SCHEMA} TO ${appRole}`);
  await owner.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${SCHEMA} TO ${appRole}`);
  const tenants = Array.from({ length: TENANTS }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
  await owner.query(`
    INSERT INTO ${SCHEMA}.shipments_plain (id, tenant_id, status, carrier, tracking_number, label_url, workflow_id, customer_email, created_at)
    SELECT gen_random_uuid(), t.id, 'LABEL_CREATED', 'usps', 'SANDBOX' || n || '-' || left(t.id::text, 8), 'https://labels.example/' || n,
           'create-shipment-' || n, 'hippo@example.com', now() - (n || ' seconds')::interval
    FROM unnest($1::uuid[]) AS t(id), generate_series(1, $2) AS n`, [tenants, PER_TENANT]);
  // The RLS copy is written with the policy off for the owner (FORCE applies to the owner too).
  await owner.query(`ALTER TABLE ${SCHEMA}.shipments_rls NO FORCE ROW LEVEL SECURITY`);
  await owner.query(`INSERT INTO ${SCHEMA}.shipments_rls SELECT * FROM ${SCHEMA}.shipments_plain`);
  await owner.query(`ALTER TABLE ${SCHEMA}.shipments_rls FORCE ROW LEVEL SECURITY`);
  await owner.query(`ANALYZE ${SCHEMA}.shipments_rls`);
  await owner.query(`ANALYZE ${SCHEMA}.shipments_plain`);
  return tenants;
}

const COLUMNS = 'id, tenant_id, status, carrier, tracking_number, label_url, workflow_id, failure_reason, customer_email, created_at, updated_at';

export const b5Rls: Bench = {
  id: 'B5',
  title: 'tenant-scoped shipment list (page of 20 newest), p50, RLS as shipped vs explicit WHERE tenant_id',
  async run(ctx): Promise<BenchRow[]> {
    const settings = infraSettings();
    if (!settings.DATABASE_URL || !settings.DATABASE_OWNER_URL) throw new Error('needs DATABASE_URL and DATABASE_OWNER_URL (npm run infra:up)');
    const owner = new Client({ connectionString: settings.DATABASE_OWNER_URL, application_name: 'logisynapse-bench' });
    const app = new Client({ connectionString: settings.DATABASE_URL, application_name: 'logisynapse-bench' });
    await owner.connect();
    await app.connect();
    try {
      const appRole = (await app.query<{ r: string }>('SELECT current_user AS r')).rows[0]!.r;
      ctx.log(`B5: seeding ${TENANTS} tenants × ${PER_TENANT} shipments in schema ${SCHEMA}`);
      const tenants = await seed(owner, appRole);
      const iterations = ctx.quick ? 400 : 1000;

      // A: the product's unit of work: one transaction, tenant set transaction-locally, RLS filters.
      const shipped = async (tenant: string) => {
        // As TenantTransactions sends it: BEGIN and the tenant in one round trip.
        await app.query(`BEGIN; SELECT set_config('app.current_tenant_id', '${tenant}', true)`);
        const r = await app.query(`SELECT ${COLUMNS} FROM ${SCHEMA}.shipments_rls ORDER BY created_at DESC, id DESC LIMIT $1`, [PAGE + 1]);
        await app.query('COMMIT');
        return r.rowCount;
      };
      // B: same transaction shape, no RLS, the tenant as an explicit WHERE.
      const plain = async (tenant: string) => {
        await app.query('BEGIN');
        const r = await app.query(`SELECT ${COLUMNS} FROM ${SCHEMA}.shipments_plain WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [tenant, PAGE + 1]);
        await app.query('COMMIT');
        return r.rowCount;
      };
      // The query alone (no transaction statements), each way: what RLS itself costs.
      const rlsQueryOnly = async (tenant: string) => {
        await app.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenant]);
        const t0 = nowMs();
        await app.query(`SELECT ${COLUMNS} FROM ${SCHEMA}.shipments_rls ORDER BY created_at DESC, id DESC LIMIT $1`, [PAGE + 1]);
        return nowMs() - t0;
      };
      const plainQueryOnly = async (tenant: string) => {
        const t0 = nowMs();
        await app.query(`SELECT ${COLUMNS} FROM ${SCHEMA}.shipments_plain WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [tenant, PAGE + 1]);
        return nowMs() - t0;
      };

      const check = await shipped(tenants[0]!);
      if (check !== PAGE + 1) throw new Error(`RLS list returned ${check} rows, expected ${PAGE + 1}`);

      const timeOf = async (fn: (t: string) => Promise<unknown>, n: number) => {
        const samples: number[] = [];
        for (let i = 0; i < n; i += 1) {
          const t0 = nowMs();
          await fn(tenants[i % tenants.length]!);
          samples.push(nowMs() - t0);
        }
        return samples;
      };
      const inTx = async (fn: (t: string) => Promise<number>, n: number) => {
        const samples: number[] = [];
        await app.query('BEGIN');
        for (let i = 0; i < n; i += 1) samples.push(await fn(tenants[i % tenants.length]!));
        await app.query('COMMIT');
        return samples;
      };
      // Warm-up both.
      await timeOf(shipped, 200);
      await timeOf(plain, 200);
      const a: number[] = [];
      const b: number[] = [];
      const aq: number[] = [];
      const bq: number[] = [];
      for (let r = 0; r < ctx.rounds; r += 1) {
        // Alternate the order, so neither variant always runs on a warmer cache.
        const first = r % 2 === 0;
        if (first) a.push(percentile(await timeOf(shipped, iterations), 50));
        b.push(percentile(await timeOf(plain, iterations), 50));
        if (!first) a.push(percentile(await timeOf(shipped, iterations), 50));
        aq.push(percentile(await inTx(rlsQueryOnly, iterations), 50));
        bq.push(percentile(await inTx(plainQueryOnly, iterations), 50));
        ctx.log(`B5 round ${r + 1}: p50 RLS ${a.at(-1)!.toFixed(3)} ms, WHERE ${b.at(-1)!.toFixed(3)} ms; query alone ${aq.at(-1)!.toFixed(3)} / ${bq.at(-1)!.toFixed(3)} ms`);
      }
      const notes = {
        variantA: `as shipped: app role, one transaction (BEGIN and set_config('app.current_tenant_id', tenant, true) in one round trip; SELECT page of ${PAGE}+1 newest; COMMIT) on a table with RLS enabled and forced and the product's policy`,
        variantB: `same transaction and query on an identical table without RLS, with an explicit WHERE tenant_id = $1`,
      };
      return [
        row('B5', 'p50 ms (list, one tenant transaction)', round(median(a), 3), round(median(b), 3), 'A/B ≤ 1.2', (_a, _b, ratio) => ratio !== null && ratio <= 1.2, {
          ...notes,
          detail: `real PostgreSQL, ${TENANTS} tenants × ${PER_TENANT} shipments, index (tenant_id, created_at desc, id desc) on both, ${iterations} sequential queries per round over loopback, rounds A: ${a.map((v) => v.toFixed(3)).join(', ')} / B: ${b.map((v) => v.toFixed(3)).join(', ')} ms. A sends BEGIN and set_config in one round trip, as TenantTransactions does, so both make three; the next row isolates the query.`,
        }),
        row('B5', 'p50 ms (the SELECT alone)', round(median(aq), 3), round(median(bq), 3), 'A/B ≤ 1.2', (_a, _b, ratio) => ratio !== null && ratio <= 1.2, {
          variantA: 'the SELECT alone under RLS, the tenant already set in the open transaction',
          variantB: 'the SELECT alone with WHERE tenant_id on the table without RLS',
          detail: 'what row-level security itself costs (same plan: index scan on the list index)',
        }),
      ];
    } finally {
      await owner.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
      await owner.end();
      await app.end();
    }
  },
};
