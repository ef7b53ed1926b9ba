export { CommunicationsModule } from './communications.module';
export { CommunicationsClientModule } from './communications-client.module';
export { MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP, NotificationsService, type NotificationView } from './application/notifications.service';
export { NOTIFICATIONS_GRPC_PACKAGE, NOTIFICATIONS_PROTO_PATH } from './api/grpc/notifications.grpc-controller';
export type { EmailTask } from './contracts/email-task.contracts';
export { NOTIFICATIONS_API, type NotificationsApi, type NotificationsByShipment } from './ports/notifications-api.port';
