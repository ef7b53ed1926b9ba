import { AppProcess, type DemoCredentials, type GraphqlResult } from './app-process';
import { e2eTargets } from './e2e-targets';
import { ModulePerProcessDeployment } from './module-deployment';

/** What the end-to-end scenarios need of a deployment, whether one process or several. */
export interface PlatformUnderTest {
  /** Where the public HTTP API answers (GraphQL). */
  readonly baseUrl: string;
  /** Where /oauth/token and /.well-known/jwks.json answer: the process hosting the auth module. */
  readonly tokenBaseUrl: string;
  /** Where the carriers' webhooks answer (the same process, unless carriers run apart). */
  readonly webhookBaseUrl: string;
  /** Where ShipmentService answers over gRPC. */
  readonly grpcPort: number;
  newTenant(name?: string): Promise<DemoCredentials>;
  token(clientId: string, clientSecret: string): Promise<string>;
  graphql<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>>;
  jsonLogs(): Record<string, unknown>[];
  /** The demo credentials a fresh embedded data directory gets. */
  credentials(): DemoCredentials;
  stop(): Promise<void>;
  dispose(): void;
}

/** The modules of the process behind the public API, and of the one that owns shipments. */
export const EDGE_MODULES = 'gateway,auth,tenancy,authorization,carriers';
export const CORE_MODULES = 'shipments,workflow-orchestrator,communications,carriers,auth,tenancy,authorization';

/**
 * The platform as two processes on the shared real servers: `core` hosts the shipments module,
 * its workflows and the emails (communications), `edge` the gateway (GraphQL, tokens, webhooks),
 * which reaches shipments and notifications over gRPC (SHIPMENTS_GRPC_URL,
 * COMMUNICATIONS_GRPC_URL) with the caller's token. Started one after the other, so the
 * migrations run once.
 */
export class SplitDeployment implements PlatformUnderTest {
  private constructor(
    readonly core: AppProcess,
    readonly edge: AppProcess,
  ) {}

  static async start(env: Record<string, string>): Promise<SplitDeployment> {
    const core = await AppProcess.start({ ...env, LOGISYNAPSE_MODULES: CORE_MODULES });
    try {
      const coreAddress = `127.0.0.1:${core.grpcPort}`;
      const edge = await AppProcess.start({ ...env, LOGISYNAPSE_MODULES: EDGE_MODULES, SHIPMENTS_GRPC_URL: coreAddress, COMMUNICATIONS_GRPC_URL: coreAddress });
      return new SplitDeployment(core, edge);
    } catch (error) {
      await core.stop();
      core.dispose();
      throw error;
    }
  }

  get baseUrl(): string {
    return this.edge.baseUrl;
  }

  get tokenBaseUrl(): string {
    return this.edge.baseUrl;
  }

  get webhookBaseUrl(): string {
    return this.edge.baseUrl;
  }

  get grpcPort(): number {
    return this.core.grpcPort;
  }

  newTenant(name?: string): Promise<DemoCredentials> {
    return this.edge.newTenant(name);
  }

  token(clientId: string, clientSecret: string): Promise<string> {
    return this.edge.token(clientId, clientSecret);
  }

  graphql<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> {
    return this.edge.graphql<T>(token, query, variables);
  }

  credentials(): DemoCredentials {
    return this.core.credentials();
  }

  jsonLogs(): Record<string, unknown>[] {
    return [...this.edge.jsonLogs(), ...this.core.jsonLogs()];
  }

  async stop(): Promise<void> {
    await Promise.all([this.edge.stop(), this.core.stop()]);
  }

  dispose(): void {
    this.edge.dispose();
    this.core.dispose();
  }
}

export interface DeploymentTarget {
  name: string;
  describe: (name: string, body: () => void) => void;
  start: () => Promise<PlatformUnderTest>;
}

/**
 * The e2e targets (embedded defaults, real servers) as one process each, plus the real servers
 * split into two processes and into one process per module: the same scenario runs on one
 * process and on several.
 */
export function deploymentTargets(): DeploymentTarget[] {
  const targets = e2eTargets();
  const real = targets.find((t) => t.name === 'real servers')!;
  return [
    ...targets.map((t) => ({ name: t.name, describe: t.describe, start: () => AppProcess.start(t.env) })),
    { name: 'real servers, split into two processes', describe: real.describe, start: () => SplitDeployment.start(real.env) },
    { name: 'real servers, one process per module', describe: real.describe, start: () => ModulePerProcessDeployment.start(real.env) },
  ];
}
