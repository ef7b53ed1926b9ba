import { readdirSync, readFileSync } from 'node:fs';

/** CPU ticks (user + system) per process, from /proc (Linux); empty elsewhere. */
export function cpuSnapshot(): Map<number, { name: string; ticks: number }> {
  const snapshot = new Map<number, { name: string; ticks: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return snapshot;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // After "pid (comm) ": state is field 0, utime 11, stime 12.
      snapshot.set(Number(pid), { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return snapshot;
}

/**
 * Where the machine's CPU went between two snapshots, by process name ("node" split into the app
 * and the others by pid), as "name 12.3 s" strings, largest first.
 */
export function cpuBetween(
  before: Map<number, { name: string; ticks: number }>,
  after: Map<number, { name: string; ticks: number }>,
  labels: Record<number, string> = {},
  limit = 6,
): string[] {
  const ticksPerSecond = 100;
  const byName = new Map<string, number>();
  for (const [pid, { name, ticks }] of after) {
    const delta = ticks - (before.get(pid)?.ticks ?? 0);
    if (delta <= 0) continue;
    const key = labels[pid] ?? name;
    byName.set(key, (byName.get(key) ?? 0) + delta / ticksPerSecond);
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`);
}

/**
 * CPU ticks per thread of one process, by thread name (Linux /proc/<pid>/task; empty elsewhere):
 * "node" is the main thread, V8 and libuv name their helpers, Temporal's Rust core runs on
 * "tokio-runtime-w", a worker_threads thread is named after its `name` option or "node".
 */
export function threadCpuSnapshot(pid: number): Map<number, { name: string; ticks: number }> {
  const snapshot = new Map<number, { name: string; ticks: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return snapshot;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      snapshot.set(Number(tid), { name: Number(tid) === pid ? 'main thread' : name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the thread ended meanwhile
    }
  }
  return snapshot;
}

/** Adds what each pid (or thread) used between two snapshots to `sum`, for CPU summed over several rounds. */
export function accumulateCpu(
  sum: Map<number, { name: string; ticks: number }>,
  before: Map<number, { name: string; ticks: number }>,
  after: Map<number, { name: string; ticks: number }>,
): void {
  for (const [id, { name, ticks }] of after) {
    const delta = ticks - (before.get(id)?.ticks ?? 0);
    if (delta > 0) sum.set(id, { name, ticks: (sum.get(id)?.ticks ?? 0) + delta });
  }
}

/** CPU ticks (user + system) of one process so far, from /proc (Linux); 0 when it cannot be read. */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * Waits until each of `pids` uses less than `share` of a core over a `windowMs` window (the
 * background work a round left, such as the workflows it started, is done), at most `maxMs`;
 * answers the milliseconds waited. Off Linux it waits one window.
 */
export async function untilIdle(pids: number[], { share = 0.15, windowMs = 1_000, maxMs = 30_000 } = {}): Promise<number> {
  const start = Date.now();
  for (;;) {
    const before = pids.map(processTicks);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const busy = pids.some((pid, i) => (processTicks(pid) - before[i]!) / 100 > share * (windowMs / 1000));
    if (!busy || Date.now() - start >= maxMs) return Date.now() - start;
  }
}
