import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { AuthorizationService, callerObject, RequireAction, requiredActionOf } from '../../../authorization';
import { DomainError } from '../../../../platform/errors/domain-error';
import { toRpcException } from '../../../../platform/grpc/grpc-errors';
import { GrpcMetricsInterceptor } from '../../../../platform/grpc/grpc-metrics.interceptor';
import { assertGrpcRequestText } from '../../../../platform/grpc/request-text';
import { InProcessAuthAdminApi } from '../in-process/in-process-auth-admin-api';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../../ports/access-token-verifier.port';
// The messages' types, generated from auth-admin.proto (npm run generate:grpc).
import type { CreateTenantRequest__Output } from './generated/logisynapse/auth/v1/CreateTenantRequest';
import type { RetireSigningKeyRequest__Output } from './generated/logisynapse/auth/v1/RetireSigningKeyRequest';
import type { RetireSigningKeyResponse } from './generated/logisynapse/auth/v1/RetireSigningKeyResponse';
import type { RotateSigningKeyRequest__Output } from './generated/logisynapse/auth/v1/RotateSigningKeyRequest';
import type { RotateSigningKeyResponse } from './generated/logisynapse/auth/v1/RotateSigningKeyResponse';
import type { TenantCredentials } from './generated/logisynapse/auth/v1/TenantCredentials';

export const AUTH_ADMIN_GRPC_PACKAGE = 'logisynapse.auth.v1';
export const AUTH_ADMIN_PROTO_PATH = `${__dirname}/auth-admin.proto`;

type RpcMethod = 'createTenant' | 'rotateSigningKey' | 'retireSigningKey';

/**
 * gRPC `logisynapse.auth.v1.AuthAdminService`, for a gateway that does not host the auth module.
 * Each call verifies the caller's token itself and asks the policy for the method's declared
 * action, as the gateway did before calling: a network caller's word is not taken for who it is.
 */
@Controller()
// Every call measured by service, method and status (rpc.server.duration).
@UseInterceptors(GrpcMetricsInterceptor)
export class AuthAdminGrpcController {
  constructor(
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly tokens: AccessTokenVerifier,
    private readonly authorization: AuthorizationService,
    private readonly admin: InProcessAuthAdminApi,
  ) {}

  @GrpcMethod('AuthAdminService', 'CreateTenant')
  @RequireAction('tenant:create')
  createTenant(request: CreateTenantRequest__Output, metadata: Metadata): Promise<TenantCredentials> {
    return this.call(request, metadata, 'createTenant', () => this.admin.createTenant(request.name ?? ''));
  }

  @GrpcMethod('AuthAdminService', 'RotateSigningKey')
  @RequireAction('signing-key:rotate')
  rotateSigningKey(request: RotateSigningKeyRequest__Output, metadata: Metadata): Promise<RotateSigningKeyResponse> {
    return this.call(request, metadata, 'rotateSigningKey', async () => ({ kid: await this.admin.rotateSigningKey() }));
  }

  @GrpcMethod('AuthAdminService', 'RetireSigningKey')
  @RequireAction('signing-key:retire')
  retireSigningKey(request: RetireSigningKeyRequest__Output, metadata: Metadata): Promise<RetireSigningKeyResponse> {
    return this.call(request, metadata, 'retireSigningKey', async () => ({ retired: await this.admin.retireSigningKey(request.kid ?? '') }));
  }

  /** Checks the request's text (ADR 0030), authenticates, authorizes the action `method` declares, then works. */
  private async call<T>(request: unknown, metadata: Metadata, method: RpcMethod, work: () => Promise<T>): Promise<T> {
    try {
      assertGrpcRequestText(request);
      const action = requiredActionOf(AuthAdminGrpcController.prototype[method]);
      if (!action) throw new DomainError('FORBIDDEN', `${method} declares no action and is refused`);
      const principal = await this.tokens.verifyMetadata(metadata);
      await this.authorization.assertAllowed(principal, action, callerObject(principal, action));
      return await work();
    } catch (error) {
      throw toRpcException(error);
    }
  }
}
