import { AsyncLocalStorage } from 'node:async_hooks';
import { isUuid } from '../../../platform/identifiers/uuid';

/** Who is acting: set once from a verified token, read everywhere below it. */
export interface TenantScope {
  tenantId: string;
}

const storage = new AsyncLocalStorage<TenantScope>();

export class MissingTenantContextError extends Error {
  override readonly name = 'MissingTenantContextError';
  constructor() {
    super('No tenant in context: tenant data may only be touched inside TenantContext.run');
  }
}


export const TenantContext = {
  run<T>(tenantId: string, fn: () => T): T {
    if (!isUuid(tenantId)) throw new Error(`Tenant id must be a UUID, got "${tenantId}"`);
    return storage.run({ tenantId }, fn);
  },
  /** The current tenant; throws when there is none (fails closed). */
  require(): string {
    const scope = storage.getStore();
    if (!scope) throw new MissingTenantContextError();
    return scope.tenantId;
  },
  current(): string | undefined {
    return storage.getStore()?.tenantId;
  },
};
