import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { toRpcException } from '../../../../platform/grpc/grpc-errors';
import { assertGrpcRequestText } from '../../../../platform/grpc/request-text';
import { badInput } from '../../../../platform/errors/domain-error';
import { AuthorizationService } from '../../application/authorization.service';
import type { AuthorizationObject } from '../../contracts/authorization.contracts';
import { CALLER_VERIFIER, type CallerVerifier } from '../../ports/caller-verifier.port';
import { AuthenticatedOnly } from '../require-action.decorator';
import { GrpcMetricsInterceptor } from '../../../../platform/grpc/grpc-metrics.interceptor';
// The messages' types, generated from authorization.proto (npm run generate:grpc).
import type { AuthorizeRequest__Output } from './generated/logisynapse/authorization/v1/AuthorizeRequest';
import type { AuthorizeResponse } from './generated/logisynapse/authorization/v1/AuthorizeResponse';

export const AUTHORIZATION_GRPC_PACKAGE = 'logisynapse.authorization.v1';
export const AUTHORIZATION_PROTO_PATH = `${__dirname}/authorization.proto`;


/**
 * gRPC `logisynapse.authorization.v1.AuthorizationService`. The subject is the caller's verified
 * token, never something the request claims: a decision point on the network must not take a
 * caller's word for who is asking. A denial is an answer (`allowed: false` with its reason), not
 * an error; a missing or bad token is UNAUTHENTICATED, an engine that cannot decide UNAVAILABLE.
 */
@Controller()
// Every call measured by service, method and status (rpc.server.duration).
@UseInterceptors(GrpcMetricsInterceptor)
export class AuthorizationGrpcController {
  constructor(
    @Inject(CALLER_VERIFIER) private readonly tokens: CallerVerifier,
    private readonly authorization: AuthorizationService,
  ) {}

  @GrpcMethod('AuthorizationService', 'Authorize')
  @AuthenticatedOnly('decides for the verified caller itself; the answer is the decision')
  async authorize(request: AuthorizeRequest__Output, metadata: Metadata): Promise<AuthorizeResponse> {
    try {
      assertGrpcRequestText(request);
      // Actions, types and tenant ids are short names; a longer one names nothing.
      for (const [field, value] of [['action', request.action], ['object.type', request.object?.type], ['object.tenantId', request.object?.tenantId]] as const) {
        if ((value?.length ?? 0) > 100) throw badInput(`${field} must be at most 100 characters`, { field });
      }
      const subject = await this.tokens.verifyMetadata(metadata);
      const object: AuthorizationObject = {
        type: (request.object?.type ?? '') as AuthorizationObject['type'],
        tenantId: request.object?.tenantId ? request.object.tenantId : null,
      };
      const decision = await this.authorization.authorize(subject, request.action ?? '', object);
      return {
        allowed: decision.allowed,
        reason: decision.reason,
        engine: this.authorization.engineName,
        subject: { clientId: subject.clientId, tenantId: subject.tenantId ?? '', scopes: subject.scopes },
      };
    } catch (error) {
      throw toRpcException(error);
    }
  }

}
