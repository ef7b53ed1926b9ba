import { AppProcess, createTenant, type DemoCredentials, type GraphqlResult } from './app-process';
import type { PlatformUnderTest } from './split-deployment';

/**
 * The processes of the one-process-per-module deployment, each with the modules it needs in its
 * own process (src/platform/config/module-descriptors.ts): the auth module (tokens, its JWKS,
 * AuthAdminService), the gateway (GraphQL), the shipments API (ShipmentService, the carrier
 * status consumer), the workflow worker, the communications module (NotificationService, the
 * emails), the carriers' webhooks and the authorization module (AuthorizationService, which the
 * gateway asks over gRPC). Every process that takes tokens but the auth process verifies them
 * with the auth process's JWKS.
 */
export const MODULE_PROCESSES = {
  auth: 'auth,tenancy,authorization',
  shipments: 'shipments,tenancy,authorization,carriers',
  'workflow-orchestrator': 'workflow-orchestrator,carriers,tenancy',
  communications: 'communications,tenancy,authorization',
  carriers: 'carriers,tenancy',
  authorization: 'authorization',
  gateway: 'gateway,tenancy',
} as const;

export type ModuleProcessName = keyof typeof MODULE_PROCESSES;

/** The modules the gateway reaches over gRPC, by the setting that tells it where. */
export type GatewayUpstream = 'auth' | 'authorization' | 'shipments' | 'communications';

export interface ModuleDeploymentOptions {
  /**
   * Where the gateway is told a module's gRPC server is, given where it is (`127.0.0.1:port`):
   * a chaos scenario puts a proxy in between. Unset, the gateway is told the process's own address.
   */
  gatewayUpstream?: (module: GatewayUpstream, address: string) => Promise<string>;
}

/**
 * The platform as one process per module on the shared real servers. The auth process starts
 * first (its migrations run once, the others find none pending; its JWKS is where the others
 * find the keys), then the others together; the gateway reaches the auth module, the policy,
 * shipments and notifications over gRPC with the caller's token, tokens come from the auth
 * process's /oauth/token (an ingress routes it there), and the shipments process starts workflows
 * that the worker process runs (Temporal).
 */
export class ModulePerProcessDeployment implements PlatformUnderTest {
  private constructor(readonly processes: Record<ModuleProcessName, AppProcess>) {}

  static async start(
    env: Record<string, string>,
    { gatewayUpstream = (_module, address) => Promise.resolve(address) }: ModuleDeploymentOptions = {},
  ): Promise<ModulePerProcessDeployment> {
    const started: AppProcess[] = [];
    const launch = async (name: ModuleProcessName, extra: Record<string, string> = {}) => {
      const app = await AppProcess.start({ ...env, ...extra, LOGISYNAPSE_MODULES: MODULE_PROCESSES[name] });
      started.push(app);
      return app;
    };
    try {
      const auth = await launch('auth');
      const keys = { AUTH_JWKS_URL: `${auth.baseUrl}/.well-known/jwks.json` };
      const [shipments, worker, communications, carriers, authorization] = await Promise.all([
        launch('shipments', keys),
        launch('workflow-orchestrator'),
        launch('communications', keys),
        launch('carriers'),
        launch('authorization', keys),
      ]);
      const via = (module: GatewayUpstream, app: AppProcess) => gatewayUpstream(module, `127.0.0.1:${app.grpcPort}`);
      const gateway = await launch('gateway', {
        ...keys,
        AUTH_GRPC_URL: await via('auth', auth),
        AUTHORIZATION_GRPC_URL: await via('authorization', authorization),
        SHIPMENTS_GRPC_URL: await via('shipments', shipments),
        COMMUNICATIONS_GRPC_URL: await via('communications', communications),
      });
      return new ModulePerProcessDeployment({ auth, shipments, 'workflow-orchestrator': worker, communications, carriers, authorization, gateway });
    } catch (error) {
      await Promise.all(started.map((app) => app.stop()));
      started.forEach((app) => app.dispose());
      throw error;
    }
  }

  get baseUrl(): string {
    return this.processes.gateway.baseUrl;
  }

  get webhookBaseUrl(): string {
    return this.processes.carriers.baseUrl;
  }

  get grpcPort(): number {
    return this.processes.shipments.grpcPort;
  }

  /** Where /oauth/token and the JWKS answer: the auth process. */
  get tokenBaseUrl(): string {
    return this.processes.auth.baseUrl;
  }

  /** A tenant made through the gateway's createTenant, which asks the auth process over gRPC. */
  newTenant(name = 'E2E tenant'): Promise<DemoCredentials> {
    return createTenant(this, name);
  }

  token(clientId: string, clientSecret: string): Promise<string> {
    return this.processes.auth.token(clientId, clientSecret);
  }

  graphql<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> {
    return this.processes.gateway.graphql<T>(token, query, variables);
  }

  credentials(): DemoCredentials {
    return this.processes.auth.credentials();
  }

  jsonLogs(): Record<string, unknown>[] {
    return Object.values(this.processes).flatMap((app) => app.jsonLogs());
  }

  async stop(): Promise<void> {
    // The gateway first, so no request reaches a stopped process; the worker, then auth, last.
    const { gateway, 'workflow-orchestrator': worker, auth, ...rest } = this.processes;
    await gateway.stop();
    await Promise.all(Object.values(rest).map((app) => app.stop()));
    await worker.stop();
    await auth.stop();
  }

  dispose(): void {
    Object.values(this.processes).forEach((app) => app.dispose());
  }
}
