export { OutboxRepository, type OutboxMessage } from './outbox.repository';
export { OutboxRelay, type OutboxRelayOptions, type RelayRound } from './outbox-relay';
