import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiClientsRepository } from '../adapters/typeorm/api-clients.repository';
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

  constructor(private readonly repository: ApiClientsRepository) {}

  async createTenantClient(tenantId: string, tx?: EntityManager): Promise<ClientCredentials> {
    return this.create(`cli_${randomBytes(12).toString('base64url')}`, generateSecret(), tenantId, [...TENANT_SCOPES], tx);
  }

  async createAdminClient(clientId?: string, clientSecret?: string): Promise<ClientCredentials> {
    return this.create(clientId ?? `adm_${randomBytes(12).toString('base64url')}`, clientSecret ?? generateSecret(), null, [...ADMIN_SCOPES]);
  }

  /** Makes sure the operator's administrator exists with this secret (created or updated). */
  async ensureAdminClient(clientId: string, clientSecret: string): Promise<void> {
    await this.repository.ensureAdmin(clientId, await hashSecret(clientSecret), [...ADMIN_SCOPES]);
  }

  /** The client's principal when the secret is right, else null. */
  async authenticate(clientId: string, clientSecret: string): Promise<Principal | null> {
    const client = await this.repository.find(clientId);
    const ok = await verifySecret(clientSecret, client?.secretHash ?? (await this.decoyHash));
    if (!client || !ok) return null;
    return { clientId: client.clientId, tenantId: client.tenantId, scopes: client.scopes };
  }

  private async create(
    clientId: string,
    clientSecret: string,
    tenantId: string | null,
    scopes: string[],
    tx?: EntityManager,
  ): Promise<ClientCredentials> {
    await this.repository.create({ clientId, tenantId, secretHash: await hashSecret(clientSecret), scopes }, tx);
    return { clientId, clientSecret };
  }
}
