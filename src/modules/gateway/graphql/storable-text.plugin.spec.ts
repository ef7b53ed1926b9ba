import { GraphQLError, parse } from 'graphql';
import { storableTextPlugin } from './storable-text.plugin';

type Hook = (context: { document: ReturnType<typeof parse>; request: { variables?: Record<string, unknown> } }) => Promise<void>;

async function check(query: string, variables?: Record<string, unknown>): Promise<GraphQLError | null> {
  const listener = (await (storableTextPlugin().requestDidStart as unknown as () => Promise<{ didResolveOperation: Hook }>)());
  try {
    await listener.didResolveOperation({ document: parse(query), request: { variables } });
    return null;
  } catch (error) {
    return error as GraphQLError;
  }
}

describe('storableTextPlugin', () => {
  it('passes clean literals and variables', async () => {
    expect(await check(`mutation { createTenant(name: "Zürich 📦") { tenantId } }`)).toBeNull();
    expect(await check(`query($id: ID!) { shipment(id: $id) { id } }`, { id: 'abc', other: { deep: ['ok'] } })).toBeNull();
  });

  it('refuses NUL in a literal argument, at any depth, naming it (BAD_USER_INPUT, HTTP 400)', async () => {
    const error = await check(`mutation { createTenant(name: "Nul\\u0000Co") { tenantId } }`);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error?.message).toBe('name contains a NUL character (U+0000)');
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    // (graphql-js's lexer itself refuses a lone surrogate escape in a literal: a syntax error.)
    expect((await check(`mutation { createShipment(input: { toAddress: { street1: "a\\u0000" } }) { id } }`))?.message).toBe(
      'input.toAddress.street1 contains a NUL character (U+0000)',
    );
    expect((await check(`{ a: __typename @include(if: true) b: shipments(after: "ok", status: PENDING, first: 1) { edges { cursor } } c: shipment(id: "\\u0000") { id } }`))?.message).toBe(
      'id contains a NUL character (U+0000)',
    );
    expect((await check(`query($after: String = "x\\u0000") { shipments(after: $after) { edges { cursor } } }`))?.message).toBe(
      'after contains a NUL character (U+0000)',
    );
  });

  it('refuses such text in variables, at any depth, naming the path', async () => {
    const query = `mutation($input: CreateShipmentInput!) { createShipment(input: $input) { id } }`;
    expect((await check(query, { input: { fromAddress: { name: 'ok', phone: '1\u0000' } } }))?.message).toBe('input.fromAddress.phone contains a NUL character (U+0000)');
    expect((await check(query, { input: { list: ['a', '\uDC00'] } }))?.message).toBe('input.list[1] contains a lone UTF-16 surrogate (not valid Unicode text)');
  });
});
