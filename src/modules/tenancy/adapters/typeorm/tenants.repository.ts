import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Tenants, through the owner's narrow functions in the schema `auth` (ADR 0028): the tenant role
 * reads only its own tenant's row. Stateless: the caller says which connection or platform
 * transaction runs the SQL.
 */
@Injectable()
export class TenantsRepository {
  async create(db: EntityManager, tenant: { id: string; name: string; webhookTokenHash: string }): Promise<void> {
    await db.query(`SELECT auth.create_tenant($1, $2, $3)`, [tenant.id, tenant.name, tenant.webhookTokenHash]);
  }

  /** The id of the tenant whose webhook token has this hash, or null. */
  async findByWebhookTokenHash(db: EntityManager, tokenHash: string): Promise<string | null> {
    const rows: { id: string | null }[] = await db.query(`SELECT auth.find_tenant_by_webhook_token($1) AS id`, [tokenHash]);
    return rows[0]?.id ?? null;
  }

  async count(db: EntityManager): Promise<number> {
    const rows: { n: string }[] = await db.query(`SELECT auth.tenant_count()::text AS n`);
    return Number(rows[0]?.n ?? 0);
  }
}
