import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../platform/database';
import { badInput } from '../../../platform/errors/domain-error';
import { TenantsRepository } from '../adapters/typeorm/tenants.repository';
import { assertStorableText } from '../../../platform/validation/postgres-text';

export interface CreatedTenant {
  tenantId: string;
  name: string;
  /** Shown once: only its hash is stored. */
  webhookToken: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Tenants are platform data: this is the narrow platform path that may create and look them up
 * outside any tenant transaction, through the owner's functions in `auth` (the tenant role reads
 * only its own tenant's row; ADR 0028).
 */
@Injectable()
export class TenantsService {
  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    // Stateless; the default serves callers outside Nest (the integration and contract specs).
    private readonly tenants: TenantsRepository = new TenantsRepository(),
  ) {}

  /** `tx`: the platform transaction to join (tenant and first client are created together). */
  async create(name: string, tx?: EntityManager): Promise<CreatedTenant> {
    assertStorableText(name, 'name');
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (trimmed.length < 1 || trimmed.length > 200) throw badInput('Tenant name must be 1 to 200 characters');
    const tenantId = randomUUID();
    const webhookToken = `whk_${randomBytes(24).toString('base64url')}`;
    await this.tenants.create(tx ?? this.dataSource.manager, { id: tenantId, name: trimmed, webhookTokenHash: hashToken(webhookToken) });
    return { tenantId, name: trimmed, webhookToken };
  }

  /** The tenant a carrier webhook token belongs to, or null. */
  async findByWebhookToken(token: string): Promise<string | null> {
    if (!token) return null;
    return this.tenants.findByWebhookTokenHash(this.dataSource.manager, hashToken(token));
  }

  async count(): Promise<number> {
    return this.tenants.count(this.dataSource.manager);
  }
}
