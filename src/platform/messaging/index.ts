export * from './messaging.ports';
export { MessagingModule } from './messaging.module';
export { DeadLetterRecorder } from './dead-letter.recorder';
export { OutboxRelay, OutboxRepository, type OutboxMessage } from './outbox';
