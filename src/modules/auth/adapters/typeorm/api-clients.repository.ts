import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../../platform/database';

export interface StoredClient {
  clientId: string;
  tenantId: string | null;
  secretHash: string;
  scopes: string[];
}

/**
 * API clients, through the owner's narrow functions in the schema `auth` (ADR 0028): the
 * application role cannot read `api_clients` itself beyond its own tenant's non-secret columns.
 */
@Injectable()
export class ApiClientsRepository {
  constructor(@Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource) {}

  /** The enabled client `clientId`, or null. */
  async find(clientId: string): Promise<StoredClient | null> {
    const rows: { client_id: string; tenant_id: string | null; secret_hash: string; scopes: string[] }[] = await this.dataSource.query(
      `SELECT client_id, tenant_id, secret_hash, scopes FROM auth.find_client($1)`,
      [clientId],
    );
    const row = rows[0];
    return row ? { clientId: row.client_id, tenantId: row.tenant_id, secretHash: row.secret_hash, scopes: row.scopes } : null;
  }

  /** `tx`: the platform transaction to join (a tenant and its first client are created together). */
  async create(client: StoredClient, tx?: EntityManager): Promise<void> {
    await (tx ?? this.dataSource).query(`SELECT auth.create_client($1, $2, $3, $4)`, [client.clientId, client.tenantId, client.secretHash, client.scopes]);
  }

  /** Creates or updates the platform administrator `clientId` (never a tenant's client of that id). */
  async ensureAdmin(clientId: string, secretHash: string, scopes: string[]): Promise<void> {
    await this.dataSource.query(`SELECT auth.ensure_admin_client($1, $2, $3)`, [clientId, secretHash, scopes]);
  }
}
