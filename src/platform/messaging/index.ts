export * from './messaging.ports';
export { MessagingModule } from './messaging.module';
export { DeadLetterRecorder } from './dead-letter.recorder';
