import { randomUUID } from 'node:crypto';
import { AppProcess, type DemoCredentials } from '../support/app-process';
import { postFrom } from '../support/loopback-source';
import { PROBE_QUERY, errorCodeOf, expectNoLeak, http, httpAnswer, type HttpAnswer } from './security-support';

/**
 * Brute force on POST /oauth/token. The limiter (src/modules/auth/application/token-request-limiter.ts)
 * counts failed requests in the platform database, shared by every process: 10 per client id and
 * address, and 30 per address, in five minutes (ADR 0029). This file has its own apps, and the
 * tests run in order: the last one of the first block locks the whole address 127.0.0.1.
 */
describe('security: brute force on the token endpoint (embedded defaults)', () => {
  const CLIENT_LIMIT = 10;
  const ADDRESS_LIMIT = 30;
  const WINDOW_SECONDS = 300;
  let app: AppProcess;
  let victim: DemoCredentials;
  let bystander: DemoCredentials;
  let targeted: DemoCredentials;
  /** Failed requests this file has made from 127.0.0.1 so far (the address counter). */
  let addressFailures = 0;

  beforeAll(async () => {
    app = await AppProcess.start();
    victim = await app.newTenant('Brute force victim');
    bystander = await app.newTenant('Brute force bystander');
    targeted = await app.newTenant('Brute force from elsewhere');
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  const form = (clientId: string, secret: string, headers: Record<string, string> = {}) =>
    http(app, '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
  const json = (clientId: string, secret: string) =>
    http(app, '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
  const basic = (clientId: string, secret: string) =>
    http(app, '/oauth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
  /** The same form request, from the loopback address `localAddress` (the socket's source). */
  const formFrom = async (localAddress: string, clientId: string, secret: string, headers: Record<string, string> = {}): Promise<HttpAnswer> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString();
    return httpAnswer(await postFrom(localAddress, `${app.baseUrl}/oauth/token`, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body));
  };
  const secrets = () => [victim.clientSecret, bystander.clientSecret, targeted.clientSecret];

  const expectFailure = (answer: HttpAnswer) => {
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: 'invalid_client', code: 'UNAUTHENTICATED' });
    addressFailures += 1;
  };
  const expectLocked = (answer: HttpAnswer) => {
    expect(answer.status).toBe(429);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(errorCodeOf(answer.json)).toBe('TOO_MANY_REQUESTS');
    expect(answer.text).not.toContain('access_token');
    expectNoLeak(answer.text, secrets());
  };

  it('answers a wrong secret and an unknown client id alike (no client enumeration)', async () => {
    const wrongSecret = await form(bystander.clientId, 'wrong-secret');
    const unknownClient = await form(`cli_${randomUUID()}`, 'wrong-secret');
    expectFailure(wrongSecret);
    expectFailure(unknownClient);
    expect(wrongSecret.json).toEqual(unknownClient.json);
    expectNoLeak(wrongSecret.text, secrets());
  });

  it(`locks a client id from an address after ${CLIENT_LIMIT} failures: 429 with Retry-After, even for the right secret, however it is sent`, async () => {
    // Failures through every way of sending credentials count alike.
    for (let i = 0; i < CLIENT_LIMIT; i++) {
      const attempt = i % 3 === 0 ? form : i % 3 === 1 ? json : basic;
      expectFailure(await attempt(victim.clientId, `guess-${i}`));
    }
    expectLocked(await form(victim.clientId, victim.clientSecret));
    expectLocked(await json(victim.clientId, victim.clientSecret));
    expectLocked(await basic(victim.clientId, victim.clientSecret));
    expectLocked(await form(victim.clientId, 'guess-again'));
  });

  it('keeps other clients working while one client id is locked', async () => {
    const answer = await form(bystander.clientId, bystander.clientSecret);
    expect(answer.status).toBe(200);
    const token = (answer.json as { access_token: string }).access_token;
    expect((await app.graphql(token, PROBE_QUERY)).errors).toBeUndefined();
  });

  it(`does not lock a client out for its other addresses: ${CLIENT_LIMIT} failures from 127.0.0.2 lock 127.0.0.2 out, the right secret from 127.0.0.1 still gets a token`, async () => {
    const attacker = '127.0.0.2';
    for (let i = 0; i < CLIENT_LIMIT; i++) {
      const answer = await formFrom(attacker, targeted.clientId, `guess-${i}`);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ error: 'invalid_client', code: 'UNAUTHENTICATED' });
    }
    // The attacker's address stays limited, with the right secret too, and naming another address changes nothing.
    expectLocked(await formFrom(attacker, targeted.clientId, targeted.clientSecret));
    expectLocked(await formFrom(attacker, targeted.clientId, targeted.clientSecret, { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' }));
    // The client itself, from its own address, is not locked out.
    const answer = await form(targeted.clientId, targeted.clientSecret);
    expect(answer.status).toBe(200);
    const token = (answer.json as { access_token: string }).access_token;
    expect((await app.graphql(token, PROBE_QUERY)).errors).toBeUndefined();
  });

  it(`locks the address after ${ADDRESS_LIMIT} failures across client ids, whatever X-Forwarded-For says`, async () => {
    // Spraying: a different client id each time, and a different forwarded address each time.
    let n = 0;
    while (addressFailures < ADDRESS_LIMIT) {
      n += 1;
      expectFailure(await form(`cli_spray_${n}_${randomUUID()}`, 'wrong', { 'x-forwarded-for': `203.0.113.${n}`, 'x-real-ip': `198.51.100.${n}` }));
    }
    expectLocked(await form(`cli_spray_next_${randomUUID()}`, 'wrong', { 'x-forwarded-for': '203.0.113.250' }));
    // From this address, even a client that never failed, with its right secret, must wait.
    expectLocked(await form(bystander.clientId, bystander.clientSecret));
  });
});

/**
 * Behind a reverse proxy every request comes from the proxy's address. With TRUSTED_PROXY_HOPS=1
 * the address is the entry the proxy appended to X-Forwarded-For (here the test is the proxy), so
 * one client's failures lock that client out, not everyone behind the proxy; and what a client
 * writes into the header itself (the entries before the proxy's) changes nothing.
 */
describe('security: brute force on the token endpoint behind a trusted reverse proxy (TRUSTED_PROXY_HOPS=1)', () => {
  const ADDRESS_LIMIT = 30;
  let app: AppProcess;
  let client: DemoCredentials;

  beforeAll(async () => {
    app = await AppProcess.start({ TRUSTED_PROXY_HOPS: '1' });
    client = await app.newTenant('Behind the proxy');
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  /** A request as the proxy forwards it: whatever the client sent in the header, then the client's address. */
  const viaProxy = (clientAddress: string, clientWritten: string | null, clientId: string, secret: string) =>
    http(app, '/oauth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': clientWritten === null ? clientAddress : `${clientWritten}, ${clientAddress}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });

  it('locks the attacking client by its forwarded address, however it fills the header, and keeps the others behind the proxy working', async () => {
    const attacker = '203.0.113.66';
    for (let n = 0; n < ADDRESS_LIMIT; n++) {
      const answer = await viaProxy(attacker, `198.51.100.${n}`, `cli_spray_${n}_${randomUUID()}`, 'wrong');
      expect(answer.status).toBe(401);
    }
    const locked = await viaProxy(attacker, '198.51.100.250', `cli_spray_next_${randomUUID()}`, 'wrong');
    expect(locked.status).toBe(429);
    expect(errorCodeOf(locked.json)).toBe('TOO_MANY_REQUESTS');
    // The attacker is locked out even with a real client's secret, from its own address...
    expect((await viaProxy(attacker, null, client.clientId, client.clientSecret)).status).toBe(429);
    // ...while another client behind the same proxy is not.
    const other = await viaProxy('203.0.113.77', null, client.clientId, client.clientSecret);
    expect(other.status).toBe(200);
    expect((other.json as { access_token?: string }).access_token).toEqual(expect.any(String));
  });
});
