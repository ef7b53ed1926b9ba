export { CommunicationsModule } from './communications.module';
export { NotificationsService, type NotificationView } from './application/notifications.service';
