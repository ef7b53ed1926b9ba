import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { AppProcess, TEST_ADMIN, type DemoCredentials } from '../support/app-process';
import { authAdminServiceClient } from '../support/grpc-client';
import { expectNoLeak, grpcErrorText, grpcOutcome } from './security-support';

const NUL = 'Nul\u0000Co';
/** Under gRPC's 4 MB message limit. */
const THREE_MB = 'x'.repeat(3 * 1024 * 1024);

/**
 * The auth module's gRPC port (AuthAdminService: tenants and signing keys), attacked as an outside
 * caller would: without a token, with a forged one, with a tenant's, and with an administrator's
 * token carrying hostile text. Every refusal has its code, a short message and nothing leaked;
 * nothing is created by a refused call.
 */
describe('security: AuthAdminService over gRPC (embedded defaults)', () => {
  let app: AppProcess;
  let tenant: DemoCredentials;
  let tenantToken: string;
  let adminToken: string;
  let admin: ReturnType<typeof authAdminServiceClient>;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    app = await AppProcess.start();
    tenant = await app.newTenant(`Auth admin attack ${run}`);
    tenantToken = await app.token(tenant.clientId, tenant.clientSecret);
    adminToken = await app.token(TEST_ADMIN.clientId, TEST_ADMIN.clientSecret);
    admin = authAdminServiceClient(`127.0.0.1:${app.grpcPort}`);
  });

  afterAll(async () => {
    admin?.close();
    await app?.stop();
    app?.dispose();
  });

  const secrets = () => [tenant.clientSecret, tenant.webhookToken, TEST_ADMIN.clientSecret];

  async function refused(call: Promise<unknown>, code: number, detail?: string | RegExp): Promise<void> {
    const outcome = await grpcOutcome(call);
    expect(outcome.code).toBe(code);
    if (detail !== undefined) expect(outcome.error!.details).toMatch(detail);
    expect(outcome.error!.details.length).toBeLessThan(300);
    expectNoLeak(grpcErrorText(outcome.error), secrets());
  }

  it('refuses every method without a token, with a forged or malformed one: UNAUTHENTICATED', async () => {
    const [header, payload] = adminToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const [method, request] of [['CreateTenant', { name: `nobody ${run}` }], ['RotateSigningKey', {}], ['RetireSigningKey', { kid: 'x' }]] as const) {
      await refused(admin.call(method, request), status.UNAUTHENTICATED);
      await refused(admin.call(method, request, 'garbage'), status.UNAUTHENTICATED);
      await refused(admin.call(method, request, forged), status.UNAUTHENTICATED);
      // only "Bearer <token>" counts: a tenant id or a client id in metadata is never read
      await refused(admin.call(method, request, undefined, { 'x-tenant-id': tenant.tenantId, 'x-client-id': TEST_ADMIN.clientId }), status.UNAUTHENTICATED);
    }
  });

  it("refuses a tenant's token: PERMISSION_DENIED, and no tenant or key is made", async () => {
    await refused(admin.call('CreateTenant', { name: `made by a tenant ${run}` }, tenantToken), status.PERMISSION_DENIED);
    await refused(admin.call('RotateSigningKey', {}, tenantToken), status.PERMISSION_DENIED);
    const jwks = (await (await fetch(`${app.baseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    await refused(admin.call('RetireSigningKey', { kid: jwks.keys[0]!.kid }, tenantToken), status.PERMISSION_DENIED);
    const after = (await (await fetch(`${app.baseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(after.keys.map((k) => k.kid)).toEqual(jwks.keys.map((k) => k.kid));
  });

  // (A lone UTF-16 surrogate cannot reach the server over gRPC: protobuf strings are UTF-8, and the
  // client encodes it as U+FFFD. GraphQL, where it can, is attacked in hostile-input.spec.ts.)
  it('refuses NUL and huge values in every text field: INVALID_ARGUMENT naming it, short', async () => {
    await refused(admin.call('CreateTenant', { name: NUL }, adminToken), status.INVALID_ARGUMENT, /name/);
    await refused(admin.call('CreateTenant', { name: THREE_MB }, adminToken), status.INVALID_ARGUMENT, /name/);
    await refused(admin.call('CreateTenant', { name: '   ' }, adminToken), status.INVALID_ARGUMENT, /name/i);
    await refused(admin.call('RetireSigningKey', { kid: NUL }, adminToken), status.INVALID_ARGUMENT, /kid/);
    await refused(admin.call('RetireSigningKey', { kid: THREE_MB }, adminToken), status.INVALID_ARGUMENT, /kid/);
    // a kid that names no key is NOT_FOUND
    await refused(admin.call('RetireSigningKey', { kid: '' }, adminToken), status.NOT_FOUND);
    await refused(admin.call('RetireSigningKey', { kid: `no-such-kid-${run}` }, adminToken), status.NOT_FOUND);
  });

  it('does what an administrator asks (control): a tenant whose client gets tokens, a key that signs next, never the last key retired', async () => {
    const created = await admin.call<{ tenantId: string; clientId: string; clientSecret: string; webhookToken: string }>('CreateTenant', { name: `Made over gRPC ${run}` }, adminToken);
    expect(created.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(app.token(created.clientId, created.clientSecret)).resolves.toMatch(/^ey/);
    const { kid } = await admin.call<{ kid: string }>('RotateSigningKey', {}, adminToken);
    const next = await app.token(created.clientId, created.clientSecret);
    expect((JSON.parse(Buffer.from(next.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid).toBe(kid);
    const keys = ((await (await fetch(`${app.baseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    // signed with the new key, so retiring the others does not retire this token's key
    const rotatedAdmin = await app.token(TEST_ADMIN.clientId, TEST_ADMIN.clientSecret);
    for (const old of keys.filter((k) => k !== kid)) await expect(admin.call('RetireSigningKey', { kid: old }, rotatedAdmin)).resolves.toEqual({ retired: true });
    await refused(admin.call('RetireSigningKey', { kid }, rotatedAdmin), status.INVALID_ARGUMENT, /only active signing key/);
    // a token of a retired key is refused at once by the process that retired it
    await refused(admin.call('RotateSigningKey', {}, adminToken), status.UNAUTHENTICATED);
  });
});
