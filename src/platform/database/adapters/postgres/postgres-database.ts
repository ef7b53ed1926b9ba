import type { DatabaseEndpoints } from '../../database.types';

/** A real PostgreSQL server: the application connects as its own role, migrations as the owner. */
export function postgresEndpoints(appUrl: string, ownerUrl: string | null): DatabaseEndpoints {
  const owner = ownerUrl ?? appUrl;
  return {
    adapterName: `postgres (${redact(appUrl)})`,
    appUrl,
    ownerUrl: owner,
    engineUrl: owner,
    switchRoleInTransactions: false,
    supportsListenNotify: true,
    close: () => Promise.resolve(),
  };
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
