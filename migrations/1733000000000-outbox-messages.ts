import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `(SELECT nullif(current_setting('app.current_tenant_id', true), ''))::uuid`;

/**
 * The transactional outbox (ADR 0031): events accepted while the broker may be down, written in
 * the tenant's transaction and published to the event log by a relay. A tenant table like the
 * others (`tenant_id`, row-level security enabled and forced, the same policy); the application
 * role may only INSERT into it. The relay reads and marks rows of every tenant through three
 * narrow SECURITY DEFINER functions, run as the owner, which a policy of its own lets see them.
 */
export class OutboxMessages1733000000000 implements MigrationInterface {
  name = 'OutboxMessages1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        topic text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
        message_key text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        attempts integer NOT NULL DEFAULT 0,
        available_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        last_error text,
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_messages_pending_idx ON outbox_messages (available_at, id) WHERE sent_at IS NULL`);
    // Led by tenant_id like every tenant table's (the database contract holds them to it).
    await q.query(`CREATE INDEX outbox_messages_tenant_idx ON outbox_messages (tenant_id, id)`);
    await q.query(`CREATE INDEX outbox_messages_sent_idx ON outbox_messages (sent_at) WHERE sent_at IS NOT NULL`);
    await q.query(`ALTER TABLE outbox_messages ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE outbox_messages FORCE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY outbox_messages_tenant_isolation ON outbox_messages USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`);
    // The owner (the relay functions run as it) sees every tenant's rows; no other role does.
    await q.query(`CREATE POLICY outbox_messages_relay ON outbox_messages TO CURRENT_USER USING (true) WITH CHECK (true)`);
    // Explicit: a server's default privileges may grant the role more on every new table (infra:up's do).
    await q.query(`REVOKE ALL ON outbox_messages FROM PUBLIC, logisynapse_app`);
    await q.query(`GRANT INSERT ON outbox_messages TO logisynapse_app`);

    const definer = `LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp`;
    // Takes up to `max_rows` due rows of `topics` (oldest first) for `lease_seconds`: another relay
    // takes them only after the lease, should this one die before marking them. A relay claims
    // only the topics it publishes.
    await q.query(`
      CREATE FUNCTION outbox_claim(max_rows integer, lease_seconds double precision, topics text[])
      RETURNS TABLE (id bigint, tenant_id uuid, topic text, message_key text, payload jsonb, headers jsonb, attempts integer)
      ${definer} AS $$
        UPDATE public.outbox_messages m
           SET attempts = m.attempts + 1,
               available_at = clock_timestamp() + make_interval(secs => least(greatest(lease_seconds, 1), 3600))
         WHERE m.id IN (SELECT o.id FROM public.outbox_messages o
                         WHERE o.sent_at IS NULL AND o.available_at <= clock_timestamp() AND o.topic = ANY(topics)
                         ORDER BY o.id LIMIT least(greatest(max_rows, 1), 1000)
                         FOR UPDATE SKIP LOCKED)
        RETURNING m.id, m.tenant_id, m.topic, m.message_key, m.payload, m.headers, m.attempts
      $$`);
    // Marks rows published; sent rows are kept a day for inspection, then deleted.
    await q.query(`
      CREATE FUNCTION outbox_mark_sent(message_ids bigint[]) RETURNS integer ${definer} AS $$
        DELETE FROM public.outbox_messages WHERE sent_at < clock_timestamp() - interval '1 day';
        WITH marked AS (
          UPDATE public.outbox_messages SET sent_at = clock_timestamp(), last_error = NULL
           WHERE id = ANY(message_ids) AND sent_at IS NULL RETURNING 1)
        SELECT count(*)::integer FROM marked
      $$`);
    await q.query(`
      CREATE FUNCTION outbox_retry_later(message_ids bigint[], delay_seconds double precision, error text) RETURNS void ${definer} AS $$
        UPDATE public.outbox_messages
           SET available_at = clock_timestamp() + make_interval(secs => least(greatest(delay_seconds, 0), 3600)),
               last_error = left(error, 1000)
         WHERE id = ANY(message_ids) AND sent_at IS NULL
      $$`);
    for (const fn of ['outbox_claim(integer, double precision, text[])', 'outbox_mark_sent(bigint[])', 'outbox_retry_later(bigint[], double precision, text)']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO logisynapse_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION outbox_retry_later(bigint[], double precision, text), outbox_mark_sent(bigint[]), outbox_claim(integer, double precision, text[])`);
    await q.query(`DROP TABLE outbox_messages`);
  }
}
