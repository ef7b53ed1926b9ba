import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess, TEST_ADMIN, type DemoCredentials } from '../support/app-process';
import { embeddedDatabaseUrl } from '../support/embedded-database-access';
import { TEST_KEY_ENCRYPTION_KEY, e2eTargets } from '../support/e2e-targets';
import { PROBE_QUERY, expectNoLeak, http, kidOf, serverSigningKey } from './security-support';

const APP_ROLE = 'logisynapse_app';
const PERMISSION_DENIED = '42501';

/**
 * The auth data against the role tenant queries run as (ADR 0028), on the running app's own
 * database: the embedded one (its superuser, then SET ROLE, as tenant transactions do) and the
 * real server of `.env.infra` (the application role's own login, DATABASE_TEST_URL). Private
 * keys are unreadable to that role and sealed at rest; it sees no other tenant's API clients; the
 * token endpoint works through the owner's functions; a wrong key-encryption key stops the start.
 */
for (const target of e2eTargets()) {
  target.describe(`security: auth data (${target.name})`, () => {
    const embedded = target.name === 'embedded defaults';
    let app: AppProcess;
    let a: DemoCredentials;
    let b: DemoCredentials;
    let tokenA: string;

    /** A connection as the application role, in a transaction rolled back at the end. */
    const asAppRole = async <T>(tenantId: string | null, work: (client: Client) => Promise<T>): Promise<T> => {
      const client = new Client({ connectionString: embedded ? embeddedDatabaseUrl(app) : process.env.DATABASE_TEST_URL });
      await client.connect();
      try {
        await client.query('BEGIN');
        if (embedded) await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
        const role = await client.query<{ user: string }>(`SELECT current_user AS user`);
        if (!embedded) expect(role.rows[0]!.user).toBe(APP_ROLE); // the app's own login, nothing more
        if (tenantId) await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantId]);
        return await work(client);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
      }
    };
    const ownerUrl = () => (embedded ? embeddedDatabaseUrl(app) : process.env.DATABASE_TEST_OWNER_URL);

    beforeAll(async () => {
      app = await AppProcess.start(target.env);
      const run = randomBytes(4).toString('hex');
      a = await app.newTenant(`Auth data A ${run}`);
      b = await app.newTenant(`Auth data B ${run}`);
      tokenA = await app.token(a.clientId, a.clientSecret);
    });

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    it('the tenant role cannot read the private signing keys (permission denied, any column)', async () => {
      for (const sql of ['SELECT private_jwk FROM signing_keys', 'SELECT private_jwk_sealed FROM signing_keys', 'SELECT * FROM signing_keys']) {
        await expect(asAppRole(a.tenantId, (client) => client.query(sql))).rejects.toMatchObject({ code: PERMISSION_DENIED });
      }
    });

    it('and what it can reach through the owner functions is ciphertext; the key is sealed at rest, no plaintext left', async () => {
      const kid = kidOf(tokenA);
      const viaFunction = await asAppRole(null, async (client) => (await client.query(`SELECT * FROM auth.signing_keys()`)).rows as Record<string, unknown>[]);
      expect(viaFunction.map((row) => row.kid)).toContain(kid);
      for (const row of viaFunction) {
        expect(row.legacy_private_jwk).toBeNull();
        expect(row.private_jwk_sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      }
      expectNoLeak(viaFunction);
      const owner = new Client({ connectionString: ownerUrl() });
      await owner.connect();
      try {
        const { rows } = await owner.query(`SELECT count(*)::int AS n FROM signing_keys WHERE private_jwk IS NOT NULL`);
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        await owner.end();
      }
      // Positive control: with the key-encryption key, the ciphertext is the key that signed the token.
      const { privateJwk } = await serverSigningKey(app, ownerUrl(), kid, embedded ? undefined : Buffer.from(TEST_KEY_ENCRYPTION_KEY, 'base64'));
      const jwks = (await http(app, '/.well-known/jwks.json')).json as { keys: { kid: string; x: string }[] };
      expect(jwks.keys.find((k) => k.kid === kid)?.x).toBe(privateJwk.x);
    });

    it("the tenant role sees its own tenant's API clients only, never a secret hash, never another tenant's or an administrator's", async () => {
      const seen = await asAppRole(b.tenantId, async (client) => (await client.query<{ client_id: string; tenant_id: string | null }>(`SELECT client_id, tenant_id FROM api_clients`)).rows);
      expect(seen.map((r) => r.client_id)).toContain(b.clientId);
      expect(seen.map((r) => r.client_id)).not.toContain(a.clientId);
      expect(seen.map((r) => r.client_id)).not.toContain(TEST_ADMIN.clientId);
      expect(new Set(seen.map((r) => r.tenant_id))).toEqual(new Set([b.tenantId]));
      await expect(asAppRole(null, async (client) => (await client.query(`SELECT client_id FROM api_clients`)).rows)).resolves.toEqual([]);
      await expect(asAppRole(b.tenantId, (client) => client.query(`SELECT secret_hash FROM api_clients`))).rejects.toMatchObject({ code: PERMISSION_DENIED });
      await expect(
        asAppRole(b.tenantId, (client) => client.query(`UPDATE api_clients SET scopes = '{platform:admin}' WHERE client_id = $1`, [b.clientId])),
      ).rejects.toMatchObject({ code: PERMISSION_DENIED });
    });

    it("the tenant role sees its own tenant's row only, and no tenant's webhook token hash", async () => {
      const seen = await asAppRole(b.tenantId, async (client) => (await client.query<{ id: string }>(`SELECT id, name FROM tenants`)).rows);
      expect(seen.map((r) => r.id)).toEqual([b.tenantId]);
      await expect(asAppRole(null, async (client) => (await client.query(`SELECT id FROM tenants`)).rows)).resolves.toEqual([]);
      await expect(asAppRole(b.tenantId, (client) => client.query(`SELECT webhook_token_hash FROM tenants`))).rejects.toMatchObject({ code: PERMISSION_DENIED });
      await expect(
        asAppRole(b.tenantId, (client) => client.query(`UPDATE tenants SET webhook_token_hash = 'planted' WHERE id = $1`, [a.tenantId])),
      ).rejects.toMatchObject({ code: PERMISSION_DENIED });
      // The webhook still finds its tenant by token (through auth.find_tenant_by_webhook_token).
      const res = await http(app, '/webhooks/carrier-tracking', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': a.webhookToken },
        body: JSON.stringify({ event: 'track_updated', data: {} }),
      });
      expect(res.status).toBe(400);
      const wrong = await http(app, '/webhooks/carrier-tracking', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': 'whk_not_a_tenant' },
        body: JSON.stringify({ event: 'track_updated', data: {} }),
      });
      expect(wrong.status).toBe(401);
    });

    it('the token endpoint still issues working tokens, to tenants and to the administrator', async () => {
      expect((await app.graphql(tokenA, PROBE_QUERY)).errors).toBeUndefined();
      const tokenB = await app.token(b.clientId, b.clientSecret);
      expect((await app.graphql(tokenB, PROBE_QUERY)).errors).toBeUndefined();
      await expect(app.token(TEST_ADMIN.clientId, TEST_ADMIN.clientSecret)).resolves.toEqual(expect.any(String));
    });

    it('a key-encryption key that did not seal the keys stops the start, saying which setting to fix', async () => {
      const other = randomBytes(32).toString('base64url');
      let wrong: AppProcess | null = null;
      if (embedded) {
        // The embedded default's key is generated into the data directory: replace it there.
        await app.stop();
        writeFileSync(join(app.dataDir, 'key-encryption.key'), `${other}\n`, { mode: 0o600 });
        await expect(AppProcess.start(target.env, app.dataDir)).rejects.toThrow(/cannot be decrypted with the key-encryption key from .*key-encryption\.key.*LOGISYNAPSE_KEY_ENCRYPTION_KEY/s);
      } else {
        const dataDir = mkdtempSync(join(tmpdir(), 'logisynapse-wrong-kek-'));
        try {
          const started = AppProcess.start({ ...target.env, LOGISYNAPSE_KEY_ENCRYPTION_KEY: other }, dataDir);
          wrong = await started.catch(() => null);
          await expect(started).rejects.toThrow(/cannot be decrypted with the key-encryption key from LOGISYNAPSE_KEY_ENCRYPTION_KEY/);
        } finally {
          await wrong?.stop();
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
      expect(wrong).toBeNull();
    });
  });
}
