import { generateKeyPair, type CryptoKey } from 'jose';
import { VerifiedTokens, type VerifiedToken } from './verified-tokens';

describe('VerifiedTokens', () => {
  let key: CryptoKey;
  let now: number;
  const entry = (clientId: string, validUntilMs = now + 60_000): VerifiedToken => ({
    principal: { clientId, tenantId: null, scopes: ['shipments:read'] },
    kid: 'k1',
    key,
    validUntilMs,
  });

  beforeAll(async () => {
    ({ publicKey: key } = await generateKeyPair('ES256'));
  });
  beforeEach(() => {
    now = 1_000_000;
  });

  it('returns an entry until it expires, then forgets it', () => {
    const tokens = new VerifiedTokens(10, () => now);
    tokens.set('t', entry('a', now + 1000));
    expect(tokens.get('t')?.principal.clientId).toBe('a');
    now += 1000;
    expect(tokens.get('t')?.principal.clientId).toBe('a');
    now += 1;
    expect(tokens.get('t')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('drops the least recently used entry when full', () => {
    const tokens = new VerifiedTokens(2, () => now);
    tokens.set('a', entry('a'));
    tokens.set('b', entry('b'));
    expect(tokens.get('a')).toBeDefined(); // a is now the most recently used
    tokens.set('c', entry('c'));
    expect(tokens.get('b')).toBeUndefined();
    expect(tokens.get('a')?.principal.clientId).toBe('a');
    expect(tokens.get('c')?.principal.clientId).toBe('c');
    expect(tokens.size).toBe(2);
  });

  it('stores a frozen copy of the principal, so no caller can change what the next call sees', () => {
    const tokens = new VerifiedTokens(2, () => now);
    const original = entry('a');
    const stored = tokens.set('a', original);
    original.principal.scopes.push('platform:admin');
    expect(tokens.get('a')?.principal.scopes).toEqual(['shipments:read']);
    expect(Object.isFrozen(stored) && Object.isFrozen(stored.scopes)).toBe(true);
    expect(() => (stored.scopes as string[]).push('platform:admin')).toThrow(TypeError);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new VerifiedTokens(0)).toThrow(/positive integer/);
    expect(() => new VerifiedTokens(1.5)).toThrow(/positive integer/);
  });
});
