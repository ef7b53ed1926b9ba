import { hostname } from 'node:os';
import { Global, Inject, Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import type { PgBoss } from 'pg-boss';
import { unknownAdapter } from '../config/adapter-config';
import { adapterLogger } from '../logging/adapter-logger';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { APP_DATA_SOURCE, DATABASE_ENDPOINTS, type AppDataSource, type DatabaseEndpoints } from '../database';
import { DeadLetterRecorder } from './dead-letter.recorder';
import { PgBossEventLog, PgBossTaskQueue, startPgBoss } from './adapters/pg-boss/pg-boss-messaging';
import { OutboxRelay, OutboxRepository } from './outbox';
import { PrefixedEventLog } from './prefixed-event-log';
import { EVENT_LOG, TASK_QUEUE, TOPICS, type EventLogPort, type TaskQueuePort } from './messaging.ports';
import { MeasuredEventLog, MeasuredTaskQueue, observeBacklog } from './measured-messaging';
import { PrefixedTaskQueue } from './prefixed-task-queue';

const PG_BOSS = Symbol('PG_BOSS');

/** The backlog gauges' callbacks that the adapters registered, removed before the adapters stop. */
class BacklogObservers {
  private readonly stops: (() => void)[] = [];
  add(stop: () => void): void {
    this.stops.push(stop);
  }
  stopAll(): void {
    this.stops.splice(0).forEach((stop) => stop());
  }
}
const logger = new Logger('Ports');

/**
 * The event log and the task queue. Each real adapter is chosen by its setting (KAFKA_BROKERS,
 * AMQP_URL); without it, pg-boss on the platform database. pg-boss always starts: the embedded
 * adapters need it, and it costs one small pool otherwise.
 */
@Global()
@Module({
  providers: [
    BacklogObservers,
    {
      provide: PG_BOSS,
      inject: [DATABASE_ENDPOINTS],
      useFactory: (endpoints: DatabaseEndpoints) =>
        startPgBoss(endpoints.engineUrl, (error) => logger.error(`pg-boss: ${error.message}`)),
    },
    {
      provide: EVENT_LOG,
      inject: [PG_BOSS, APP_CONFIG, BacklogObservers],
      useFactory: async (boss: PgBoss, config: AppConfig, backlog: BacklogObservers): Promise<EventLogPort> => {
        const choice = config.adapters.eventLog;
        let port: EventLogPort;
        switch (choice.kind) {
          case 'kafka': {
            // The real adapters' clients load only when selected (kafkajs alone is about 13 MB).
            const { KafkaEventLog } = await import('./adapters/kafka/kafka-event-log.js');
            const kafka = new KafkaEventLog({
              brokers: choice.brokers,
              clientId: `logisynapse-${hostname()}-${process.pid}`,
              logger: adapterLogger('Kafka'),
              topics: Object.values(TOPICS).map((topic) => choice.topicPrefix + topic),
            });
            await kafka.start();
            backlog.add(observeBacklog({ consumerLag: () => kafka.consumerLag(), topicPrefix: choice.topicPrefix }));
            port = choice.topicPrefix ? new PrefixedEventLog(kafka, choice.topicPrefix) : kafka;
            break;
          }
          case 'pg-boss':
            port = new PgBossEventLog(boss);
            break;
          default:
            return unknownAdapter(choice);
        }
        logger.log(`event log: ${port.adapterName}`);
        return new MeasuredEventLog(port);
      },
    },
    {
      provide: TASK_QUEUE,
      inject: [PG_BOSS, APP_CONFIG, BacklogObservers],
      useFactory: async (boss: PgBoss, config: AppConfig, backlog: BacklogObservers): Promise<TaskQueuePort> => {
        const choice = config.adapters.taskQueue;
        let port: TaskQueuePort;
        switch (choice.kind) {
          case 'rabbitmq': {
            const { RabbitMqTaskQueue } = await import('./adapters/rabbitmq/index.js');
            const rabbit = new RabbitMqTaskQueue({ url: choice.url, logger: adapterLogger('RabbitMQ') });
            await rabbit.start();
            backlog.add(observeBacklog({ queueDepths: () => rabbit.queueDepths(), queuePrefix: choice.queuePrefix }));
            port = choice.queuePrefix ? new PrefixedTaskQueue(rabbit, choice.queuePrefix) : rabbit;
            break;
          }
          case 'pg-boss':
            port = new PgBossTaskQueue(boss);
            break;
          default:
            return unknownAdapter(choice);
        }
        logger.log(`task queue: ${port.adapterName}`);
        return new MeasuredTaskQueue(port);
      },
    },
    DeadLetterRecorder,
    {
      provide: OutboxRepository,
      inject: [APP_DATA_SOURCE, APP_CONFIG],
      // The outbox keeps each event's full topic name: Kafka's, under its prefix; pg-boss's as it is.
      useFactory: (dataSource: AppDataSource, config: AppConfig) =>
        new OutboxRepository(dataSource, config.adapters.eventLog.kind === 'kafka' ? config.adapters.eventLog.topicPrefix : ''),
    },
    // Constructed everywhere, started only by the module that writes to the outbox (carriers).
    {
      provide: OutboxRelay,
      inject: [OutboxRepository, EVENT_LOG],
      useFactory: (outbox: OutboxRepository, eventLog: EventLogPort) => {
        const log = new Logger('Outbox');
        return new OutboxRelay(outbox, eventLog, { topics: Object.values(TOPICS), logger: { log: (m) => log.log(m), warn: (m) => log.warn(m) } });
      },
    },
  ],
  exports: [EVENT_LOG, TASK_QUEUE, DeadLetterRecorder, OutboxRepository, OutboxRelay],
})
export class MessagingModule implements OnModuleDestroy {
  constructor(
    @Inject(PG_BOSS) private readonly boss: PgBoss,
    @Inject(TASK_QUEUE) private readonly taskQueue: TaskQueuePort,
    @Inject(EVENT_LOG) private readonly eventLog: EventLogPort,
    private readonly backlog: BacklogObservers,
  ) {}

  // Consumers stop first (they finish in-flight handlers, which may use the database).
  async onModuleDestroy(): Promise<void> {
    // A scrape after this point must not ask a broker whose client is closing.
    this.backlog.stopAll();
    // Measured, maybe prefixed: each wrapper stops what it wraps.
    await this.eventLog.stop();
    await this.taskQueue.stop();
    await this.boss.stop({ graceful: true, timeout: 5000 });
  }
}
