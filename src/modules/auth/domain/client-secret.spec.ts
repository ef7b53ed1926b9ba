import { generateSecret, hashSecret, verifySecret } from './client-secret';

describe('client secrets', () => {
  it('verifies the right secret and rejects any other', async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(stored).not.toContain(secret);
    await expect(verifySecret(secret, stored)).resolves.toBe(true);
    await expect(verifySecret(`${secret}x`, stored)).resolves.toBe(false);
    await expect(verifySecret(secret, 'plain$text')).resolves.toBe(false);
  });

  it('salts each hash', async () => {
    const secret = generateSecret();
    expect(await hashSecret(secret)).not.toEqual(await hashSecret(secret));
  });
});
