import type { OnModuleDestroy } from '@nestjs/common';
import { CallerCredentials } from '../../../../platform/grpc/caller-credentials';
import { DomainError } from '../../../../platform/errors/domain-error';
import { GrpcServiceClient } from '../../../../platform/grpc/grpc-service-client';
import { AUTHORIZATION_PROTO_PATH } from '../../api/grpc/authorization.grpc-controller';
import { denialMessage } from '../../application/authorization.service';
import { isDecisionReason, type AuthorizationObject, type AuthorizationSubject } from '../../contracts/authorization.contracts';
import type { AuthorizationApi } from '../../ports/authorization-api.port';
import type { AuthorizeResponse__Output } from '../../api/grpc/generated/logisynapse/authorization/v1/AuthorizeResponse';

const SERVICE_NAME = 'logisynapse.authorization.v1.AuthorizationService';


/**
 * The authorization module in another process, over gRPC `AuthorizationService/Authorize`. The
 * call carries the caller's own token, from which that process takes the subject itself (it
 * decides for no one else), so `subject` here only checks that both sides mean the same caller.
 * A denial comes back as the same FORBIDDEN the in-process service throws.
 */
export class GrpcAuthorizationApi implements AuthorizationApi, OnModuleDestroy {
  private readonly remote: GrpcServiceClient;

  constructor(address: string) {
    this.remote = new GrpcServiceClient({ address, protoPath: AUTHORIZATION_PROTO_PATH, service: SERVICE_NAME, bearerToken: () => CallerCredentials.requireBearerToken() });
  }

  /** Resolves when the authorization process answers SERVING (readiness). */
  ping(): Promise<void> {
    return this.remote.ping();
  }

  async assertAllowed(subject: AuthorizationSubject, action: string, object: AuthorizationObject): Promise<void> {
    const decision = await this.remote.call<AuthorizeResponse__Output>('authorize', 'Authorize', { action, object: { type: object.type, tenantId: object.tenantId ?? '' } });
    if (decision.subject?.clientId !== subject.clientId) {
      // The token the call carried is not the caller's this request verified: refuse, do not guess.
      throw new DomainError('FORBIDDEN', `${action} was decided for another caller`, { reason: 'subject-mismatch' });
    }
    if (decision.allowed) return;
    const reason = isDecisionReason(decision.reason) ? decision.reason : 'unknown-action';
    throw new DomainError('FORBIDDEN', denialMessage(action, reason), { reason });
  }

  onModuleDestroy(): void {
    this.remote.close();
  }
}
