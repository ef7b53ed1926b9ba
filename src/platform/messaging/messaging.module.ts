import { Global, Inject, Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import type { PgBoss } from 'pg-boss';
import { DATABASE_ENDPOINTS, type DatabaseEndpoints } from '../database';
import { PgBossEventLog, PgBossTaskQueue, startPgBoss } from './adapters/pg-boss/pg-boss-messaging';
import { DeadLetterRecorder } from './dead-letter.recorder';
import { EVENT_LOG, TASK_QUEUE, type EventLogPort, type TaskQueuePort } from './messaging.ports';

const PG_BOSS = Symbol('PG_BOSS');
const logger = new Logger('Ports');

/** Fails the start when a real broker is configured that this build has no adapter for. */
function requireNoBroker(variable: string): void {
  if (process.env[variable]) {
    throw new Error(`${variable} is set but this build has no adapter for it yet; unset it to use the embedded adapter`);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: PG_BOSS,
      inject: [DATABASE_ENDPOINTS],
      useFactory: (endpoints: DatabaseEndpoints) =>
        startPgBoss(endpoints.engineUrl, (error) => logger.error(`pg-boss: ${error.message}`)),
    },
    {
      provide: EVENT_LOG,
      inject: [PG_BOSS],
      useFactory: (boss: PgBoss): EventLogPort => {
        requireNoBroker('KAFKA_BROKERS');
        const port = new PgBossEventLog(boss);
        logger.log(`event log: ${port.adapterName}`);
        return port;
      },
    },
    {
      provide: TASK_QUEUE,
      inject: [PG_BOSS],
      useFactory: (boss: PgBoss): TaskQueuePort => {
        requireNoBroker('AMQP_URL');
        const port = new PgBossTaskQueue(boss);
        logger.log(`task queue: ${port.adapterName}`);
        return port;
      },
    },
    DeadLetterRecorder,
  ],
  exports: [EVENT_LOG, TASK_QUEUE, DeadLetterRecorder],
})
export class MessagingModule implements OnModuleDestroy {
  constructor(@Inject(PG_BOSS) private readonly boss: PgBoss) {}

  async onModuleDestroy(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5000 });
  }
}
