import {
  amqpUrlWithHeartbeat,
  assertTaskQueueName,
  failuresSoFar,
  publishableHeaders,
  redactAmqpUrl,
  TASK_HEADERS,
  taskHeaders,
  taskQueueDeclarations,
} from './rabbitmq-topology';

describe('RabbitMQ task queue topology', () => {
  it('declares the dead-letter, main and retry queues as quorum queues, with fixed arguments', () => {
    const declarations = taskQueueDeclarations('tasks.email.send');
    expect(declarations.map((d) => d.name)).toEqual(['tasks.email.send.dlq', 'tasks.email.send', 'tasks.email.send.retry']);
    expect(declarations.every((d) => d.arguments['x-queue-type'] === 'quorum')).toBe(true);
    expect(declarations[1]!.arguments).toMatchObject({ 'x-dead-letter-routing-key': 'tasks.email.send.dlq', 'x-dead-letter-strategy': 'at-least-once' });
    expect(declarations[2]!.arguments).toMatchObject({ 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'tasks.email.send' });
  });

  it("gives a handler only the task's own headers, as strings", () => {
    const delivered = {
      traceparent: '00-abc-01',
      'x-task': 'mine',
      retries: 3,
      raw: Buffer.from('bytes'),
      'x-death': [{ count: 1 }],
      'x-delivery-count': 2,
      'x-first-death-reason': 'expired',
      'x-last-death-queue': 'q.retry',
      [TASK_HEADERS.failures]: 2,
      [TASK_HEADERS.publishId]: 'id',
    };
    expect(taskHeaders(delivered)).toEqual({ traceparent: '00-abc-01', 'x-task': 'mine', retries: '3', raw: 'bytes' });
    expect(taskHeaders(undefined)).toEqual({});
  });

  it('refuses task headers that would pass for the broker or the adapter', () => {
    expect(publishableHeaders({ 'tenant-id': 't' })).toEqual({ 'tenant-id': 't' });
    expect(() => publishableHeaders({ 'x-death': 'x' })).toThrow(/reserved/);
    expect(() => publishableHeaders({ [TASK_HEADERS.failures]: '0' })).toThrow(/reserved/);
  });

  it('reads the failure count', () => {
    expect(failuresSoFar(undefined)).toBe(0);
    expect(failuresSoFar({ [TASK_HEADERS.failures]: 4 })).toBe(4);
    expect(failuresSoFar({ [TASK_HEADERS.failures]: '2' })).toBe(2);
    expect(failuresSoFar({ [TASK_HEADERS.failures]: 'nonsense' })).toBe(0);
  });

  it('checks queue names', () => {
    expect(() => assertTaskQueueName('tasks.email.send')).not.toThrow();
    expect(() => assertTaskQueueName('')).toThrow(/empty/);
    expect(() => assertTaskQueueName('amq.gen-1')).toThrow(/reserved/);
    expect(() => assertTaskQueueName('q'.repeat(250))).toThrow(/longer/);
  });

  it('adds a heartbeat unless the URL sets one, and never shows the password', () => {
    expect(amqpUrlWithHeartbeat('amqp://guest:secret@127.0.0.1:5672/%2F', 15)).toBe('amqp://guest:secret@127.0.0.1:5672/%2F?heartbeat=15');
    expect(amqpUrlWithHeartbeat('amqp://h/v?heartbeat=5', 15)).toBe('amqp://h/v?heartbeat=5');
    expect(() => amqpUrlWithHeartbeat('http://h', 15)).toThrow(/amqp:\/\//);
    expect(() => amqpUrlWithHeartbeat('not a url', 15)).toThrow(/not a URL/);
    expect(redactAmqpUrl('amqp://guest:secret@127.0.0.1:5672/%2F')).toBe('amqp://127.0.0.1:5672/%2F');
  });
});
