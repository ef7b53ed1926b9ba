import { buildSchema, parse, validate } from 'graphql';
import { queryLimitsRule } from './query-limits';

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node }
`);
const limits = { maxDepth: 4, maxAliases: 2, maxFields: 10 };
const errorsOf = (query: string) => validate(schema, parse(query), [queryLimitsRule(limits)]).map((e) => e.message);

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
