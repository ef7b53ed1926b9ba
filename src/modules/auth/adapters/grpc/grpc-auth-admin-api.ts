import type { OnModuleDestroy } from '@nestjs/common';
import { GrpcServiceClient } from '../../../../platform/grpc/grpc-service-client';
import { AUTH_ADMIN_PROTO_PATH } from '../../api/grpc/auth-admin.grpc-controller';
import type { RetireSigningKeyResponse__Output } from '../../api/grpc/generated/logisynapse/auth/v1/RetireSigningKeyResponse';
import type { RotateSigningKeyResponse__Output } from '../../api/grpc/generated/logisynapse/auth/v1/RotateSigningKeyResponse';
import type { TenantCredentials__Output } from '../../api/grpc/generated/logisynapse/auth/v1/TenantCredentials';
import type { TenantCredentials } from '../../application/tenant-onboarding.service';
import { CallerCredentials } from '../../../../platform/grpc/caller-credentials';
import type { AuthAdminApi } from '../../ports/auth-admin-api.port';

const SERVICE_NAME = 'logisynapse.auth.v1.AuthAdminService';

/**
 * The auth module in another process, over gRPC `logisynapse.auth.v1.AuthAdminService`, with the
 * caller's own bearer token (the administrator's), which that process verifies and authorizes.
 */
export class GrpcAuthAdminApi implements AuthAdminApi, OnModuleDestroy {
  private readonly remote: GrpcServiceClient;

  constructor(address: string) {
    this.remote = new GrpcServiceClient({ address, protoPath: AUTH_ADMIN_PROTO_PATH, service: SERVICE_NAME, bearerToken: () => CallerCredentials.requireBearerToken() });
  }

  /** Resolves when the auth process answers SERVING for AuthAdminService (readiness). */
  ping(): Promise<void> {
    return this.remote.ping();
  }

  async createTenant(name: string): Promise<TenantCredentials> {
    const answer = await this.remote.call<TenantCredentials__Output>('createTenant', 'CreateTenant', { name });
    return { tenantId: answer.tenantId, clientId: answer.clientId, clientSecret: answer.clientSecret, webhookToken: answer.webhookToken };
  }

  async rotateSigningKey(): Promise<string> {
    return (await this.remote.call<RotateSigningKeyResponse__Output>('rotateSigningKey', 'RotateSigningKey', {})).kid;
  }

  async retireSigningKey(kid: string): Promise<boolean> {
    return (await this.remote.call<RetireSigningKeyResponse__Output>('retireSigningKey', 'RetireSigningKey', { kid })).retired;
  }

  /** Nest calls this at shutdown: the channel is closed, no call is left pending. */
  onModuleDestroy(): void {
    this.remote.close();
  }
}
