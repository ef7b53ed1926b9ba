import type { OnModuleDestroy } from '@nestjs/common';
import { CallerCredentials } from '../../../auth';
import { GrpcServiceClient } from '../../../../platform/grpc/grpc-service-client';
import { NOTIFICATIONS_PROTO_PATH } from '../../api/grpc/notifications.grpc-controller';
import type { NotificationsApi, NotificationsByShipment } from '../../ports/notifications-api.port';

const SERVICE_NAME = 'logisynapse.communications.v1.NotificationService';

/** A `BatchGetNotificationsResponse` as grpc-js decodes it (camelCase, defaults filled in). */
export interface BatchGetNotificationsMessage {
  shipments: { shipmentId: string; notifications: { template: string; to: string; sentAt: string }[] }[];
}

/** A BatchGetNotifications answer as the port's map. */
export function notificationsFromMessage(message: BatchGetNotificationsMessage): NotificationsByShipment {
  return new Map(message.shipments.map((s) => [s.shipmentId, s.notifications.map((n) => ({ template: n.template, to: n.to, sentAt: n.sentAt }))]));
}

/**
 * The communications module in another process, over gRPC
 * `logisynapse.communications.v1.NotificationService`, with the caller's own bearer token.
 */
export class GrpcNotificationsApi implements NotificationsApi, OnModuleDestroy {
  private readonly remote: GrpcServiceClient;

  constructor(address: string) {
    this.remote = new GrpcServiceClient({ address, protoPath: NOTIFICATIONS_PROTO_PATH, service: SERVICE_NAME, bearerToken: () => CallerCredentials.requireBearerToken() });
  }

  /** Resolves when the communications process answers SERVING for NotificationService (readiness). */
  ping(): Promise<void> {
    return this.remote.ping();
  }

  async notificationsOf(shipmentIds: readonly string[]): Promise<NotificationsByShipment> {
    // Nothing to ask: no call (and no token needed).
    if (shipmentIds.length === 0) return new Map();
    const answer = await this.remote.call<BatchGetNotificationsMessage>('batchGetNotifications', 'BatchGetNotifications', { shipmentIds: [...shipmentIds] });
    return notificationsFromMessage(answer);
  }

  /** Nest calls this at shutdown: the channel is closed, no call is left pending. */
  onModuleDestroy(): void {
    this.remote.close();
  }
}
