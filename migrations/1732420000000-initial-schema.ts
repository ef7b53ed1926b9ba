import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform tables (tenants, API clients, signing keys, dead letters) and tenant-owned tables
 * (shipments, tracking events, notifications). Every tenant-owned table carries `tenant_id`,
 * has row-level security enabled and forced, and a policy on the transaction's tenant setting.
 */
export class InitialSchema1732420000000 implements MigrationInterface {
  name = 'InitialSchema1732420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'logisynapse_app') THEN
          CREATE ROLE logisynapse_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
        END IF;
      END $$`);

    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        webhook_token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_clients (
        client_id text PRIMARY KEY,
        tenant_id uuid REFERENCES tenants(id),
        secret_hash text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_clients_tenant_idx ON api_clients (tenant_id)`);
    await q.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        algorithm text NOT NULL,
        private_jwk jsonb NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        tenant_id uuid,
        topic text NOT NULL,
        payload jsonb NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE shipments (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL,
        carrier text,
        tracking_number text,
        label_url text,
        carrier_transaction_id text,
        workflow_id text NOT NULL,
        failure_reason text,
        from_address jsonb NOT NULL,
        to_address jsonb NOT NULL,
        parcel jsonb NOT NULL,
        customer_email text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, idempotency_key)
      )`);
    await q.query(`CREATE UNIQUE INDEX shipments_tracking_idx ON shipments (tenant_id, tracking_number) WHERE tracking_number IS NOT NULL`);
    await q.query(`CREATE INDEX shipments_list_idx ON shipments (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX shipments_status_idx ON shipments (tenant_id, status, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE tracking_events (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        shipment_id uuid NOT NULL REFERENCES shipments(id),
        event_id text NOT NULL,
        status text NOT NULL,
        carrier_status text NOT NULL,
        occurred_at timestamptz NOT NULL,
        location text,
        description text,
        applied boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, event_id)
      )`);
    await q.query(`CREATE INDEX tracking_events_shipment_idx ON tracking_events (tenant_id, shipment_id, occurred_at)`);

    await q.query(`
      CREATE TABLE notifications (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        shipment_id uuid NOT NULL REFERENCES shipments(id),
        template text NOT NULL,
        recipient text NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, shipment_id, template)
      )`);

    for (const table of ['shipments', 'tracking_events', 'notifications']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_tenant_isolation ON ${table}
          USING (tenant_id = (SELECT current_setting('app.current_tenant_id', true))::uuid)
          WITH CHECK (tenant_id = (SELECT current_setting('app.current_tenant_id', true))::uuid)`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO logisynapse_app`);
    }
    await q.query(`GRANT USAGE ON SCHEMA public TO logisynapse_app`);
    await q.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO logisynapse_app`);
    // Platform tables: the narrow platform path (token issuance, tenant creation) uses them.
    await q.query(`GRANT SELECT, INSERT, UPDATE ON tenants, api_clients, signing_keys TO logisynapse_app`);
    await q.query(`GRANT INSERT ON dead_letters TO logisynapse_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications, tracking_events, shipments, dead_letters, signing_keys, api_clients, tenants`);
  }
}
