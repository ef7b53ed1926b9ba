import type { DatabaseEndpoints } from '../../database.types';

/**
 * A real PostgreSQL server: the application connects as its own role, migrations as the owner,
 * and the embedded engines (DBOS, pg-boss) as the engine role that owns their schemas. Without
 * an engine URL the engines use the owner's, which the tenant role cannot reach either.
 */
export function postgresEndpoints(appUrl: string, ownerUrl: string | null, engineUrl: string | null = null): DatabaseEndpoints {
  const owner = ownerUrl ?? appUrl;
  return {
    adapterName: `postgres (${redact(appUrl)}${engineUrl ? `, engines as ${roleOf(engineUrl)}` : ''})`,
    appUrl,
    ownerUrl: owner,
    engineUrl: engineUrl ?? owner,
    switchRoleInTransactions: false,
    supportsListenNotify: true,
    checkAlive: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

function roleOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || '<default role>';
  } catch {
    return '<unparseable url>';
  }
}

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
