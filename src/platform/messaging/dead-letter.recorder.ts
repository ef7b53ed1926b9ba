import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_DATA_SOURCE, type AppDataSource } from '../database';
import { boundedAttributes, platformMetrics } from '../telemetry/instruments';

/**
 * Keeps a message that cannot be processed (malformed, unknown tracking number) with the reason,
 * so the consumer moves on instead of stopping, and an operator can look at it later.
 */
@Injectable()
export class DeadLetterRecorder {
  private readonly logger = new Logger(DeadLetterRecorder.name);
  constructor(@Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource) {}

  async record(topic: string, payload: unknown, reason: string, tenantId?: string): Promise<void> {
    this.logger.warn({ topic, reason, tenantId }, 'message dead-lettered');
    await this.dataSource.query(
      `INSERT INTO dead_letters (tenant_id, topic, payload, reason) VALUES ($1, $2, $3, $4)`,
      [tenantId ?? null, topic, JSON.stringify(payload ?? null), reason],
    );
    platformMetrics().deadLetters.add(1, boundedAttributes({ 'dead_letter.source': topic }));
  }
}
