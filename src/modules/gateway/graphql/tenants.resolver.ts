import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { TenantOnboardingService } from '../../auth';
import { RequireScopes } from './require-scopes.decorator';
import { ScopesGuard } from './scopes.guard';
import { TenantCredentials } from './shipment.types';

@Resolver()
@UseGuards(ScopesGuard)
export class TenantsResolver {
  constructor(private readonly onboarding: TenantOnboardingService) {}

  @Mutation(() => TenantCredentials, { description: 'Creates a tenant and its first API client (platform administrators only).' })
  @RequireScopes('platform:admin')
  createTenant(@Args('name') name: string): Promise<TenantCredentials> {
    return this.onboarding.onboard(name);
  }
}
