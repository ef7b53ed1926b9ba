import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { DomainError } from '../../../../platform/errors/domain-error';
import { ACCESS_TOKEN_TYPE, SIGNING_ALGORITHM } from '../../application/access-token-verification';
import { JwksTokenVerifier } from './jwks-token-verifier';

const ISSUER = 'logisynapse';
const AUDIENCE = 'logisynapse-api';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Key {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' } };
}

function token(key: Key, claims: { aud?: string; kid?: string; tenantId?: string | null } = {}): Promise<string> {
  return new SignJWT({ tenant_id: claims.tenantId === undefined ? 'tenant-a' : claims.tenantId, scope: 'shipments:read shipments:write' })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: claims.kid ?? key.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setSubject('client-a')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

/** The auth process's `/.well-known/jwks.json` as a loopback server whose keys a test changes, counting its reads. */
class JwksServer {
  keys: JWK[] = [];
  reads = 0;
  private server: Server | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      this.reads += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('JwksTokenVerifier', () => {
  let jwks: JwksServer;
  let verifier: JwksTokenVerifier;
  let first: Key;

  beforeEach(async () => {
    jwks = new JwksServer();
    await jwks.start();
    first = await newKey('key-1');
    jwks.keys = [first.jwk];
    verifier = new JwksTokenVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, unknownKidFloorMs: 60_000, logger: quiet });
  });

  afterEach(async () => {
    verifier.stop();
    await jwks.stop();
  });

  it('verifies a token signed by a published key, with the claims the auth module checks itself', async () => {
    await expect(verifier.verify(await token(first))).resolves.toEqual({ clientId: 'client-a', tenantId: 'tenant-a', scopes: ['shipments:read', 'shipments:write'] });
    expect((await errorOf(verifier.verify(await token(first, { aud: 'someone-else' })))).code).toBe('UNAUTHENTICATED');
    expect((await errorOf(verifier.verify('not.a.token'))).message).toBe('Malformed access token');
    const metadata = { get: (key: string) => (key === 'authorization' ? ['Basic abc'] : []) };
    expect((await errorOf(verifier.verifyMetadata(metadata))).code).toBe('UNAUTHENTICATED');
    // one read of the set served all of that
    expect(jwks.reads).toBe(1);
  });

  it('reads the set again for an unknown kid at most once per floor, so made-up kids cost one read per floor', async () => {
    const floored = new JwksTokenVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, unknownKidFloorMs: 300, logger: quiet });
    await floored.verify(await token(first));
    expect(jwks.reads).toBe(1);
    const forged = (n: number) => token(first, { kid: `made-up-${n}` });
    // within the floor of the last read: refused without a read
    expect((await errorOf(floored.verify(await forged(0)))).message).toBe('Access token signed with an unknown key');
    expect(jwks.reads).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const burst = await Promise.all(Array.from({ length: 20 }, async (_, i) => errorOf(floored.verify(await forged(i + 1)))));
    expect(burst.every((error) => error.code === 'UNAUTHENTICATED')).toBe(true);
    // past the floor: one read for the whole burst
    expect(jwks.reads).toBe(2);
  });

  it('sees a rotation at once (a new kid is read) and a retirement at the next refresh, also for a token verified before', async () => {
    const fast = new JwksTokenVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, unknownKidFloorMs: 0, logger: quiet });
    const before = await token(first);
    await expect(fast.verify(before)).resolves.toMatchObject({ clientId: 'client-a' });
    const second = await newKey('key-2');
    jwks.keys = [second.jwk, first.jwk];
    await expect(fast.verify(await token(second))).resolves.toMatchObject({ clientId: 'client-a' });
    // key-1 retired: gone from the set; the token it signed, verified and remembered before, is refused after the refresh
    jwks.keys = [second.jwk];
    await expect(fast.verify(before)).resolves.toMatchObject({ clientId: 'client-a' });
    await fast.refresh();
    expect(fast.heldKids()).toEqual(['key-2']);
    expect((await errorOf(fast.verify(before))).message).toBe('Access token signed with an unknown key');
  });

  it('is UNAVAILABLE while it holds no keys and the auth process does not answer; keeps the keys it holds when a refresh fails', async () => {
    const port = jwks.port;
    await jwks.stop();
    expect((await errorOf(verifier.verify(await token(first)))).code).toBe('UNAVAILABLE');
    await expect(verifier.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await jwks.start(port);
    await verifier.ping();
    await jwks.stop();
    await verifier.refresh(); // fails, logged, keys kept
    expect(verifier.heldKids()).toEqual(['key-1']);
    await expect(verifier.verify(await token(first))).resolves.toMatchObject({ tenantId: 'tenant-a' });
    await expect(verifier.ping()).resolves.toBeUndefined();
  });

  it('refreshes in the background once started, and stops', async () => {
    const refreshing = new JwksTokenVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, refreshMs: 20, logger: quiet }).start();
    try {
      const deadline = Date.now() + 5_000;
      while (jwks.reads < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(jwks.reads).toBeGreaterThanOrEqual(3);
    } finally {
      refreshing.stop();
    }
    const reads = jwks.reads;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(jwks.reads).toBeLessThanOrEqual(reads + 1); // at most one read in flight when it stopped
  });
});
