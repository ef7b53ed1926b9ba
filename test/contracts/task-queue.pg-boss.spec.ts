import { describeTaskQueueContract } from './task-queue.contract';
import { pgBossTaskQueueHarness } from './pg-boss.harness';

// pg-boss queues on the embedded database.
// Known bug (reported): `dedupeKey` becomes pg-boss's `singletonKey` on a queue of the default
// `standard` policy, where pg-boss does not enforce it, so a second task with the key is queued too.
describeTaskQueueContract('pg-boss on embedded PGlite', pgBossTaskQueueHarness);
