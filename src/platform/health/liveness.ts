import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE_ENDPOINTS, type DatabaseEndpoints } from '../database';

/**
 * How long the embedded database's thread may take to answer a ping. Its event loop is blocked
 * while PostgreSQL runs a statement, so this is also the longest statement that does not count
 * as a hung database: long enough for any of the app's own, short enough that a thread stuck in
 * one (or ended) is noticed.
 */
export const LIVENESS_DEADLINE_MS = 5_000;
/** How often gRPC health is brought up to date with liveness. */
const WATCH_INTERVAL_MS = 2_000;

/**
 * Whether this process can still serve at all: the database it runs itself (the embedded one's
 * thread) answers. Dependencies outside the process are readiness' business (`readiness.ts`):
 * restarting this process would not bring them back.
 */
@Injectable()
export class Liveness implements OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(DATABASE_ENDPOINTS) private readonly endpoints: DatabaseEndpoints) {}

  check(): Promise<boolean> {
    return this.endpoints.checkAlive(LIVENESS_DEADLINE_MS).then(
      () => true,
      () => false,
    );
  }

  /**
   * Calls `listener` with each change of liveness (checked every 2 s), for statuses that are
   * pushed rather than asked, such as gRPC health's.
   */
  watch(listener: (alive: boolean) => void): void {
    let last = true;
    let probing = false;
    this.timer = setInterval(() => {
      if (probing) return;
      probing = true;
      void this.check()
        .then((alive) => {
          if (alive !== last) listener((last = alive));
        })
        .finally(() => (probing = false));
    }, WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
