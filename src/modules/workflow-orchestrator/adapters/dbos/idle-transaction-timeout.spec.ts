import { parse } from 'pg-connection-string';
import { withIdleTransactionTimeout } from './dbos-workflow-engine';

describe("DBOS system database URL: the idle-transaction timeout as a login option", () => {
  it('adds it as the `options` PostgreSQL applies at login, as pg reads it', () => {
    const url = withIdleTransactionTimeout('postgresql://engine:p%40ss@127.0.0.1:5432/logisynapse');
    const config = parse(url);
    expect(config.options).toBe('-c idle_in_transaction_session_timeout=60000');
    expect(config.password).toBe('p@ss');
    expect(config.database).toBe('logisynapse');
  });

  it('keeps options already given, and a timeout already set', () => {
    expect(parse(withIdleTransactionTimeout('postgres://u:p@h:1/d?options=-c%20search_path%3Ddbos', 5)).options).toBe(
      '-c search_path=dbos -c idle_in_transaction_session_timeout=5',
    );
    const set = 'postgres://u:p@h:1/d?options=-c%20idle_in_transaction_session_timeout%3D1000';
    expect(withIdleTransactionTimeout(set)).toBe(set);
  });
});
