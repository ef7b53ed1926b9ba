import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../platform/database';
import { generateSecret, hashSecret, verifySecret } from '../domain/client-secret';
import { ADMIN_SCOPES, TENANT_SCOPES, type Principal } from '../domain/scopes';

export interface ClientCredentials {
  clientId: string;
  /** Shown once: only its scrypt hash is stored. */
  clientSecret: string;
}

/** OAuth2 clients: one or more per tenant, and the platform administrators (no tenant). */
@Injectable()
export class ApiClientsService {
  /** A fixed hash to compare against when the client does not exist, so timing tells nothing. */
  private readonly decoyHash = hashSecret(generateSecret());

  constructor(@Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource) {}

  async createTenantClient(tenantId: string, tx?: EntityManager): Promise<ClientCredentials> {
    return this.create(`cli_${randomBytes(12).toString('base64url')}`, generateSecret(), tenantId, [...TENANT_SCOPES], tx);
  }

  async createAdminClient(clientId?: string, clientSecret?: string): Promise<ClientCredentials> {
    return this.create(clientId ?? `adm_${randomBytes(12).toString('base64url')}`, clientSecret ?? generateSecret(), null, [...ADMIN_SCOPES]);
  }

  /** Makes sure the operator's administrator exists with this secret (created or updated). */
  async ensureAdminClient(clientId: string, clientSecret: string): Promise<void> {
    const hash = await hashSecret(clientSecret);
    await this.dataSource.query(
      `INSERT INTO api_clients (client_id, tenant_id, secret_hash, scopes) VALUES ($1, NULL, $2, $3)
       ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, scopes = EXCLUDED.scopes, disabled_at = NULL
       WHERE api_clients.tenant_id IS NULL`,
      [clientId, hash, [...ADMIN_SCOPES]],
    );
  }

  /** The client's principal when the secret is right, else null. */
  async authenticate(clientId: string, clientSecret: string): Promise<Principal | null> {
    const rows: { client_id: string; tenant_id: string | null; secret_hash: string; scopes: string[] }[] = await this.dataSource.query(
      `SELECT client_id, tenant_id, secret_hash, scopes FROM api_clients WHERE client_id = $1 AND disabled_at IS NULL`,
      [clientId],
    );
    const row = rows[0];
    const ok = await verifySecret(clientSecret, row?.secret_hash ?? (await this.decoyHash));
    if (!row || !ok) return null;
    return { clientId: row.client_id, tenantId: row.tenant_id, scopes: row.scopes };
  }

  private async create(
    clientId: string,
    clientSecret: string,
    tenantId: string | null,
    scopes: string[],
    tx?: EntityManager,
  ): Promise<ClientCredentials> {
    await (tx ?? this.dataSource).query(`INSERT INTO api_clients (client_id, tenant_id, secret_hash, scopes) VALUES ($1, $2, $3, $4)`, [
      clientId,
      tenantId,
      await hashSecret(clientSecret),
      scopes,
    ]);
    return { clientId, clientSecret };
  }
}
