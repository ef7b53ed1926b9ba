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
});
