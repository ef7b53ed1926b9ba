import { AppProcess, type DemoCredentials, type GraphqlResult } from './app-process';
import type { PlatformUnderTest } from './split-deployment';

/**
 * The processes of the one-process-per-module deployment, each with the modules it needs in its
 * own process (src/platform/config/module-descriptors.ts): the gateway (GraphQL, tokens), the
 * shipments API (ShipmentService, the carrier status consumer), the workflow worker, the
 * communications module (NotificationService, the emails), the carriers' webhooks and the
 * authorization module (AuthorizationService, which the gateway asks over gRPC).
 */
export const MODULE_PROCESSES = {
  shipments: 'shipments,tenancy,auth,authorization,carriers',
  'workflow-orchestrator': 'workflow-orchestrator,carriers,tenancy',
  communications: 'communications,tenancy,auth,authorization',
  carriers: 'carriers,tenancy',
  authorization: 'authorization,auth,tenancy',
  gateway: 'gateway,auth,tenancy',
} as const;

export type ModuleProcessName = keyof typeof MODULE_PROCESSES;

/**
 * The platform as one process per module on the shared real servers. The shipments process
 * starts first (its migrations run once, the others find none pending), then the others
 * together; the gateway reaches the policy, shipments and notifications over gRPC with the caller's token,
 * and the shipments process starts workflows that the worker process runs (Temporal).
 */
export class ModulePerProcessDeployment implements PlatformUnderTest {
  private constructor(readonly processes: Record<ModuleProcessName, AppProcess>) {}

  static async start(env: Record<string, string>): Promise<ModulePerProcessDeployment> {
    const started: AppProcess[] = [];
    const launch = async (name: ModuleProcessName, extra: Record<string, string> = {}) => {
      const app = await AppProcess.start({ ...env, ...extra, LOGISYNAPSE_MODULES: MODULE_PROCESSES[name] });
      started.push(app);
      return app;
    };
    try {
      const shipments = await launch('shipments');
      const [worker, communications, carriers, authorization] = await Promise.all([
        launch('workflow-orchestrator'),
        launch('communications'),
        launch('carriers'),
        launch('authorization'),
      ]);
      const gateway = await launch('gateway', {
        AUTHORIZATION_GRPC_URL: `127.0.0.1:${authorization.grpcPort}`,
        SHIPMENTS_GRPC_URL: `127.0.0.1:${shipments.grpcPort}`,
        COMMUNICATIONS_GRPC_URL: `127.0.0.1:${communications.grpcPort}`,
      });
      return new ModulePerProcessDeployment({ shipments, 'workflow-orchestrator': worker, communications, carriers, authorization, gateway });
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

  newTenant(name?: string): Promise<DemoCredentials> {
    return this.processes.gateway.newTenant(name);
  }

  token(clientId: string, clientSecret: string): Promise<string> {
    return this.processes.gateway.token(clientId, clientSecret);
  }

  graphql<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> {
    return this.processes.gateway.graphql<T>(token, query, variables);
  }

  credentials(): DemoCredentials {
    return this.processes.shipments.credentials();
  }

  jsonLogs(): Record<string, unknown>[] {
    return Object.values(this.processes).flatMap((app) => app.jsonLogs());
  }

  async stop(): Promise<void> {
    // The gateway first, so no request reaches a stopped process; the worker last.
    const { gateway, 'workflow-orchestrator': worker, ...rest } = this.processes;
    await gateway.stop();
    await Promise.all(Object.values(rest).map((app) => app.stop()));
    await worker.stop();
  }

  dispose(): void {
    Object.values(this.processes).forEach((app) => app.dispose());
  }
}
