import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { APP_DATA_SOURCE, APP_ROLE, DATABASE_ENDPOINTS, type AppDataSource, type DatabaseEndpoints } from '../../../platform/database';
import { TenantContext } from '../domain/tenant-context';
import { isUuid } from '../../../platform/identifiers/uuid';


/** What the query runner really is: TypeORM's interface marks the flag read-only. */
type RunnerWithTransactionFlag = QueryRunner & { isTransactionActive: boolean };

/**
 * The only way to read or write tenant data: one transaction that first sets the tenant
 * (transaction-local, so a pooled connection carries nothing to its next user) and, on the
 * embedded server, switches to the application role so row-level security applies.
 *
 * `BEGIN`, the role and the tenant go to the server in one round trip (a multi-statement simple
 * query), so a tenant transaction costs no more round trips than the same work with an explicit
 * `WHERE tenant_id` (bench B5). A simple query takes no parameters, so the tenant id is inlined,
 * and only after it has been checked to be a UUID.
 *
 * The SQL here stays (no repository): `BEGIN`, the role and `app.current_tenant_id` are the
 * transaction protocol that row-level security depends on, the plumbing every repository's SQL
 * runs inside, not data access of a table; and it has to be one statement with `BEGIN` to cost no
 * extra round trip.
 */
@Injectable()
export class TenantTransactions {
  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    @Inject(DATABASE_ENDPOINTS) private readonly endpoints: DatabaseEndpoints,
  ) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const tenantId = TenantContext.require();
    if (!isUuid(tenantId)) throw new Error('The tenant context does not hold a UUID');
    const role = this.endpoints.switchRoleInTransactions ? `SET LOCAL ROLE ${APP_ROLE}; ` : '';
    const runner = this.dataSource.createQueryRunner() as RunnerWithTransactionFlag;
    await runner.connect();
    let open = false;
    try {
      // Open from here: should the role or the setting fail after BEGIN, the ROLLBACK below ends
      // the aborted transaction before the connection goes back to the pool.
      open = true;
      await runner.query(`BEGIN; ${role}SELECT set_config('app.current_tenant_id', '${tenantId.toLowerCase()}', true)`);
      // So TypeORM nests anything that asks for a transaction inside this one.
      runner.isTransactionActive = true;
      const result = await work(runner.manager);
      open = false;
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      runner.isTransactionActive = false;
      await runner.release();
    }
  }

  /** Same as `run`, for a tenant named explicitly (consumers of messages that carry it). */
  runFor<T>(tenantId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return TenantContext.run(tenantId, () => this.run(work));
  }
}
