import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Live, RabbitMqTaskQueueLogger } from './rabbitmq-connection';
import { UnroutableError, type ConfirmedPublisher } from './rabbitmq-publisher';
import { errorText, TASK_HEADERS, taskHeaders, taskQueueNames, truncate, type DeadLetterReason } from './rabbitmq-topology';

export const JSON_CONTENT_TYPE = 'application/json';
/** How long a consumer waits before settling a task whose retry could not be published. */
const REQUEUE_PAUSE_MS = 1_000;

/** A consumer's channel on one connection. */
export interface Attachment {
  readonly live: Live;
  readonly channel: ConfirmChannel;
  readonly publisher: ConfirmedPublisher;
  consumerTag?: string;
  closed: boolean;
}

/**
 * How a delivered task is settled on its consumer's channel: acknowledged, or moved to the retry
 * or dead-letter queue (a confirmed copy, then the original acknowledged).
 */
export class TaskSettlement {
  constructor(
    private readonly logger: RabbitMqTaskQueueLogger,
    /** The longest wait for the broker's confirm of a copy. */
    private readonly confirmWaitMs: number,
  ) {}

  async deadLetter(queue: string, attachment: Attachment, message: ConsumeMessage, reason: DeadLetterReason, lastError: string, failures: number): Promise<void> {
    this.logger.warn(`RabbitMQ task queue: task ${message.properties.messageId ?? '?'} of ${queue} goes to ${taskQueueNames(queue).deadLetter} (${reason}): ${truncate(lastError, 200)}`);
    await this.forward(attachment, message, taskQueueNames(queue).deadLetter, {
      headers: {
        [TASK_HEADERS.failures]: failures,
        [TASK_HEADERS.lastError]: truncate(lastError),
        [TASK_HEADERS.deadLetterReason]: reason,
        [TASK_HEADERS.sourceQueue]: queue,
        [TASK_HEADERS.deadLetteredAt]: new Date().toISOString(),
      },
    });
  }

  /**
   * Publishes a copy of `message` to `target` (retry or dead-letter queue), and acknowledges the
   * original once the broker confirmed the copy. If the channel dropped first, the original is
   * delivered again (at least once); if the broker refused the copy, the original goes back to
   * its queue after a pause.
   */
  async forward(attachment: Attachment, message: ConsumeMessage, target: string, extra: { headers: Record<string, unknown>; expiration?: string }): Promise<void> {
    const { properties } = message;
    const headers = { ...taskHeaders(properties.headers as Record<string, unknown> | undefined), ...extra.headers };
    try {
      await attachment.publisher.publish(
        target,
        message.content,
        {
          persistent: true,
          contentType: (properties.contentType as string | undefined) ?? JSON_CONTENT_TYPE,
          contentEncoding: properties.contentEncoding as string | undefined,
          messageId: properties.messageId as string | undefined,
          timestamp: properties.timestamp as number | undefined,
          headers,
          expiration: extra.expiration,
        },
        this.confirmWaitMs,
      );
    } catch (error) {
      if (attachment.closed) return; // redelivered by the broker
      this.logger.error(`RabbitMQ task queue: could not move a task to ${target}: ${errorText(error)}; it goes back to its queue`);
      if (error instanceof UnroutableError) attachment.live.declared.delete(message.fields.routingKey);
      await sleep(REQUEUE_PAUSE_MS);
      try {
        attachment.channel.nack(message, false, true);
      } catch {
        // channel closed meanwhile: redelivered anyway
      }
      return;
    }
    this.ack(attachment, message, target);
  }

  ack(attachment: Attachment, message: ConsumeMessage, queue: string): void {
    try {
      attachment.channel.ack(message);
    } catch (error) {
      this.logger.warn(
        `RabbitMQ task queue: could not acknowledge task ${message.properties.messageId ?? '?'} (${queue}): ${errorText(error)}; the broker delivers it again`,
      );
    }
  }
}
