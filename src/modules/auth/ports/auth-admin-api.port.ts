import type { TenantCredentials } from '../application/tenant-onboarding.service';

/**
 * What the gateway asks of the auth module for platform administrators, wherever it runs: in this
 * process (the onboarding and signing-key services), or in another over gRPC
 * (`logisynapse.auth.v1.AuthAdminService`) with the caller's own token, which that process
 * verifies and authorizes again (ADR 0044).
 */
export interface AuthAdminApi {
  createTenant(name: string): Promise<TenantCredentials>;
  /** Adds a key that signs from now on; answers its kid. */
  rotateSigningKey(): Promise<string>;
  /** Retires `kid`: NOT_FOUND when no active key has it, BAD_USER_INPUT for the only active key. */
  retireSigningKey(kid: string): Promise<boolean>;
}

export const AUTH_ADMIN_API = Symbol('AUTH_ADMIN_API');
