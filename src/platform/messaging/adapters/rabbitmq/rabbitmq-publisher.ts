import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, Message, Options } from 'amqplib';
import { TASK_HEADERS } from './rabbitmq-topology';

/** A publish RabbitMQ accepted, but no queue took (`mandatory`): the queue was deleted since it was declared. */
export class UnroutableError extends Error {
  override readonly name = 'UnroutableError';
}

/**
 * Publishes on a confirm channel and resolves once the broker confirmed the message: for a
 * persistent message to a quorum queue, once a majority of its replicas wrote it to disk.
 * `mandatory` plus a per-publish id turn a message no queue took into an error, not a silent drop.
 */
export class ConfirmedPublisher {
  closed = false;
  private readonly returned = new Set<string>();

  constructor(readonly channel: ConfirmChannel) {
    channel.on('return', (message: Message) => {
      const id = (message.properties.headers as Record<string, unknown> | undefined)?.[TASK_HEADERS.publishId];
      if (typeof id === 'string') this.returned.add(id);
    });
    channel.once('close', () => (this.closed = true));
  }

  publish(queue: string, content: Buffer, options: Options.Publish, timeoutMs: number): Promise<void> {
    const publishId = randomUUID();
    const headers = { ...(options.headers as Record<string, unknown>), [TASK_HEADERS.publishId]: publishId };
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new Error(`RabbitMQ did not confirm the message to ${queue} within ${timeoutMs} ms (is the broker blocked by a resource alarm?)`)),
        timeoutMs,
      );
      try {
        this.channel.publish('', queue, content, { ...options, headers, mandatory: true }, (error: unknown) => {
          const wasReturned = this.returned.delete(publishId);
          if (error) settle(error instanceof Error ? error : new Error(String(error)));
          else if (wasReturned) settle(new UnroutableError(`RabbitMQ returned the message: no queue named ${queue}`));
          else settle();
        });
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
