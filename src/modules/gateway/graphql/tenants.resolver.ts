import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { TenantOnboardingService } from '../../auth';
import { RequireAction } from '../../authorization';
import { AuthorizationGuard } from './authorization.guard';
import { TenantCredentials } from './shipment.types';

@Resolver()
@UseGuards(AuthorizationGuard)
export class TenantsResolver {
  constructor(private readonly onboarding: TenantOnboardingService) {}

  @Mutation(() => TenantCredentials, { description: 'Creates a tenant and its first API client (platform administrators only).' })
  @RequireAction('tenant:create')
  createTenant(@Args('name') name: string): Promise<TenantCredentials> {
    return this.onboarding.onboard(name);
  }
}
