import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../../../auth';
import { AuthorizationService, RequireAction, tenantRpcCaller } from '../../../authorization';
import { TenantContext } from '../../../tenancy';
import { toRpcException } from '../../../../platform/grpc/grpc-errors';
import { assertGrpcRequestText } from '../../../../platform/grpc/request-text';
import { NotificationsService } from '../../application/notifications.service';
import { GrpcMetricsInterceptor } from '../../../../platform/grpc/grpc-metrics.interceptor';
// The messages' types, generated from notifications.proto (npm run generate:grpc).
import type { BatchGetNotificationsRequest__Output } from './generated/logisynapse/communications/v1/BatchGetNotificationsRequest';
import type { BatchGetNotificationsResponse } from './generated/logisynapse/communications/v1/BatchGetNotificationsResponse';

export const NOTIFICATIONS_GRPC_PACKAGE = 'logisynapse.communications.v1';
export const NOTIFICATIONS_PROTO_PATH = `${__dirname}/notifications.proto`;

type RpcMethod = 'batchGetNotifications';

/**
 * gRPC `logisynapse.communications.v1.NotificationService`, guarded as ShipmentService is: each
 * call verifies the caller's token from the `authorization` metadata, asks the authorization
 * service for the method's declared action (reading a shipment's notifications is reading the
 * shipment), and runs in that token's tenant.
 */
@Controller()
// Every call measured by service, method and status (rpc.server.duration).
@UseInterceptors(GrpcMetricsInterceptor)
export class NotificationsGrpcController {
  constructor(
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly tokens: AccessTokenVerifier,
    private readonly notifications: NotificationsService,
    private readonly authorization: AuthorizationService,
  ) {}

  @GrpcMethod('NotificationService', 'BatchGetNotifications')
  @RequireAction('shipment:read')
  batchGetNotifications(request: BatchGetNotificationsRequest__Output, metadata: Metadata): Promise<BatchGetNotificationsResponse> {
    return this.call(request, metadata, 'batchGetNotifications', async () => {
      const byShipment = await this.notifications.listForShipments(request.shipmentIds ?? []);
      return { shipments: [...byShipment].map(([shipmentId, notifications]) => ({ shipmentId, notifications })) };
    });
  }

  /** Checks the request's text (ADR 0030), authenticates, authorizes the action `method` declares (refused when it declares none), then works in the caller's tenant. */
  private async call<T>(request: unknown, metadata: Metadata, method: RpcMethod, work: () => Promise<T>): Promise<T> {
    try {
      assertGrpcRequestText(request);
      const principal = await tenantRpcCaller(this.tokens, this.authorization, metadata, NotificationsGrpcController.prototype[method], method);
      return await TenantContext.run(principal.tenantId, work);
    } catch (error) {
      throw toRpcException(error);
    }
  }
}
