export { RabbitMqTaskQueue, TaskQueueUnavailableError, type RabbitMqTaskQueueLogger, type RabbitMqTaskQueueOptions } from './rabbitmq-task-queue';
export { POISON_DELIVERY_LIMIT, TASK_HEADERS, taskQueueNames, type DeadLetterReason, type TaskQueueNames } from './rabbitmq-topology';
