import { Inject, Injectable } from '@nestjs/common';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../platform/database';
import { TenantsService } from '../../tenancy';
import { ApiClientsService } from './api-clients.service';

export interface TenantCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  webhookToken: string;
}

/** A new tenant and its first API client, created in one transaction: both or neither. */
@Injectable()
export class TenantOnboardingService {
  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    private readonly tenants: TenantsService,
    private readonly clients: ApiClientsService,
  ) {}

  onboard(name: string): Promise<TenantCredentials> {
    return this.dataSource.transaction(async (tx) => {
      const tenant = await this.tenants.create(name, tx);
      const client = await this.clients.createTenantClient(tenant.tenantId, tx);
      return { tenantId: tenant.tenantId, clientId: client.clientId, clientSecret: client.clientSecret, webhookToken: tenant.webhookToken };
    });
  }
}
