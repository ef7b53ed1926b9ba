import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { ApiClientsService } from '../../auth';
import { TenantsService } from '../../tenancy';
import { RequireScopes } from './require-scopes.decorator';
import { ScopesGuard } from './scopes.guard';
import { TenantCredentials } from './shipment.types';

@Resolver()
@UseGuards(ScopesGuard)
export class TenantsResolver {
  constructor(
    private readonly tenants: TenantsService,
    private readonly clients: ApiClientsService,
  ) {}

  @Mutation(() => TenantCredentials, { description: 'Creates a tenant and its first API client (platform administrators only).' })
  @RequireScopes('platform:admin')
  async createTenant(@Args('name') name: string): Promise<TenantCredentials> {
    const tenant = await this.tenants.create(name);
    const client = await this.clients.createTenantClient(tenant.tenantId);
    return { tenantId: tenant.tenantId, clientId: client.clientId, clientSecret: client.clientSecret, webhookToken: tenant.webhookToken };
  }
}
