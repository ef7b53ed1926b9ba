import { AppProcess, type DemoCredentials } from '../support/app-process';
import { CREATE_SHIPMENT, shipmentInput } from '../support/shipment-fixtures';
import { PROBE_QUERY, errorCodeOf, expectNoLeak, http, type HttpAnswer } from './security-support';

/**
 * Abusive requests refused before anything executes: GraphQL operations too deep, too wide or
 * with too many aliases (limits in src/modules/gateway/graphql/query-limits.ts: data depth 8,
 * introspection depth 15, 20 aliases, 300 fields; the others in graphql-limits.spec.ts), batched
 * requests, bodies over 100 kB, GET mutations, CSRF-able content types, malformed bodies. Every
 * answer is a 4xx with an error code, never a 500, never a leak.
 */
describe('security: request limits and malformed requests (embedded defaults)', () => {
  let app: AppProcess;
  let creds: DemoCredentials;
  let token: string;
  const LIMITS = { introspectionDepth: 15, aliases: 20, fields: 300 };

  beforeAll(async () => {
    app = await AppProcess.start();
    creds = await app.newTenant('Request limits');
    token = await app.token(creds.clientId, creds.clientSecret);
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  const secrets = () => [creds.clientSecret, creds.webhookToken];
  const post = (path: string, body: BodyInit | undefined, headers: Record<string, string> = {}) =>
    http(app, path, { method: 'POST', headers, body });
  const gql = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    post('/graphql', JSON.stringify({ query, variables }), { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers });
  const shipmentCount = async () => {
    const res = await app.graphql<{ shipments: { edges: unknown[] } }>(token, `{ shipments(first: 100) { edges { cursor } } }`);
    return res.data!.shipments.edges.length;
  };

  /** Refused by validation: 400, BAD_USER_INPUT, and no `data` at all (nothing executed). */
  const expectRefusedBeforeExecution = (answer: HttpAnswer) => {
    expect(answer.status).toBe(400);
    expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
    expect(answer.json).not.toHaveProperty('data');
    expectNoLeak(answer.text, secrets());
  };
  const expectAccepted = (answer: HttpAnswer) => {
    expect(answer.status).toBe(200);
    expect(answer.json).not.toHaveProperty('errors');
  };

  // Introspection is the only recursive part of this schema, so depth is built from it; its own
  // bounds (depth 15, nine nested ofType) are GraphiQL's introspection query's. The data depth
  // limit (8) cannot be reached with this schema's fields (unit test: query-limits.spec.ts).
  const nested = (levels: number, leaf: string) => 'ofType { '.repeat(levels) + leaf + ' }'.repeat(levels);
  /** `__schema types fields args type` is depth 6 with `name` at depth 7; each ofType adds one. */
  const deepQuery = (depth: number) => `{ __schema { types { fields { args { type { ${nested(depth - 6, 'name')} } } } } } }`;
  const aliasQuery = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
  const wideQuery = (n: number) => `{ ${Array(n).fill('__typename').join(' ')} }`;

  describe('GraphQL operation limits', () => {
    it(`accepts an operation at the limits (introspection depth ${LIMITS.introspectionDepth}, ${LIMITS.aliases} aliases, ${LIMITS.fields} fields): control`, async () => {
      expectAccepted(await gql(deepQuery(LIMITS.introspectionDepth)));
      expectAccepted(await gql(aliasQuery(LIMITS.aliases)));
      expectAccepted(await gql(wideQuery(LIMITS.fields)));
    });

    it(`refuses introspection deeper than ${LIMITS.introspectionDepth}, also when the depth hides in fragments`, async () => {
      expectRefusedBeforeExecution(await gql(deepQuery(LIMITS.introspectionDepth + 1)));
      expectRefusedBeforeExecution(await gql(deepQuery(30)));
      // 20 levels with no more than four ofType in a row and two list levels (under graphql-js's
      // own MaxIntrospectionDepthRule): only the depth limit refuses it.
      const viaFragments = `
        query { __schema { types { ...T } } }
        fragment T on __Type { fields { ...F } }
        fragment F on __Field { type { ${nested(4, '...G')} } }
        fragment G on __Type { fields { type { ${nested(9, 'name')} } } }`;
      expectRefusedBeforeExecution(await gql(viaFragments));
      const viaInlineFragments = `{ __schema { types { ... on __Type { fields { ... on __Field { type { ${nested(4, `fields { type { ${nested(9, 'name')} } }`)} } } } } } } }`;
      expectRefusedBeforeExecution(await gql(viaInlineFragments));
    });

    it(`refuses more than ${LIMITS.aliases} aliases, in queries and in mutations (nothing created)`, async () => {
      expectRefusedBeforeExecution(await gql(aliasQuery(LIMITS.aliases + 1)));
      const before = await shipmentCount();
      const aliased = Array.from({ length: LIMITS.aliases + 1 }, (_, i) => `m${i}: createShipment(input: $i${i}) { id }`).join(' ');
      const params = Array.from({ length: LIMITS.aliases + 1 }, (_, i) => `$i${i}: CreateShipmentInput!`).join(', ');
      const variables = Object.fromEntries(Array.from({ length: LIMITS.aliases + 1 }, (_, i) => [`i${i}`, shipmentInput(`alias-flood-${i}`)]));
      expectRefusedBeforeExecution(await gql(`mutation(${params}) { ${aliased} }`, variables));
      expect(await shipmentCount()).toBe(before);
    });

    it(`refuses more than ${LIMITS.fields} fields, also when fragments multiply them, and in a mutation (nothing created)`, async () => {
      expectRefusedBeforeExecution(await gql(wideQuery(LIMITS.fields + 1)));
      const spreads = `{ ${Array(16).fill('...F').join(' ')} } fragment F on Query { ${Array(20).fill('__typename').join(' ')} }`;
      expectRefusedBeforeExecution(await gql(spreads));
      const before = await shipmentCount();
      const wideMutation = `mutation($i: CreateShipmentInput!) { createShipment(input: $i) { ${Array(LIMITS.fields).fill('id').join(' ')} } }`;
      expectRefusedBeforeExecution(await gql(wideMutation, { i: shipmentInput('wide-mutation') }));
      expect(await shipmentCount()).toBe(before);
    });

    it('refuses a batched HTTP request (JSON array body) without executing any of it', async () => {
      const before = await shipmentCount();
      const one = { query: CREATE_SHIPMENT, variables: { input: shipmentInput('batched-1') } };
      const two = { query: CREATE_SHIPMENT, variables: { input: shipmentInput('batched-2') } };
      const answer = await post('/graphql', JSON.stringify([one, two]), { 'content-type': 'application/json', authorization: `Bearer ${token}` });
      expect(answer.status).toBe(400);
      expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
      expectNoLeak(answer.text, secrets());
      // A batch of queries is refused the same way.
      const queries = await post('/graphql', JSON.stringify(Array(50).fill({ query: PROBE_QUERY })), { 'content-type': 'application/json', authorization: `Bearer ${token}` });
      expect(queries.status).toBe(400);
      expect(await shipmentCount()).toBe(before);
    });

    it('refuses a mutation sent with GET (405), so a link or an image cannot write', async () => {
      const before = await shipmentCount();
      const params = new URLSearchParams({ query: CREATE_SHIPMENT, variables: JSON.stringify({ input: shipmentInput('get-1') }) });
      const answer = await http(app, `/graphql?${params}`, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': '1' } });
      expect(answer.status).toBe(405);
      expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
      expect(await shipmentCount()).toBe(before);
    });

    it('refuses the content types a cross-site form can send (text/plain, form, multipart) and none at all, without executing', async () => {
      const before = await shipmentCount();
      const body = JSON.stringify({ query: CREATE_SHIPMENT, variables: { input: shipmentInput('csrf-1') } });
      const form = new FormData();
      form.set('query', CREATE_SHIPMENT);
      for (const init of [
        { headers: { 'content-type': 'text/plain' }, body },
        { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent(CREATE_SHIPMENT)}` },
        { headers: {}, body: form },
        { headers: {}, body: new Blob([body]) }, // no Content-Type header at all
      ] as { headers: Record<string, string>; body: BodyInit }[]) {
        const answer = await http(app, '/graphql', { method: 'POST', headers: { authorization: `Bearer ${token}`, ...init.headers }, body: init.body });
        expect(answer.status).toBe(400);
        expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
        expectNoLeak(answer.text, secrets());
      }
      expect(await shipmentCount()).toBe(before);
    });

    it('refuses a fragment bomb (fragments doubling 60 times) and keeps serving: counting it must not expand it', async () => {
      // Expanded spread by spread this is 2^60 fields: a server that counted that way would never
      // answer within the test's timeout, and health checks would stall behind it.
      const levels = 60;
      const fragments = [`fragment F0 on Query { __typename }`];
      for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
      const bomb = `{ ...F${levels} }\n${fragments.join('\n')}`;
      expect(bomb.length).toBeLessThan(4_000); // a tiny request
      const [answer, live] = await Promise.all([gql(bomb), http(app, '/health/live')]);
      expectRefusedBeforeExecution(answer);
      expect(live.status).toBe(200);
    });
  });

  describe('bodies over the size limit (100 kB)', () => {
    const big = 'x'.repeat(150_000);

    it('refuses them with 413 on /graphql, /oauth/token and the webhook, before executing', async () => {
      const before = await shipmentCount();
      const graphql = await post('/graphql', JSON.stringify({ query: CREATE_SHIPMENT, variables: { input: shipmentInput('oversized', { customerEmail: `${big}@example.com` }) } }), {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      });
      const tokenJson = await post('/oauth/token', JSON.stringify({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, pad: big }), {
        'content-type': 'application/json',
      });
      const tokenForm = await post('/oauth/token', `grant_type=client_credentials&client_id=${creds.clientId}&client_secret=${creds.clientSecret}&pad=${big}`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      const webhook = await post('/webhooks/carrier-tracking', JSON.stringify({ event: 'track_updated', pad: big }), {
        'content-type': 'application/json',
        'x-webhook-token': creds.webhookToken,
      });
      for (const answer of [graphql, tokenJson, tokenForm, webhook]) {
        expect(answer.status).toBe(413);
        expectNoLeak(answer.text, secrets());
      }
      expect(tokenJson.text).not.toContain('access_token');
      expect(await shipmentCount()).toBe(before);
    });
  });

  describe('malformed and unexpected bodies', () => {
    const routes = (): { path: string; headers: Record<string, string> }[] => [
      { path: '/graphql', headers: { authorization: `Bearer ${token}` } },
      { path: '/oauth/token', headers: {} },
      { path: '/webhooks/carrier-tracking', headers: { 'x-webhook-token': creds.webhookToken } },
    ];

    it('answers malformed JSON with 400, never 500, leaking nothing', async () => {
      for (const { path, headers } of routes()) {
        for (const body of ['{"query": ', 'null', '"just a string"', '{"a":1}}', '\u0000\u0001']) {
          const answer = await post(path, body, { 'content-type': 'application/json', ...headers });
          expect({ path, body, status: answer.status }).toEqual({ path, body, status: 400 });
          expectNoLeak(answer.text, secrets());
        }
      }
    });

    it('answers a compressed body that is not what it claims with 4xx, never 500', async () => {
      for (const { path, headers } of routes()) {
        const answer = await post(path, new TextEncoder().encode('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip', ...headers });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expectNoLeak(answer.text, secrets());
      }
    });

    it('answers body-parser refusals (malformed JSON, over 100 kB) with the platform error code, like every other 4xx', async () => {
      const problems: string[] = [];
      for (const { path, headers } of routes()) {
        const malformed = await post(path, '{"query": ', { 'content-type': 'application/json', ...headers });
        if (errorCodeOf(malformed.json) !== 'BAD_USER_INPUT') problems.push(`${path} malformed JSON -> ${malformed.status} ${malformed.text}`);
        const oversized = await post(path, JSON.stringify({ pad: 'x'.repeat(150_000) }), { 'content-type': 'application/json', ...headers });
        if (errorCodeOf(oversized.json) === undefined) problems.push(`${path} oversized -> ${oversized.status} ${oversized.text}`);
      }
      expect(problems).toEqual([]);
    });

    it('answers unknown, missing and odd content types on /oauth/token with 400 and a code', async () => {
      const form = `grant_type=client_credentials&client_id=${creds.clientId}&client_secret=wrong`;
      for (const [contentType, body] of [
        [undefined, form],
        ['application/xml', `<grant_type>client_credentials</grant_type>`],
        ['text/plain', form],
        ['application/json; charset=utf-7', '{}'],
        ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--\r\n`],
      ] as const) {
        const answer = await http(app, '/oauth/token', { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body: contentType ? body : new Blob([body]) });
        expect({ contentType, status: answer.status }).toEqual({ contentType, status: 400 });
        expect({ contentType, code: errorCodeOf(answer.json) }).toEqual({ contentType, code: 'BAD_USER_INPUT' });
        expectNoLeak(answer.text, secrets());
      }
    });

    it('answers wrongly typed token request fields (arrays, objects, repeated parameters) with 400 and a code', async () => {
      for (const [contentType, body] of [
        ['application/json', JSON.stringify({ grant_type: 'client_credentials', client_id: [creds.clientId], client_secret: { $ne: '' } })],
        ['application/json', JSON.stringify({ grant_type: ['client_credentials'], client_id: creds.clientId, client_secret: creds.clientSecret })],
        ['application/json', '[]'],
        ['application/x-www-form-urlencoded', `grant_type=client_credentials&client_id=${creds.clientId}&client_id=other&client_secret=x`],
        ['application/x-www-form-urlencoded', `grant_type=client_credentials&client_id[$ne]=x&client_secret[$ne]=x`],
      ] as const) {
        const answer = await post('/oauth/token', body, { 'content-type': contentType });
        expect({ body, status: answer.status }).toEqual({ body, status: 400 });
        expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
        expect(answer.text).not.toContain('access_token');
      }
    });

    it('answers unknown content types and malformed GraphQL envelopes on /graphql with 400 and BAD_USER_INPUT', async () => {
      for (const [contentType, body] of [
        ['application/xml', '<query>{ __typename }</query>'],
        ['application/graphql', '{ __typename }'],
        ['application/json', '{}'],
        ['application/json', JSON.stringify({ query: 42 })],
        ['application/json', JSON.stringify({ query: PROBE_QUERY, variables: '{"a":1}' })],
        ['application/json', JSON.stringify({ query: '{ shipments(first: ' })],
        ['application/json', JSON.stringify({ query: '{ nope }' })],
      ] as const) {
        const answer = await post('/graphql', body, { 'content-type': contentType, authorization: `Bearer ${token}` });
        expect({ contentType, body, status: answer.status }).toEqual({ contentType, body, status: 400 });
        expect({ contentType, body, code: errorCodeOf(answer.json) }).toEqual({ contentType, body, code: 'BAD_USER_INPUT' });
        expectNoLeak(answer.text, secrets());
      }
    });

    it('answers an operationName that names no operation with BAD_USER_INPUT, not INTERNAL_SERVER_ERROR', async () => {
      for (const envelope of [
        { query: 'query A { __typename }', operationName: 'B' },
        { query: 'query A { __typename } query B { __typename }' },
      ]) {
        const answer = await post('/graphql', JSON.stringify(envelope), { 'content-type': 'application/json', authorization: `Bearer ${token}` });
        expect(answer.status).toBeLessThan(500);
        expectNoLeak(answer.text, secrets());
        expect({ envelope, code: errorCodeOf(answer.json) }).toEqual({ envelope, code: 'BAD_USER_INPUT' });
      }
    });

    it('answers the webhook with a body of the wrong type or shape with 400 BAD_USER_INPUT', async () => {
      for (const [contentType, body] of [
        ['text/plain', 'hello'],
        ['application/json', '[]'],
        ['application/json', JSON.stringify({ event: 'track_updated', data: { tracking_number: { $ne: '' } } })],
        ['application/x-www-form-urlencoded', 'event=track_updated&data[tracking_number]=X'],
      ] as const) {
        const answer = await post('/webhooks/carrier-tracking', body, { 'content-type': contentType, 'x-webhook-token': creds.webhookToken });
        expect({ contentType, body, status: answer.status }).toEqual({ contentType, body, status: 400 });
        expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
        expectNoLeak(answer.text, secrets());
      }
    });
  });
});
