import { describeEventLogContract } from './event-log.contract';
import { pgBossEventLogHarness } from './pg-boss.harness';

// pg-boss publish/subscribe on the embedded database (one queue per consumer group).
describeEventLogContract('pg-boss on embedded PGlite', pgBossEventLogHarness);
