import { GraphQLError } from 'graphql';
import { formatGraphqlError } from './graphql-errors';

const format = (original: unknown) => {
  const error = new GraphQLError('raw', { originalError: original as Error });
  return formatGraphqlError({ message: error.message, path: ['shipments'] }, error);
};

describe('formatGraphqlError', () => {
  it('answers a dependency outage with UNAVAILABLE, naming no address or driver', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    const formatted = format(refused);
    expect(formatted.extensions).toEqual({ code: 'UNAVAILABLE' });
    expect(JSON.stringify(formatted)).not.toMatch(/10\.0\.0\.5|ECONNREFUSED|5432/);
    expect(format(new Error('Connection terminated unexpectedly')).extensions).toEqual({ code: 'UNAVAILABLE' });
  });

  it('masks anything else as INTERNAL_SERVER_ERROR (control)', () => {
    expect(format(new TypeError('boom'))).toEqual({ message: 'Internal server error', path: ['shipments'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
