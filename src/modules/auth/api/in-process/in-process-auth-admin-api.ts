import { Injectable } from '@nestjs/common';
import { SigningKeysService } from '../../application/signing-keys.service';
import { TenantOnboardingService, type TenantCredentials } from '../../application/tenant-onboarding.service';
import type { AuthAdminApi } from '../../ports/auth-admin-api.port';

/** The auth module in this process: one instance, provided by AuthModule, for the gRPC controller and the gateway. */
@Injectable()
export class InProcessAuthAdminApi implements AuthAdminApi {
  constructor(
    private readonly onboarding: TenantOnboardingService,
    private readonly keys: SigningKeysService,
  ) {}

  createTenant(name: string): Promise<TenantCredentials> {
    return this.onboarding.onboard(name);
  }

  rotateSigningKey(): Promise<string> {
    return this.keys.addKey();
  }

  retireSigningKey(kid: string): Promise<boolean> {
    return this.keys.retireKey(kid);
  }
}
