import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { CryptoKey, JWK } from 'jose';
import { AppProcess, type DemoCredentials } from '../support/app-process';
import { shipmentServiceClient } from '../support/grpc-client';
import {
  PROBE_QUERY,
  attackerKey,
  attackerServer,
  b64url,
  decodeJwt,
  expectNoLeak,
  grpcErrorText,
  grpcOutcome,
  http,
  kidOf,
  serverSigningKey,
  signEs256,
  tamper,
  type ClaimSet,
} from './security-support';

/**
 * Forged and doctored access tokens, each refused over GraphQL (extensions.code UNAUTHENTICATED)
 * and over gRPC (status UNAUTHENTICATED), with nothing leaked in the answer. Claim names, issuer
 * and audience as src/modules/auth/application/tokens.service.ts issues them.
 */
describe('security: forged access tokens (embedded defaults)', () => {
  let app: AppProcess;
  let creds: DemoCredentials;
  let tenantB: DemoCredentials;
  let token: string;
  let kid: string;
  let serverKey: CryptoKey;
  let serverPrivateJwk: JWK;
  let serverPublicJwk: JWK;
  let grpc: ReturnType<typeof shipmentServiceClient>;
  let attacker: Awaited<ReturnType<typeof attackerKey>>;
  let evil: Awaited<ReturnType<typeof attackerServer>>;
  const forged = new Map<string, string>();

  const now = () => Math.floor(Date.now() / 1000);
  /** The claims of a genuine token of tenant A, fresh. */
  const claims = (overrides: Partial<ClaimSet> = {}): ClaimSet => {
    const genuine = decodeJwt(token).payload as unknown as ClaimSet;
    return { ...genuine, iat: now(), nbf: now(), exp: now() + 600, jti: randomUUID(), ...overrides };
  };
  const header = (overrides: Record<string, unknown> = {}) => ({ kid, typ: 'at+jwt', ...overrides });
  const unsigned = (h: Record<string, unknown>, p: ClaimSet) => `${b64url(h)}.${b64url(p)}.`;
  const hs256 = (h: Record<string, unknown>, p: ClaimSet, secret: Buffer | string) => {
    const input = `${b64url({ ...h, alg: 'HS256' })}.${b64url(p)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };

  beforeAll(async () => {
    app = await AppProcess.start();
    creds = await app.newTenant('Forged tokens A');
    tenantB = await app.newTenant('Forged tokens B');
    token = await app.token(creds.clientId, creds.clientSecret);
    kid = kidOf(token);
    ({ privateKey: serverKey, privateJwk: serverPrivateJwk } = await serverSigningKey(app, undefined, kid));
    const jwks = (await http(app, '/.well-known/jwks.json')).json as { keys: JWK[] };
    serverPublicJwk = jwks.keys.find((k) => k.kid === kid)!;
    grpc = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
    attacker = await attackerKey();
    evil = await attackerServer({ keys: [{ ...attacker.publicJwk, kid: 'attacker-key' }, { ...attacker.publicJwk, kid }] });

    const publicKey = createPublicKey({ key: serverPublicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const der = publicKey.export({ type: 'spki', format: 'der' });

    const add = (name: string, value: string) => forged.set(name, value);
    add('garbage instead of a JWT', 'not-a-jwt');
    add('header and payload only, no signature segment', token.split('.').slice(0, 2).join('.'));
    add('alg "none", real kid, empty signature', unsigned(header({ alg: 'none' }), claims()));
    add('alg "none", no kid', unsigned({ alg: 'none', typ: 'at+jwt' }, claims()));
    add('alg "NONE" (case variant), real kid', unsigned(header({ alg: 'NONE' }), claims()));
    add('alg "none" keeping the genuine signature', `${b64url(header({ alg: 'none' }))}.${token.split('.')[1]}.${token.split('.')[2]}`);
    add('HS256 keyed with the server public key (SPKI PEM)', hs256(header(), claims(), pem));
    add('HS256 keyed with the server public key (SPKI DER)', hs256(header(), claims(), der));
    add('HS256 keyed with the server public JWK (JSON)', hs256(header(), claims(), JSON.stringify(serverPublicJwk)));
    add('ES256 signed by an attacker key, real kid', await signEs256(claims(), attacker.privateKey, header()));
    add('unknown kid (attacker key)', await signEs256(claims(), attacker.privateKey, header({ kid: 'attacker-key' })));
    add('no kid at all (attacker key)', await signEs256(claims(), attacker.privateKey, { typ: 'at+jwt' }));
    add('kid with SQL in it', await signEs256(claims(), attacker.privateKey, header({ kid: `' OR '1'='1' --` })));
    add('kid with a path in it', await signEs256(claims(), attacker.privateKey, header({ kid: '../../../../../../dev/null' })));
    add('embedded jwk header (attacker key), real kid', await signEs256(claims(), attacker.privateKey, header({ jwk: attacker.publicJwk })));
    add('embedded jwk header (attacker key), attacker kid', await signEs256(claims(), attacker.privateKey, header({ kid: 'attacker-key', jwk: attacker.publicJwk })));
    add('jku pointing at the attacker JWKS, attacker kid', await signEs256(claims(), attacker.privateKey, header({ kid: 'attacker-key', jku: `${evil.url}/jwks.json` })));
    add('jku pointing at the attacker JWKS, real kid', await signEs256(claims(), attacker.privateKey, header({ jku: `${evil.url}/jwks.json` })));
    add('x5u pointing at the attacker, attacker kid', await signEs256(claims(), attacker.privateKey, header({ kid: 'attacker-key', x5u: `${evil.url}/cert.pem` })));
    // Correctly signed with the server's own key, wrong in exactly one check.
    add('expired (exp two minutes ago, beyond the clock skew)', await signEs256(claims({ iat: now() - 900, nbf: now() - 900, exp: now() - 120 }), serverKey, header()));
    add('not yet valid (nbf in five minutes)', await signEs256(claims({ nbf: now() + 300 }), serverKey, header()));
    add('wrong audience', await signEs256(claims({ aud: 'another-api' }), serverKey, header()));
    add('wrong issuer', await signEs256(claims({ iss: 'https://evil.example' }), serverKey, header()));
    add('wrong typ (plain JWT, not at+jwt)', await signEs256(claims(), serverKey, header({ typ: 'JWT' })));
    add('no exp claim', await signEs256({ ...claims(), exp: undefined }, serverKey, header()));
    // A genuine token, its payload changed after signing.
    add('tampered: platform:admin added to scope', tamper(token, ({ payload }) => (payload.scope = `${String(payload.scope)} platform:admin tenants:admin`)));
    add('tampered: tenant_id replaced by tenant B', tamper(token, ({ payload }) => (payload.tenant_id = tenantB.tenantId)));
    add('tampered: tenant_id removed (platform administrator shape)', tamper(token, ({ payload }) => (payload.tenant_id = null)));
    add('tampered: exp pushed a year ahead', tamper(token, ({ payload }) => (payload.exp = now() + 365 * 86400)));
    add('tampered: header alg switched to HS256', tamper(token, ({ header: h }) => (h.alg = 'HS256')));
  });

  afterAll(async () => {
    grpc?.close();
    await evil?.close();
    await app?.stop();
    app?.dispose();
  });

  const secrets = () => [String(serverPrivateJwk.d), creds.clientSecret, tenantB.clientSecret];

  it('accepts a token the suite signs with the server key and the genuine claims (control: the forgeries below differ in one point)', async () => {
    const control = await signEs256(claims(), serverKey, header());
    const answer = await app.graphql(control, PROBE_QUERY);
    expect(answer.errors).toBeUndefined();
    expect((await grpcOutcome(grpc.call('ListShipments', { first: 1 }, control))).code).toBe('OK');
    // And a genuine token of tenant A, unchanged, works.
    expect((await app.graphql(token, PROBE_QUERY)).errors).toBeUndefined();
  });

  const names = [
    'garbage instead of a JWT',
    'header and payload only, no signature segment',
    'alg "none", real kid, empty signature',
    'alg "none", no kid',
    'alg "NONE" (case variant), real kid',
    'alg "none" keeping the genuine signature',
    'HS256 keyed with the server public key (SPKI PEM)',
    'HS256 keyed with the server public key (SPKI DER)',
    'HS256 keyed with the server public JWK (JSON)',
    'ES256 signed by an attacker key, real kid',
    'unknown kid (attacker key)',
    'no kid at all (attacker key)',
    'kid with SQL in it',
    'kid with a path in it',
    'embedded jwk header (attacker key), real kid',
    'embedded jwk header (attacker key), attacker kid',
    'jku pointing at the attacker JWKS, attacker kid',
    'jku pointing at the attacker JWKS, real kid',
    'x5u pointing at the attacker, attacker kid',
    'expired (exp two minutes ago, beyond the clock skew)',
    'not yet valid (nbf in five minutes)',
    'wrong audience',
    'wrong issuer',
    'wrong typ (plain JWT, not at+jwt)',
    'no exp claim',
    'tampered: platform:admin added to scope',
    'tampered: tenant_id replaced by tenant B',
    'tampered: tenant_id removed (platform administrator shape)',
    'tampered: exp pushed a year ahead',
    'tampered: header alg switched to HS256',
  ];

  it.each(names)('refuses %s over GraphQL (UNAUTHENTICATED) and gRPC (UNAUTHENTICATED), leaking nothing', async (name) => {
    const forgery = forged.get(name);
    expect(forgery).toBeDefined();

    const answer = await http(app, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forgery}` },
      body: JSON.stringify({ query: PROBE_QUERY }),
    });
    const body = answer.json as { data?: { shipments?: unknown } | null; errors?: { extensions?: { code?: string } }[] };
    expect(answer.status).toBeLessThan(500);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data?.shipments ?? null).toBeNull();
    expectNoLeak(answer.text, secrets());

    const outcome = await grpcOutcome(grpc.call('ListShipments', { first: 1 }, forgery));
    expect(outcome.code).toBe(status.UNAUTHENTICATED);
    expectNoLeak(grpcErrorText(outcome.error), secrets());

    // A write is refused the same way (nothing is created with a forged token).
    const write = await grpcOutcome(grpc.call('UpdateShipmentStatus', { trackingNumber: 'SBX0', status: 'TRANSIT' }, forgery));
    expect(write.code).toBe(status.UNAUTHENTICATED);
  });

  it('never fetches the jku / x5u addresses a token names', () => {
    expect(evil.hits()).toBe(0);
  });

  it('refuses credentials that are not a Bearer token, and a token in another header', async () => {
    const basic = `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`;
    for (const headers of [
      { authorization: basic },
      { authorization: `Bearer ${token} extra` },
      { authorization: `Token ${token}` },
      { 'x-access-token': token },
      { cookie: `access_token=${token}` },
    ] as Record<string, string>[]) {
      const answer = await http(app, '/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: PROBE_QUERY }),
      });
      expect((answer.json as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expectNoLeak(answer.text, secrets());
    }
    for (const value of [basic, `Token ${token}`, token]) {
      const metadataOnly = await grpcOutcome(grpc.call('ListShipments', { first: 1 }, undefined, { authorization: value }));
      expect(metadataOnly.code).toBe(status.UNAUTHENTICATED);
    }
    const elsewhere = await grpcOutcome(grpc.call('ListShipments', { first: 1 }, undefined, { 'x-access-token': token }));
    expect(elsewhere.code).toBe(status.UNAUTHENTICATED);
  });

  it('serves no private key material in the JWKS', async () => {
    const jwks = await http(app, '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    for (const key of (jwks.json as { keys: Record<string, unknown>[] }).keys) {
      expect(key).toMatchObject({ kty: 'EC', alg: 'ES256' });
      for (const privateField of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(privateField);
    }
    expectNoLeak(jwks.text, secrets());
  });
});
