import type { ApolloDriver } from '@nestjs/apollo';
import { Logger, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Args, GraphQLModule, Mutation, Query, Resolver } from '@nestjs/graphql';
import { getIntrospectionQuery } from 'graphql';
import { loadConfig } from '../../../platform/config/app-config';
import { graphqlOptions } from './graphql-options';

@Resolver()
class EchoResolver {
  @Query(() => String) shipmentName(): string {
    return 'parcel';
  }

  @Mutation(() => String) createShipment(@Args('name') name: string): string {
    return name;
  }
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The Apollo server as the gateway configures it, for a development and a production config. */
async function serverFor(env: Record<string, string>) {
  @Module({ imports: [GraphQLModule.forRoot(graphqlOptions(loadConfig(env)))], providers: [EchoResolver] })
  class OptionsTestModule {}
  const app = await NestFactory.create(OptionsTestModule, { logger: false });
  await app.init();
  const execute = async (query: string): Promise<Answer> => {
    const driver = app.get(GraphQLModule).graphQlAdapter as ApolloDriver;
    const response = await driver.instance.executeOperation({ query }, { contextValue: { req: {} } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as Answer;
  };
  return { app, execute };
}

describe('graphqlOptions', () => {
  let development: { app: INestApplication; execute: (query: string) => Promise<Answer> };
  let production: typeof development;
  const loggedErrors: unknown[] = [];

  beforeAll(async () => {
    development = await serverFor({ NODE_ENV: 'development' });
    production = await serverFor({ NODE_ENV: 'production' });
    // The formatter logs an unexpected error through Nest's Logger: a client error must not be one.
    jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => void loggedErrors.push(args));
  });

  afterAll(async () => {
    await development?.app.close();
    await production?.app.close();
    jest.restoreAllMocks();
  });

  beforeEach(() => {
    loggedErrors.length = 0;
  });

  afterEach(() => {
    expect(loggedErrors).toEqual([]);
  });

  const codes = (answer: Answer) => answer.errors?.map((e) => e.extensions?.code);

  it("answers GraphiQL's introspection query outside production", async () => {
    const answer = await development.execute(getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }));
    expect(answer.errors).toBeUndefined();
    const types = (answer.data!.__schema as { types: { name: string }[] }).types.map((t) => t.name);
    expect(types).toEqual(expect.arrayContaining(['Query', 'Mutation']));
  });

  it('refuses introspection in production with BAD_USER_INPUT, and __typename still works', async () => {
    for (const query of [getIntrospectionQuery(), '{ __schema { queryType { name } } }', '{ __type(name: "Query") { name } }']) {
      const answer = await production.execute(query);
      expect(answer.data).toBeUndefined();
      expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await production.execute('{ __typename }')).toEqual({ data: { __typename: 'Query' } });
  });

  it('says "Did you mean" outside production only', async () => {
    const typo = '{ shipmentNam }';
    const hinted = await development.execute(typo);
    expect(hinted.errors![0]!.message).toMatch(/Did you mean "shipmentName"\?/);
    const plain = await production.execute(typo);
    expect(plain.errors).toEqual([{ message: 'Cannot query field "shipmentNam" on type "Query".', extensions: { code: 'BAD_USER_INPUT' }, locations: expect.any(Array) }]);
    const argument = await production.execute('mutation { createShipment(nam: "x") }');
    expect(argument.errors!.map((e) => e.message).join(' ')).not.toMatch(/Did you mean/);
  });

  it.each([
    ['subscription { x }', 'subscription { x }', /Subscriptions are not supported/],
    ['{ __typename @aa ×30000 }', `{ __typename ${'@aa'.repeat(30_000)} }`, /5000 tokens/],
    ['51 directives', `{ __typename ${'@aa'.repeat(51)} }`, /51 directives exceed 50/],
    ['101 unused fragments', `{ __typename } ${Array.from({ length: 101 }, (_, i) => `fragment F${i} on Query { __typename }`).join(' ')}`, /101 fragments exceed 100/],
    ['ten nested ofType', `{ __type(name: "Query") { ${'ofType { '.repeat(10)}name${' }'.repeat(10)} } }`, /10 nested ofType exceed 9/],
  ])('refuses %s before execution with BAD_USER_INPUT, in development and production', async (_name, query, message) => {
    for (const server of [development, production]) {
      const answer = await server.execute(query);
      expect(answer.data).toBeUndefined();
      expect(codes(answer)![0]).toBe('BAD_USER_INPUT');
      expect(answer.errors!.map((e) => e.message).join('\n')).toMatch(message);
    }
  });
});
