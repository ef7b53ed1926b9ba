/** What a token may do; the authorization module turns scopes into permissions. */
export const TENANT_SCOPES = ['shipments:read', 'shipments:write'] as const;
export const ADMIN_SCOPES = ['platform:admin', 'tenants:admin'] as const;

export interface Principal {
  clientId: string;
  /** Null for a platform administrator, who belongs to no tenant. */
  tenantId: string | null;
  scopes: string[];
}

/** The requested scopes, which must be a subset of the granted ones (all granted when absent). */
export function narrowScopes(granted: string[], requested: string | undefined): string[] | null {
  if (requested === undefined || requested.trim() === '') return granted;
  const wanted = [...new Set(requested.trim().split(/\s+/))];
  return wanted.every((s) => granted.includes(s)) ? wanted : null;
}
