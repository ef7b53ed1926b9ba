import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate, type IntrospectionOptions } from 'graphql';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule } from './query-limits';

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node }
  type Mutation { touch: Node }
`);
const limits = { ...DEFAULT_QUERY_LIMITS, maxDepth: 4, maxAliases: 2, maxFields: 10 };
const errorsOf = (query: string) => validate(schema, parse(query), [queryLimitsRule(limits)]).map((e) => e.message);
/** As the server validates: graphql-js's rules, then ours, with the default limits. */
const serverErrorsOf = (query: string) =>
  validate(schema, parse(query, { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens }), [...specifiedRules, queryLimitsRule()]).map((e) => e.message);
const nested = (levels: number, leaf: string) => 'ofType { '.repeat(levels) + leaf + ' }'.repeat(levels);

describe('queryLimitsRule', () => {
  it('accepts a query within the limits', () => {
    expect(errorsOf('{ node { id child { id name } } }')).toEqual([]);
  });

  it('refuses a deep query, counting through fragments', () => {
    expect(errorsOf('{ node { child { child { child { id } } } } }')).toEqual(['Query refused: depth 5 exceeds 4']);
    expect(errorsOf('{ node { ...F } } fragment F on Node { child { child { child { id } } } }')).toEqual([
      'Query refused: depth 5 exceeds 4',
    ]);
  });

  it('refuses too many aliases and too many fields', () => {
    expect(errorsOf('{ a: node { id } b: node { id } c: node { id } }')).toEqual(['Query refused: 3 aliases exceed 2']);
    expect(errorsOf('{ node { id name child { id name child { id name } } } n2: node { id name } }')).toEqual([
      'Query refused: 12 fields exceed 10',
    ]);
  });

  it('measures a fragment bomb in linear time and still counts every use of a fragment', () => {
    // Each fragment spreads the one below it twice: 2^39 fields once expanded, which expanding
    // spreads one by one would never finish counting.
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Node { id }` : `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const errors = errorsOf(`{ node { ...F0 } } ${fragments}`);
    expect(errors).toEqual([`Query refused: ${2 ** (levels - 1) + 1} fields exceed 10`]);
  });

  it('survives a fragment cycle (reported by the standard rules, not by a stack overflow)', () => {
    expect(() => errorsOf('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }')).not.toThrow();
  });
});

describe('queryLimitsRule: introspection', () => {
  // What GraphiQL 5 sends (its introspect(): graphql-js's query, typeDepth 9, with these two
  // options from its props), and the same with every option graphql-js 16 knows.
  const graphiqlOptions: IntrospectionOptions[] = [
    { inputValueDeprecation: false, schemaDescription: false },
    { inputValueDeprecation: true, schemaDescription: true },
    { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true },
  ];

  it.each(graphiqlOptions)("accepts GraphiQL's introspection query (depth 15, nine ofType) with %j", (options) => {
    expect(serverErrorsOf(getIntrospectionQuery(options))).toEqual([]);
  });

  it('does not count introspection levels against the data depth, and still limits data next to it', () => {
    expect(errorsOf(`{ node { id } __type(name: "Node") { fields { type { ${nested(9, 'name')} } } } }`)).toEqual([]);
    expect(errorsOf(`{ node { child { child { child { id } } } } __schema { queryType { name } } }`)).toEqual(['Query refused: depth 5 exceeds 4']);
  });

  it('refuses a recursive __type { ofType { ofType ... } } beyond the nine GraphiQL asks for, also through fragments', () => {
    expect(errorsOf(`{ __type(name: "Node") { ${nested(10, 'name')} } }`)).toEqual(['Query refused: 10 nested ofType exceed 9']);
    expect(errorsOf(`{ __type(name: "Node") { ofType { ...T } } } fragment T on __Type { ${nested(9, 'name')} }`)).toEqual([
      'Query refused: 10 nested ofType exceed 9',
    ]);
    expect(serverErrorsOf(`{ __type(name: "Node") { ${nested(300, 'name')} } }`)).toEqual(['Query refused: introspection depth 302 exceeds 15; 300 nested ofType exceed 9']);
  });

  it('refuses an introspection path deeper than 15 made of short ofType chains', () => {
    // The list fields (fields, interfaces, ...) stop at graphql-js's own MaxIntrospectionDepthRule;
    // this path stays under it and under nine ofType, and is 20 levels deep.
    const query = `{ __schema { types { fields { type { ${nested(4, `fields { type { ${nested(9, 'name')} } }`)} } } } } }`;
    expect(serverErrorsOf(query)).toEqual(['Query refused: introspection depth 20 exceeds 15']);
  });
});

describe('queryLimitsRule: directives, fragments, tokens, subscriptions', () => {
  it(`accepts ${DEFAULT_QUERY_LIMITS.maxDirectives} directives and refuses one more`, () => {
    const directives = (n: number) => `query($t: Boolean!) { node { ${Array(n).fill('id @include(if: $t)').join(' ')} } }`;
    expect(serverErrorsOf(directives(DEFAULT_QUERY_LIMITS.maxDirectives))).toEqual([]);
    expect(serverErrorsOf(directives(DEFAULT_QUERY_LIMITS.maxDirectives + 1))).toEqual([expect.stringContaining('51 directives exceed 50')]);
  });

  it('refuses { __typename @aa@aa... ×30000 }: at the parser by its token limit, and by the directive limit without it', () => {
    const flood = `{ __typename ${'@aa'.repeat(30_000)} }`;
    expect(() => parse(flood, { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens })).toThrow(/contains more that 5000 tokens/) // graphql-js's spelling;
    // Without the token limit, ours is the first error (the standard rules stop at 100 errors).
    const errors = validate(schema, parse(flood), [...specifiedRules, queryLimitsRule()]).map((e) => e.message);
    expect(errors[0]).toBe('Query refused: 30000 directives exceed 50');
  });

  it('refuses 2,000 unused fragments (and 101), accepts 100', () => {
    const fragments = (n: number) => `{ node { id } } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Node { id }`).join(' ')}`;
    const errors = validate(schema, parse(fragments(2000)), [...specifiedRules, queryLimitsRule()]).map((e) => e.message);
    expect(errors[0]).toBe('Query refused: 2000 fragments exceed 100');
    expect(() => parse(fragments(2000), { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens })).toThrow(/tokens/);
    expect(serverErrorsOf(fragments(101))[0]).toBe('Query refused: 101 fragments exceed 100');
    // Used or not, each counts; 100 fragments, all unused, are only graphql-js's NoUnusedFragments.
    expect(serverErrorsOf(fragments(100)).filter((m) => m.startsWith('Query refused'))).toEqual([]);
  });

  it('refuses a subscription, with or without a Subscription type in the schema', () => {
    expect(serverErrorsOf('subscription { x }')).toEqual(['Subscriptions are not supported by this API']);
    const withSubscriptions = buildSchema('type Query { a: String } type Subscription { x: String }');
    expect(validate(withSubscriptions, parse('subscription { x }'), [queryLimitsRule()]).map((e) => e.message)).toEqual([
      'Subscriptions are not supported by this API',
    ]);
  });

  it('refuses with BAD_USER_INPUT', () => {
    const [error] = validate(schema, parse('subscription { x }'), [queryLimitsRule()]);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
  });
});
