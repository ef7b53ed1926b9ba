import { getIntrospectionQuery } from 'graphql';
import { AppProcess, type DemoCredentials } from '../support/app-process';
import { errorCodeOf, expectNoLeak, http, type HttpAnswer } from './security-support';

/**
 * What a GraphQL client can make the server parse and validate, beyond depth, width and aliases
 * (request-limits.spec.ts): directives, fragments, tokens, recursive introspection,
 * subscriptions, and what production tells a client about the schema (ADR 0022). Every refusal
 * is HTTP 400 with BAD_USER_INPUT before execution (no `data`), no leak, and no error logged
 * with a stack (a client error is not the server's).
 */
const nested = (levels: number, leaf: string) => 'ofType { '.repeat(levels) + leaf + ' }'.repeat(levels);
const ATTACKS: [string, string][] = [
  ['directives flood: { __typename @aa ×30000 } (90 kB)', `{ __typename ${'@aa'.repeat(30_000)} }`],
  ['51 directives (under the token limit)', `{ __typename ${'@aa'.repeat(51)} }`],
  // Valid documents that graphql-js's own rules would execute: only our limits refuse these.
  ['51 valid @include directives', `{ ${Array(51).fill('__typename @include(if: true)').join(' ')} }`],
  ['101 used fragments', `{ ${Array.from({ length: 101 }, (_, i) => `...F${i}`).join(' ')} } ${Array.from({ length: 101 }, (_, i) => `fragment F${i} on Query { __typename }`).join(' ')}`],
  ['fragment flood: 2,000 unused fragments', `{ __typename } ${Array.from({ length: 2000 }, (_, i) => `fragment F${i} on Query { __typename }`).join(' ')}`],
  ['101 unused fragments (under the token limit)', `{ __typename } ${Array.from({ length: 101 }, (_, i) => `fragment F${i} on Query { __typename }`).join(' ')}`],
  ['deep recursive __type { ofType ×10 }', `{ __type(name: "Shipment") { ${nested(10, 'name')} } }`],
  ['deep recursive __type { ofType ×300 }', `{ __type(name: "Shipment") { ${nested(300, 'name')} } }`],
  ['token flood: 6,000 __typename', `{ ${Array(6000).fill('__typename').join(' ')} }`],
  ['subscription { x }', 'subscription { x }'],
  ['subscription with a real field name', 'subscription { shipments(first: 1) { edges { cursor } } }'],
];

async function expectRefused(app: AppProcess, answer: HttpAnswer, secrets: string[]) {
  expect(answer.status).toBe(400);
  expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
  expect(answer.json).not.toHaveProperty('data');
  expectNoLeak(answer.text, secrets);
  // Logs are written as the request is answered; none is an error about a client's request.
  await new Promise((resolve) => setImmediate(resolve));
  expect(app.jsonLogs().filter((line) => (line.level as number) >= 50)).toEqual([]);
}

describe('security: GraphQL parser and validation limits (embedded defaults)', () => {
  let app: AppProcess;
  let creds: DemoCredentials;
  let token: string;

  beforeAll(async () => {
    app = await AppProcess.start();
    creds = await app.newTenant('GraphQL limits');
    token = await app.token(creds.clientId, creds.clientSecret);
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  const gql = (query: string, bearer: string | null) =>
    http(app, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify({ query }),
    });

  it.each(ATTACKS)('refuses %s, with and without a token', async (_name, query) => {
    for (const bearer of [token, null]) await expectRefused(app, await gql(query, bearer), [creds.clientSecret, creds.webhookToken]);
  });

  it("accepts GraphiQL's introspection query (control), and says Did you mean outside production", async () => {
    const answer = await gql(getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }), null);
    expect(answer.status).toBe(200);
    expect(answer.json).not.toHaveProperty('errors');
    const typo = await gql('{ shipment(id: "x") { trackingNumbr } }', token);
    expect(typo.text).toMatch(/Did you mean/);
  });
});

describe('security: GraphQL in production (NODE_ENV=production)', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await AppProcess.start({ NODE_ENV: 'production' });
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  const gql = (query: string, variables?: Record<string, unknown>) =>
    http(app, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });

  it('refuses introspection (GraphiQL\'s query, __schema, __type) with BAD_USER_INPUT', async () => {
    for (const query of [getIntrospectionQuery(), '{ __schema { types { name } } }', '{ __type(name: "Shipment") { fields { name } } }']) {
      await expectRefused(app, await gql(query), []);
    }
  });

  it('gives no "Did you mean" hint that would spell the schema out (clairvoyance), for fields, arguments and enum values', async () => {
    for (const query of [
      '{ shipment(id: "x") { trackingNumbr } }',
      '{ shipmnt(id: "x") { id } }',
      '{ shipments(frst: 1) { edges { cursor } } }',
      '{ shipments(first: 1, status: DELIVERD) { edges { cursor } } }',
    ]) {
      const answer = await gql(query);
      expect(answer.status).toBe(400);
      expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
      expect(answer.text).not.toMatch(/Did you mean/i);
    }
    // A variable's value is checked after validation, by graphql-js's coercion: no hint there either.
    for (const variables of [{ s: 'DELIVERD' }, { s: 'deliverd' }]) {
      const answer = await gql('query($s: ShipmentStatus) { shipments(first: 1, status: $s) { edges { cursor } } }', variables);
      expect(answer.status).toBe(400);
      expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
      expect(answer.text).not.toMatch(/Did you mean/i);
    }
  });

  it('serves no playground page to a browser', async () => {
    const page = await http(app, '/graphql', { headers: { accept: 'text/html' } });
    expect(page.text).not.toMatch(/graphiql/i);
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
  });

  it.each(ATTACKS)('refuses %s there too', async (_name, query) => {
    await expectRefused(app, await gql(query), []);
  });
});
