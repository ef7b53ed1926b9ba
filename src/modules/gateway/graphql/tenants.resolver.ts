import { Inject, UseGuards } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { AUTH_ADMIN_API, type AuthAdminApi } from '../../auth';
import { RequireAction } from '../../authorization';
import { AuthorizationGuard } from './authorization.guard';
import { TenantCredentials } from './shipment.types';

@Resolver()
@UseGuards(AuthorizationGuard)
export class TenantsResolver {
  // The auth module, in-process or over gRPC (AUTH_GRPC_URL) with the administrator's token.
  constructor(@Inject(AUTH_ADMIN_API) private readonly auth: AuthAdminApi) {}

  @Mutation(() => TenantCredentials, { description: 'Creates a tenant and its first API client (platform administrators only).' })
  @RequireAction('tenant:create')
  createTenant(@Args('name') name: string): Promise<TenantCredentials> {
    return this.auth.createTenant(name);
  }
}
