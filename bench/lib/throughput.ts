// B2's measuring, shared by B2 (real servers vs embedded), B7 (telemetry on vs off) and B8 (one
// process per module vs one): an app, or a deployment of several processes, kept at IN_FLIGHT
// shipments in flight, completions per second; and the Temporal floor.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { BenchApp, type TenantCredentials } from './app';
import { accumulateCpu, cpuBetween, cpuSnapshot, threadCpuSnapshot, untilIdle } from './cpu';
import { alternate } from './rounds';
import { appDistDir } from './env';
import { ShipmentsClient, uniqueKey } from './grpc';
import { median, nowMs, sleep } from './stats';

/** Shipments B2 (and B7's B2 row) keep in flight. */
export const IN_FLIGHT = 64;
/** The carrier sandbox's latency in B2's runs, ms. */
export const CARRIER_LATENCY_MS = 50;

/** Which of these shipments are done (LABEL_CREATED with the welcome notification recorded). */
type Probe = (ids: string[]) => Promise<Set<string>>;

/**
 * Over GraphQL, cheaply: the newest 100 LABEL_CREATED shipments (rows only), then the welcome
 * notification of those still outstanding (20 per request). A shipment without its row is never
 * asked for one by one (that would read its workflow's state on every look).
 */
function graphqlProbe(app: ThroughputPlatform, token: string): Probe {
  return async (ids) => {
    const done = new Set<string>();
    const list = await app.graphql<{ shipments: { edges: { node: { id: string } }[] } }>(token, `{ shipments(first: 100, status: LABEL_CREATED) { edges { node { id } } } }`);
    const labelled = new Set(list.data?.shipments.edges.map((e) => e.node.id) ?? []);
    const candidates = ids.filter((id) => labelled.has(id));
    for (let i = 0; i < candidates.length; i += 20) {
      const chunk = candidates.slice(i, i + 20);
      const query = `{ ${chunk.map((id, n) => `s${n}: shipment(id: "${id}") { notifications { template } }`).join(' ')} }`;
      const res = await app.graphql<Record<string, { notifications: { template: string }[] } | null>>(token, query);
      for (const [n, id] of chunk.entries()) if (res.data?.[`s${n}`]?.notifications.some((x) => x.template === 'welcome')) done.add(id);
    }
    return done;
  };
}

/** On the real database, one query per look (the application role, in the tenant's transaction). */
function databaseProbe(pool: Pool, tenantId: string): Probe {
  return async (ids) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.current_tenant_id', $1, true)`, [tenantId]);
      const rows = await client.query<{ id: string }>(
        `SELECT s.id FROM shipments s JOIN notifications n ON n.shipment_id = s.id AND n.template = 'welcome'
         WHERE s.id = ANY($1::uuid[]) AND s.status <> 'PENDING'`,
        [ids],
      );
      await client.query('COMMIT');
      return new Set(rows.rows.map((r) => r.id));
    } finally {
      client.release();
    }
  };
}

/**
 * Keeps IN_FLIGHT shipments in flight (created over gRPC, not yet LABEL_CREATED with the welcome
 * email recorded) until `total` completed; completions per second from the first create to the
 * last completion. Completion is read over GraphQL, 20 shipments per request, every 150 ms.
 */
async function completedPerSecond(probe: Probe, client: ShipmentsClient, total: number, timeoutMs: number): Promise<number> {
  const outstanding = new Set<string>();
  let inFlight = 0;
  let started = 0;
  let completed = 0;
  let failed = 0;
  const t0 = nowMs();
  let last = t0;
  const fill = () => {
    while (started < total && inFlight < IN_FLIGHT) {
      started += 1;
      inFlight += 1;
      client.createShipment(uniqueKey('b2')).then(
        (s) => void outstanding.add(s.id),
        () => {
          failed += 1;
          inFlight -= 1;
        },
      );
    }
  };
  fill();
  while (completed + failed < total) {
    if (nowMs() - t0 > timeoutMs) throw new Error(`only ${completed} of ${total} shipments completed within ${timeoutMs / 1000} s`);
    await sleep(200);
    const ids = [...outstanding];
    if (ids.length > 0) {
      for (const id of await probe(ids)) {
        outstanding.delete(id);
        inFlight -= 1;
        completed += 1;
        last = nowMs();
      }
    }
    fill();
  }
  if (failed > 0) throw new Error(`${failed} shipments failed`);
  return completed / ((last - t0) / 1000);
}

/**
 * The app's busiest threads one by one (a worker_threads thread, such as the Temporal worker's
 * workflow thread, is named "node" like V8's and libuv's helpers), then the rest, then what threads
 * that ended during the rounds used (the process's total minus its live threads'): a `vm` call with
 * a timeout, which is how the Temporal worker enters workflow code, starts and joins a thread.
 */
function appThreadCpu(
  pid: number,
  before: ReturnType<typeof cpuSnapshot>,
  after: ReturnType<typeof cpuSnapshot>,
  threadsBefore: ReturnType<typeof threadCpuSnapshot>,
  threadsAfter: ReturnType<typeof threadCpuSnapshot>,
  count = 4,
): string[] {
  const seconds = (ticks: number) => `${(ticks / 100).toFixed(1)} s`;
  const used = [...threadsAfter]
    .map(([tid, { name, ticks }]) => ({ name, ticks: ticks - (threadsBefore.get(tid)?.ticks ?? 0) }))
    .filter((t) => t.ticks > 0)
    .sort((a, b) => b.ticks - a.ticks);
  const live = used.reduce((sum, t) => sum + t.ticks, 0);
  const total = (after.get(pid)?.ticks ?? 0) - (before.get(pid)?.ticks ?? 0);
  const top = used.slice(0, count);
  const rest = used.slice(count).reduce((sum, t) => sum + t.ticks, 0);
  return [
    ...top.map((t) => `${t.name} ${seconds(t.ticks)}`),
    ...(used.length > top.length ? [`${used.length - top.length} other threads ${seconds(rest)}`] : []),
    `threads that ended ${seconds(Math.max(0, total - live))}`,
  ];
}

type Ticks = ReturnType<typeof cpuSnapshot>;

/** What a session loads: one BenchApp, or several processes serving B2's path together (bench/lib/modules.ts). */
export interface ThroughputPlatform {
  /** Where ShipmentService answers. */
  readonly grpcAddress: string;
  /** Its processes, labelled as the CPU lines name them. */
  readonly processes: readonly { label: string; pid: number }[];
  tenantToken(name?: string): Promise<{ tenant: TenantCredentials; token: string }>;
  graphql<T>(token: string | null, query: string): Promise<{ data?: T; errors?: unknown[] }>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Extra node flags for the app, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Starts beside the app once it is up (e.g. a metrics scraper); its stop (safe to call twice) answers a note. */
  alongside?: (platform: ThroughputPlatform) => () => Promise<string>;
  /** What to start with the session's env: one app by default. */
  platform?: (env: Record<string, string>, nodeArgs: string[]) => Promise<ThroughputPlatform>;
}

const oneApp = (env: Record<string, string>, nodeArgs: string[]): Promise<ThroughputPlatform> => BenchApp.start({ env, nodeArgs });

/**
 * One B2 app (or deployment), `name` as the log lines say it ("B2 real"): started with `env` (plus
 * the carrier latency), ready for warm-ups and measured rounds, which can alternate with another
 * session's. The CPU the machine used is summed over the measured rounds only.
 */
export class ThroughputSession {
  readonly rates: number[] = [];
  private readonly cpu: Ticks = new Map();
  /** Per process of the platform, by pid: its threads' ticks. */
  private readonly threads = new Map<number, Ticks>();
  private roundsMs = 0;

  private constructor(
    readonly name: string,
    private readonly app: ThroughputPlatform,
    private readonly pool: Pool | null,
    private readonly client: ShipmentsClient,
    private readonly probe: Probe,
    private readonly stopAlongside: (() => Promise<string>) | undefined,
  ) {}

  static async start(name: string, env: Record<string, string>, { nodeArgs = [], alongside, platform = oneApp }: SessionOptions = {}): Promise<ThroughputSession> {
    const app = await platform({ CARRIER_SANDBOX_LATENCY_MS: String(CARRIER_LATENCY_MS), ...env }, nodeArgs);
    const pool = env.DATABASE_URL ? new Pool({ connectionString: env.DATABASE_URL, max: 1 }) : null;
    const stopAlongside = alongside?.(app);
    try {
      const { tenant, token } = await app.tenantToken(`Bench ${name}`);
      const client = new ShipmentsClient(app.grpcAddress, token);
      const probe = pool ? databaseProbe(pool, tenant.tenantId) : graphqlProbe(app, token);
      return new ThroughputSession(name, app, pool, client, probe, stopAlongside);
    } catch (error) {
      await stopAlongside?.();
      await pool?.end();
      await app.close();
      throw error;
    }
  }

  /** `count` shipments completed, not measured. */
  async warmUp(count: number): Promise<void> {
    await completedPerSecond(this.probe, this.client, count, 180_000);
  }

  /** One measured round of `total` shipments; its completions per second. */
  async round(total: number, log: (m: string) => void): Promise<number> {
    const before = cpuSnapshot();
    const threadsBefore = this.pids.map((pid) => threadCpuSnapshot(pid));
    const t0 = nowMs();
    const rate = await completedPerSecond(this.probe, this.client, total, 300_000);
    this.roundsMs += nowMs() - t0;
    for (const [i, pid] of this.pids.entries()) {
      const sum = this.threads.get(pid) ?? new Map();
      accumulateCpu(sum, threadsBefore[i]!, threadCpuSnapshot(pid));
      this.threads.set(pid, sum);
    }
    accumulateCpu(this.cpu, before, cpuSnapshot());
    this.rates.push(rate);
    log(`${this.name} round ${this.rates.length}: ${rate.toFixed(1)} shipments/s`);
    return rate;
  }

  /** The (first) process under test. */
  get pid(): number {
    return this.pids[0]!;
  }

  /** Every process under test. */
  get pids(): number[] {
    return this.app.processes.map((p) => p.pid);
  }

  /** CPU seconds the platform's own processes used during the measured rounds. */
  get platformCpuSeconds(): number {
    return this.pids.reduce((sum, pid) => sum + (this.cpu.get(pid)?.ticks ?? 0), 0) / 100;
  }

  get rate(): number {
    return median(this.rates);
  }

  /**
   * Where the machine's CPU went during the measured rounds, by process (`others` names processes
   * that are not this session's, e.g. another session's), and each of the platform's by thread.
   */
  cpuLine(others: Record<number, string> = {}): string {
    const none: Ticks = new Map();
    const { processes } = this.app;
    const labels = { ...others, ...Object.fromEntries(processes.map((p) => [p.pid, p.label])), [process.pid]: 'bench (node)' };
    // B2's and B7's six entries for one app; room for each further process and each other label.
    const cpu = cpuBetween(none, this.cpu, labels, 5 + processes.length + new Set(Object.values(others)).size);
    const head = `CPU used during the ${Math.round(this.roundsMs / 1000)} s of rounds (2 cores = 2 s per s): ${cpu.join(', ')}`;
    const byThread = (pid: number, top: number) => appThreadCpu(pid, none, this.cpu, none, this.threads.get(pid) ?? none, top).join(', ');
    if (processes.length === 1) return `${head}; the app's by thread: ${byThread(this.pid, 4)}`;
    const together = `${processes.length} processes together ${this.platformCpuSeconds.toFixed(1)} s`;
    return `${head}; its ${together}; by thread: ${processes.map((p) => `${p.label.replace(/ \(node\)$/, '')}: ${byThread(p.pid, 2)}`).join('; ')}`;
  }

  /** Stops the app; answers the note of what ran alongside it ('' if nothing did). */
  async close(): Promise<string> {
    this.client.close();
    try {
      return (await this.stopAlongside?.()) ?? '';
    } finally {
      await this.pool?.end();
      await this.app.close();
    }
  }
}

/**
 * One B2 variant in an app of its own: a warm-up of `warmUp` shipments, then `rounds` rounds of
 * `total`; the median completions per second, each round's, and where the machine's CPU went.
 */
export async function throughputVariant(
  name: string,
  env: Record<string, string>,
  rounds: number,
  total: number,
  log: (m: string) => void,
  { warmUp = Math.min(total, IN_FLIGHT), ...options }: SessionOptions & { warmUp?: number } = {},
): Promise<{ rate: number; rates: number[]; cpuLine: string; alongside: string }> {
  const session = await ThroughputSession.start(name, env, options);
  let closed = false;
  try {
    await session.warmUp(warmUp);
    for (let r = 0; r < rounds; r += 1) await session.round(total, log);
    const cpuLine = session.cpuLine();
    log(`${name}: ${cpuLine}`);
    closed = true;
    const alongside = await session.close();
    return { rate: session.rate, rates: session.rates, cpuLine, alongside };
  } finally {
    if (!closed) await session.close();
  }
}

/**
 * What Temporal alone sustains here (bench/variants/temporal-floor.ts): the product's workflow and
 * worker options with activities that only wait the carrier's latency, in a process of its own,
 * `IN_FLIGHT` in flight until `total` runs completed (after a warm-up of `IN_FLIGHT`).
 */
export async function temporalFloor(env: Record<string, string>, total: number): Promise<{ perSecond: number; seconds: number; cpu: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(appDistDir(), 'bench', 'variants', 'temporal-floor.js')], {
    env: { ...process.env, ...env, CARRIER_SANDBOX_LATENCY_MS: String(CARRIER_LATENCY_MS), FLOOR_IN_FLIGHT: String(IN_FLIGHT), FLOOR_TOTAL: String(total) },
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as { perSecond: number; seconds: number; cpu: string[] };
}

/**
 * Two sessions measured side by side (B7-B2, B8): both warmed up, then `rounds` rounds each,
 * alternating which goes first, each once every process of both is idle. Answers how long each
 * wait for idle took (ms).
 */
export async function sideBySideRounds(
  a: ThroughputSession,
  b: ThroughputSession,
  { warmUp, rounds, total, log }: { warmUp: number; rounds: number; total: number; log: (m: string) => void },
): Promise<number[]> {
  await a.warmUp(warmUp);
  await b.warmUp(warmUp);
  const waits: number[] = [];
  await alternate(
    rounds,
    () => a.round(total, log),
    () => b.round(total, log),
    async () => waits.push(await untilIdle([...a.pids, ...b.pids])),
  );
  return waits;
}
