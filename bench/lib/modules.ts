// The platform as one process per module (B8's A), for a ThroughputSession: the processes of the
// end-to-end tests' module deployment that B2's path goes through, started from the bench's build.
import { BenchApp, type TenantCredentials } from './app';
import type { MODULE_PROCESSES } from '../../test/support/module-deployment';

/**
 * The processes of `test/support/module-deployment.ts` that B2's shipments go through, written out
 * because the bench's build compiles only a few test files (package.json `bench`); `satisfies`
 * fails the type check when the two part. Its carriers (webhooks) and authorization (the
 * gateway's policy) processes are left out: no B2 shipment reaches them.
 */
const MEASURED = {
  auth: 'auth,tenancy,authorization',
  shipments: 'shipments,tenancy,authorization,carriers',
  'workflow-orchestrator': 'workflow-orchestrator,carriers,tenancy',
  communications: 'communications,tenancy,authorization',
} as const satisfies Pick<typeof MODULE_PROCESSES, 'auth' | 'shipments' | 'workflow-orchestrator' | 'communications'>;

/**
 * Plus a gateway, which only makes the bench's tenant before the rounds (createTenant is
 * GraphQL): it hosts the policy itself instead of asking an authorization process, one process
 * fewer and none in the measured path. The auth process issues the tokens and publishes the keys
 * (its JWKS) that the shipments and communications processes verify them with.
 */
export const B2_MODULE_PROCESSES = { ...MEASURED, gateway: 'gateway,tenancy,authorization' } as const;

type ProcessName = keyof typeof B2_MODULE_PROCESSES;

/**
 * Auth first (it runs the migrations, the others then find none pending, and its JWKS is where
 * they find the keys), then shipments, the worker and communications together, then the gateway,
 * which needs the others' gRPC addresses. All
 * get the same `env`, so they share one task queue, topic prefix and database.
 */
export class ModuleDeployment {
  private constructor(private readonly apps: Record<ProcessName, BenchApp>) {}

  static async start(env: Record<string, string>, nodeArgs: string[] = []): Promise<ModuleDeployment> {
    const started: BenchApp[] = [];
    const launch = async (name: ProcessName, extra: Record<string, string> = {}) => {
      const app = await BenchApp.start({ env: { ...env, ...extra, LOGISYNAPSE_MODULES: B2_MODULE_PROCESSES[name] }, nodeArgs });
      started.push(app);
      return app;
    };
    try {
      const auth = await launch('auth');
      const keys = { AUTH_JWKS_URL: `${auth.baseUrl}/.well-known/jwks.json` };
      const [shipments, worker, communications] = await Promise.all([launch('shipments', keys), launch('workflow-orchestrator'), launch('communications', keys)]);
      const gateway = await launch('gateway', {
        ...keys,
        AUTH_GRPC_URL: auth.grpcAddress,
        SHIPMENTS_GRPC_URL: shipments.grpcAddress,
        COMMUNICATIONS_GRPC_URL: communications.grpcAddress,
      });
      return new ModuleDeployment({ auth, shipments, 'workflow-orchestrator': worker, communications, gateway });
    } catch (error) {
      await Promise.all(started.map((app) => app.close()));
      throw error;
    }
  }

  /** ShipmentService: the shipments process. */
  get grpcAddress(): string {
    return this.apps.shipments.grpcAddress;
  }

  get processes(): { label: string; pid: number }[] {
    return Object.entries(this.apps).map(([name, app]) => ({ label: `${name} (node)`, pid: app.pid }));
  }

  /** A tenant made by the gateway (createTenant is GraphQL); the signing keys are in the shared database, so its tokens hold everywhere. */
  tenantToken(name?: string): Promise<{ tenant: TenantCredentials; token: string }> {
    return this.apps.gateway.tenantToken(name, this.apps.auth);
  }

  graphql<T>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: unknown[] }> {
    return this.apps.gateway.graphql<T>(token, query, variables);
  }

  /** The gateway first (nothing reaches a stopped process through it), the worker last (the runs in flight finish or stay in Temporal). */
  async close(): Promise<void> {
    const { gateway, 'workflow-orchestrator': worker, shipments, communications, auth } = this.apps;
    try {
      await gateway.close();
      await Promise.all([shipments.close(), communications.close()]);
    } finally {
      await worker.close();
      await auth.close();
    }
  }
}
