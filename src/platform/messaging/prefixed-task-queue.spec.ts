import { PrefixedTaskQueue } from './prefixed-task-queue';
import type { Task, TaskQueuePort } from './messaging.ports';

describe('PrefixedTaskQueue', () => {
  it('puts the prefix before every queue it enqueues to and consumes from, and stops the queue it wraps', async () => {
    const calls: string[] = [];
    let stopped = false;
    const inner: TaskQueuePort = {
      adapterName: 'rabbitmq',
      enqueue: async (queue) => void calls.push(`enqueue ${queue}`),
      consume: async (queue) => void calls.push(`consume ${queue}`),
      stop: async () => {
        stopped = true;
      },
    };
    const queue = new PrefixedTaskQueue(inner, 'run-1.');
    const task: Task<unknown> = { payload: {}, headers: {} };
    await queue.enqueue('tasks.email.send', task, { dedupeKey: 'k' });
    await queue.consume('tasks.email.send', async () => undefined);
    await queue.stop();
    expect(calls).toEqual(['enqueue run-1.tasks.email.send', 'consume run-1.tasks.email.send']);
    expect(stopped).toBe(true);
    expect(queue.adapterName).toBe('rabbitmq, queues prefixed "run-1."');
  });
});
