import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appDistDir, ROOT } from './env';
import { eventually } from '../../test/support/poll';
import { freePort } from '../../test/support/ports';
import { nowMs, sleep } from './stats';

export interface TenantCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** The platform administrator every bench app is started with. */
export const BENCH_ADMIN = { clientId: 'bench-admin', clientSecret: 'bench-admin-secret-0123456789' } as const;

/** Apps still running: killed if the bench process exits without stopping them (a failure, Ctrl-C). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(130);
  });
}

export interface StartOptions {
  /** Extra environment (real servers, carrier latency, ...). */
  env?: Record<string, string>;
  /** Script to run instead of the product (`src/main.js`), relative to the compiled output. */
  script?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** How long the start may take. Default 120 s. */
  timeoutMs?: number;
}

/**
 * The built app (or a bench-only variant) as a separate process on random loopback ports, with
 * its own empty data directory, started the way `npm start` starts it.
 */
export class BenchApp {
  readonly logs: string[] = [];
  httpPort = 0;
  grpcPort = 0;
  /** Milliseconds from spawn to the first 200 of /health/ready. */
  readyMs = 0;
  private child: ChildProcess | null = null;

  private constructor(readonly dataDir: string) {}

  static async start(options: StartOptions = {}): Promise<BenchApp> {
    const app = new BenchApp(mkdtempSync(join(tmpdir(), 'logisynapse-bench-')));
    try {
      await app.launch(options);
    } catch (error) {
      app.dispose();
      throw error;
    }
    return app;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get grpcAddress(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** Its one process, as CPU lines name it (a deployment of several lists each, bench/lib/modules.ts). */
  get processes(): { label: string; pid: number }[] {
    return [{ label: 'app (node)', pid: this.pid }];
  }

  private async launch(options: StartOptions): Promise<void> {
    this.httpPort = await freePort();
    this.grpcPort = await freePort();
    const started = nowMs();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(appDistDir(), options.script ?? 'src/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(this.httpPort),
        GRPC_PORT: String(this.grpcPort),
        // The bench does not scrape; no /metrics server that could collide with another process's.
        METRICS_PORT: 'off',
        LOGISYNAPSE_DATA_DIR: this.dataDir,
        CARRIER_SANDBOX_LATENCY_MS: '50',
        CARRIER_SANDBOX_JOURNEY_STEP_MS: '0',
        LOG_LEVEL: 'warn',
        PLATFORM_ADMIN_CLIENT_ID: BENCH_ADMIN.clientId,
        PLATFORM_ADMIN_CLIENT_SECRET: BENCH_ADMIN.clientSecret,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const collect = (chunk: Buffer) => {
      this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.logs.length > 2000) this.logs.splice(0, this.logs.length - 1000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exited = false;
    child.once('exit', () => (exited = true));
    try {
      const outcome = await eventually(
        'the app to be ready',
        async () => {
          if (exited) return 'exited';
          const res = await fetch(`${this.baseUrl}/health/ready`).catch(() => null);
          return res?.ok ? 'ready' : undefined;
        },
        { timeoutMs: options.timeoutMs ?? 120_000, intervalMs: 25 },
      );
      if (outcome === 'exited') throw new Error(`app exited during start: ${this.logs.slice(-15).join(' | ')}`);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n${this.logs.slice(-20).join('\n')}`, { cause: error });
    }
    this.readyMs = nowMs() - started;
  }

  /**
   * A tenant to work in: the demo tenant on an empty database, otherwise a new one, made through
   * this process's GraphQL with a token from `issuer` (the process hosting the auth module).
   */
  async tenant(name = 'Bench tenant', issuer: BenchApp = this): Promise<TenantCredentials> {
    const demo = join(issuer.dataDir, 'demo-credentials.json');
    if (existsSync(demo)) return JSON.parse(readFileSync(demo, 'utf8')) as TenantCredentials;
    const adminToken = await issuer.token(BENCH_ADMIN.clientId, BENCH_ADMIN.clientSecret);
    const res = await this.graphql<{ createTenant: TenantCredentials }>(
      adminToken,
      `mutation($name: String!) { createTenant(name: $name) { tenantId clientId clientSecret } }`,
      { name },
    );
    if (!res.data) throw new Error(`createTenant failed: ${JSON.stringify(res.errors)}`);
    return res.data.createTenant;
  }

  async token(clientId: string, clientSecret: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    });
    if (!res.ok) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async tenantToken(name?: string, issuer: BenchApp = this): Promise<{ tenant: TenantCredentials; token: string }> {
    const tenant = await this.tenant(name, issuer);
    return { tenant, token: await issuer.token(tenant.clientId, tenant.clientSecret) };
  }

  async graphql<T>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: T; errors?: unknown[] };
  }

  /** Resident memory of the app process (VmRSS), in MB. */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!match) throw new Error('VmRSS not found');
    return Number(match[1]) / 1024;
  }

  /** Anonymous vs file-backed resident memory and the largest mappings' kinds, from /proc (Linux). */
  memoryBreakdown(): string {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
    return `RssAnon ${Math.round(kb('RssAnon'))} MB, RssFile ${Math.round(kb('RssFile'))} MB, VmSize ${Math.round(kb('VmSize'))} MB`;
  }

  /** Graceful stop (SIGTERM), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
    await sleep(200);
  }

  dispose(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Stop and remove the data directory. */
  async close(): Promise<void> {
    try {
      await this.stop();
    } finally {
      this.dispose();
    }
  }
}
