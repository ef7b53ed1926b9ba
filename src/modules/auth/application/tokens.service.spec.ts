import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { loadConfig } from '../../../platform/config/app-config';
import { DomainError } from '../../../platform/errors/domain-error';
import type { SigningKeysService } from './signing-keys.service';
import { TokensService } from './tokens.service';

const config = loadConfig({});
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Token attacks of RFC 8725, against the verifier with a strict in-memory key store. */
describe('TokensService', () => {
  let ours: { privateKey: CryptoKey; publicKey: CryptoKey };
  let tokens: TokensService;
  const kid = 'key-1';

  beforeAll(async () => {
    ours = await generateKeyPair('ES256', { extractable: true });
    const keys = {
      current: () => ({ kid, privateKey: ours.privateKey }),
      publicKeyFor: async (k: string) => (k === kid ? ours.publicKey : null),
    } as unknown as SigningKeysService;
    tokens = new TokensService(keys, config);
  });

  /** A token signed as the verifier expects, with `claims` and `header` overriding the defaults. */
  const sign = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key: CryptoKey = ours.privateKey) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      tenant_id: '11111111-1111-4111-8111-111111111111',
      scope: 'shipments:read',
      iss: config.auth.issuer,
      aud: config.auth.audience,
      sub: 'cli_test',
      iat: now,
      exp: now + 300,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt', ...header })
      .sign(key);
  };

  const rejection = async (token: string) => {
    const error = await tokens.verify(token).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('UNAUTHENTICATED');
    return (error as DomainError).message;
  };

  it('accepts its own token and reads the principal from it', async () => {
    const issued = await tokens.issue({ clientId: 'cli_a', tenantId: '22222222-2222-4222-8222-222222222222', scopes: ['shipments:read'] });
    await expect(tokens.verify(issued.access_token)).resolves.toEqual({
      clientId: 'cli_a',
      tenantId: '22222222-2222-4222-8222-222222222222',
      scopes: ['shipments:read'],
    });
  });

  it('rejects alg none', async () => {
    const payload = b64({ sub: 'x', iss: config.auth.issuer, aud: config.auth.audience, exp: Math.floor(Date.now() / 1000) + 60, iat: 1 });
    await rejection(`${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${payload}.`);
  });

  it('rejects an HS256 token keyed with the public key', async () => {
    const publicJwk = JSON.stringify(await exportJWK(ours.publicKey));
    const forged = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
      .setIssuer(config.auth.issuer)
      .setAudience(config.auth.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicJwk));
    await rejection(forged);
  });

  it('rejects expired, not yet valid, wrong audience and wrong issuer tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await rejection(await sign({ exp: now - 120 }))).toMatch(/expired/);
    await rejection(await sign({ nbf: now + 600 }));
    await rejection(await sign({ aud: 'someone-else' }));
    await rejection(await sign({ iss: 'https://evil.example' }));
  });

  it('tolerates a small clock skew', async () => {
    await expect(tokens.verify(await sign({ exp: Math.floor(Date.now() / 1000) - 5 }))).resolves.toMatchObject({ clientId: 'cli_test' });
  });

  it('rejects an unknown kid, a foreign key with an embedded jwk or jku, and a tampered payload', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    expect(await rejection(await sign({}, { kid: 'unknown' }, attacker.privateKey))).toMatch(/unknown key/);
    await rejection(await sign({}, { jwk: await exportJWK(attacker.publicKey), jku: 'https://evil.example/jwks.json' }, attacker.privateKey));
    const [header, , signature] = (await sign()).split('.');
    await rejection(`${header}.${b64({ sub: 'cli_test', tenant_id: '33333333-3333-4333-8333-333333333333', scope: 'platform:admin' })}.${signature}`);
  });

  it('requires the access token type', async () => {
    await rejection(await sign({}, { typ: 'JWT' }));
  });

  describe('a token it verified before', () => {
    let keys: { current: () => { kid: string; privateKey: CryptoKey }; publicKeyFor: (k: string) => Promise<CryptoKey | null> };
    let fresh: TokensService;
    let retired: boolean;

    beforeEach(() => {
      retired = false;
      keys = { current: () => ({ kid, privateKey: ours.privateKey }), publicKeyFor: async (k) => (k === kid && !retired ? ours.publicKey : null) };
      fresh = new TokensService(keys as unknown as SigningKeysService, config);
    });
    afterEach(() => jest.restoreAllMocks());

    it('is not verified cryptographically again, and gives the same principal', async () => {
      const token = await sign();
      const verifySignature = jest.spyOn(globalThis.crypto.subtle, 'verify');
      const first = await fresh.verify(token);
      expect(verifySignature).toHaveBeenCalledTimes(1);
      await expect(fresh.verify(token)).resolves.toEqual(first);
      expect(verifySignature).toHaveBeenCalledTimes(1);
      // A different token string, even for the same client, is verified on its own.
      await fresh.verify(await sign({ jti: 'another' }));
      expect(verifySignature).toHaveBeenCalledTimes(2);
    });

    it('is refused once its key is retired', async () => {
      const token = await sign();
      await fresh.verify(token);
      retired = true;
      expect(await rejection2(fresh, token)).toMatch(/unknown key/);
    });

    it('is refused once it expires (after the clock tolerance)', async () => {
      const issuedAt = Date.now();
      const token = await sign({ exp: Math.floor(issuedAt / 1000) + 10 });
      await fresh.verify(token);
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'], now: issuedAt + 25_000 });
      try {
        await expect(fresh.verify(token)).resolves.toMatchObject({ clientId: 'cli_test' }); // within the 30 s tolerance
        jest.setSystemTime(issuedAt + 45_000);
        expect(await rejection2(fresh, token)).toMatch(/expired/);
      } finally {
        jest.useRealTimers();
      }
    });

    const rejection2 = async (service: TokensService, token: string) => {
      const error = await service.verify(token).then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
      return (error as DomainError).message;
    };
  });

  it('rejects garbage', async () => {
    await rejection('not-a-jwt');
    await rejection('a.b.c');
  });
});
