import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_DATA_SOURCE, APP_ROLE, DATABASE_ENDPOINTS, type AppDataSource, type DatabaseEndpoints } from '../../../platform/database';
import { TenantContext } from '../domain/tenant-context';

/**
 * The only way to read or write tenant data: one transaction that first sets the tenant
 * (transaction-local, so a pooled connection carries nothing to its next user) and, on the
 * embedded server, switches to the application role so row-level security applies.
 */
@Injectable()
export class TenantTransactions {
  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    @Inject(DATABASE_ENDPOINTS) private readonly endpoints: DatabaseEndpoints,
  ) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const tenantId = TenantContext.require();
    return this.dataSource.transaction(async (tx) => {
      if (this.endpoints.switchRoleInTransactions) await tx.query(`SET LOCAL ROLE ${APP_ROLE}`);
      await tx.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantId]);
      return work(tx);
    });
  }

  /** Same as `run`, for a tenant named explicitly (consumers of messages that carry it). */
  runFor<T>(tenantId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return TenantContext.run(tenantId, () => this.run(work));
  }
}
