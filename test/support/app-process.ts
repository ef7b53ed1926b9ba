import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { eventually } from './poll';

const ROOT = join(__dirname, '..', '..');

export interface DemoCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  webhookToken: string;
  admin: { clientId: string; clientSecret: string };
}

/** The platform administrator every test app is started with (PLATFORM_ADMIN_CLIENT_ID/SECRET). */
export const TEST_ADMIN = { clientId: 'e2e-admin', clientSecret: 'e2e-admin-secret-0123456789' } as const;

export interface GraphqlResult<T = Record<string, unknown>> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * A new tenant with its credentials, made by the platform administrator through `platform`'s
 * GraphQL `createTenant`, with a token from its token endpoint (wherever that answers).
 */
export async function createTenant(
  platform: Pick<AppProcess, 'token' | 'graphql'>,
  name: string,
): Promise<DemoCredentials> {
  const adminToken = await platform.token(TEST_ADMIN.clientId, TEST_ADMIN.clientSecret);
  const res = await platform.graphql<{ createTenant: Omit<DemoCredentials, 'admin'> }>(
    adminToken,
    `mutation($name: String!) { createTenant(name: $name) { tenantId clientId clientSecret webhookToken } }`,
    { name },
  );
  if (!res.data) throw new Error(`createTenant failed: ${JSON.stringify(res.errors)}`);
  return { ...res.data.createTenant, admin: { ...TEST_ADMIN } };
}

/**
 * The built app as a real process on random loopback ports, with its own data directory.
 * Every test that starts one stops it (`stop`, or `kill` for a crash), and the directory is
 * removed by `dispose`.
 */
export class AppProcess {
  readonly logs: string[] = [];
  private child: ChildProcess | null = null;
  httpPort = 0;
  grpcPort = 0;
  metricsPort = 0;

  private constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}, dataDir?: string): Promise<AppProcess> {
    const app = new AppProcess(dataDir ?? mkdtempSync(join(tmpdir(), 'logisynapse-e2e-')), env);
    try {
      await app.launch();
    } catch (error) {
      // A start that failed leaves nothing behind: its process is killed by launch, its own directory removed here.
      if (dataDir === undefined) app.dispose();
      throw error;
    }
    return app;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** Where /oauth/token answers: this process hosts every module it was given. */
  get tokenBaseUrl(): string {
    return this.baseUrl;
  }

  /** Where the carriers' webhooks answer: this process hosts every module it was given. */
  get webhookBaseUrl(): string {
    return this.baseUrl;
  }

  /**
   * Starts the process (again, after `stop`). `samePorts` keeps the ports of the last start, so
   * the processes that call this one find it where they were told it is.
   */
  async launch({ samePorts = false }: { samePorts?: boolean } = {}): Promise<void> {
    const freshPorts = !samePorts || this.httpPort === 0;
    // A port freePort found free can be taken before the app listens on it (by a parallel suite's
    // server, or as an outgoing connection's ephemeral port): a fresh start that lost that race
    // picks new ports, up to three times. A start on the same ports fails as it is.
    for (let attempt = 1; ; attempt++) {
      if (freshPorts) {
        this.httpPort = await freePort();
        this.grpcPort = await freePort();
        this.metricsPort = await freePort();
      }
      const firstLine = this.logs.length;
      try {
        return await this.spawnAndAwaitReady();
      } catch (error) {
        const lostPortRace = this.logs.slice(firstLine).some((line) => line.includes('EADDRINUSE'));
        if (!freshPorts || !lostPortRace || attempt === 3) throw error;
      }
    }
  }

  private async spawnAndAwaitReady(): Promise<void> {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(this.httpPort),
        GRPC_PORT: String(this.grpcPort),
        METRICS_PORT: String(this.metricsPort),
        LOGISYNAPSE_DATA_DIR: this.dataDir,
        CARRIER_SANDBOX_LATENCY_MS: '20',
        CARRIER_SANDBOX_JOURNEY_STEP_MS: '0',
        LOG_LEVEL: 'info',
        PLATFORM_ADMIN_CLIENT_ID: TEST_ADMIN.clientId,
        PLATFORM_ADMIN_CLIENT_SECRET: TEST_ADMIN.clientSecret,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exited = false;
    child.once('exit', () => (exited = true));
    // An app that ends during its start fails the start at once (once its output is read), not at the deadline.
    const endedDuringStart = new Promise<never>((_resolve, reject) =>
      child.once('close', (code, signal) => reject(new Error(`app exited during start (${code ?? signal}):\n${this.logs.slice(-30).join('\n')}`))),
    );
    endedDuringStart.catch(() => undefined);
    const ready = eventually(
      'the app to be ready',
      async () => {
        if (exited) return false; // stop polling: its 'close' reports it, with its last lines
        const res = await fetch(`${this.baseUrl}/health/ready`).catch(() => null);
        return res?.ok ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await Promise.race([ready.then((ok) => (ok ? undefined : endedDuringStart)), endedDuringStart]).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
  }

  credentials(): DemoCredentials {
    return JSON.parse(readFileSync(join(this.dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  }

  /**
   * A new tenant with its credentials, made by the platform administrator: each suite works in
   * its own tenant, so it runs the same on an empty embedded database and on a shared real one.
   */
  newTenant(name = 'E2E tenant'): Promise<DemoCredentials> {
    return createTenant(this, name);
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

  async graphql<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphqlResult<T>;
  }

  /** Log lines that are JSON objects (pino), parsed. */
  jsonLogs(): Record<string, unknown>[] {
    return this.logs.flatMap((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** Graceful stop (SIGTERM), then SIGKILL if it hangs. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM', 15_000);
  }

  /** A crash: SIGKILL, no shutdown hooks. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 5_000);
  }

  dispose(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}
