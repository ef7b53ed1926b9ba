import { permanentSqlState } from './sql-errors';

describe('permanentSqlState', () => {
  it('names data exceptions and constraint violations, on the error or on its driverError', () => {
    expect(permanentSqlState({ code: '23505', message: 'duplicate key value violates unique constraint' })).toBe('23505');
    expect(permanentSqlState({ message: 'QueryFailedError', driverError: { code: '22001' } })).toBe('22001');
  });

  it('leaves everything worth a retry alone', () => {
    for (const error of [{ code: '40001' }, { code: '57P01' }, { code: '42501' }, { code: 'ECONNREFUSED' }, new Error('socket hang up'), null, 'x']) {
      expect(permanentSqlState(error)).toBeUndefined();
    }
  });
});
