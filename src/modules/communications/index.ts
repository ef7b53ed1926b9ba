export { CommunicationsModule } from './communications.module';
export { MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP, NotificationsService, type NotificationView } from './application/notifications.service';
