import { describeTaskQueueContract } from './task-queue.contract';
import { pgBossTaskQueueHarness } from './pg-boss.harness';

// pg-boss queues on the embedded database; its `short` queue policy drops a task whose dedupe
// key is still queued, so the stronger dedupe test runs too.
describeTaskQueueContract('pg-boss on embedded PGlite', pgBossTaskQueueHarness, { dedupesWhileQueued: true });
