/**
 * The business modules as a deployment sees them, one descriptor each: the modules it needs in its
 * own process, the gRPC services it serves, and the modules it calls (in-process when the process
 * hosts them, else over gRPC at `<MODULE>_GRPC_URL` with the caller's token, ADR 0018).
 *
 * Config reads it to check LOGISYNAPSE_MODULES and the `*_GRPC_URL` settings; `app.module.ts`
 * maps each name to its Nest modules and `main.ts` each served service to its proto, both through
 * maps typed by these names, so a module added here and not there fails the type check (ADR 0041).
 * It is data only: config is read before any module's code loads, and platform code may not
 * import the modules.
 */
export interface ModuleDescriptor {
  /** Modules whose services this one calls in-process: a process hosting it must host them too. */
  readonly needsInProcess: readonly string[];
  /** The gRPC services of `src/modules/<name>/api/grpc` that a process hosting it serves. */
  readonly serves: readonly string[];
  /** Modules it calls through their `*_API` port: in-process, or over gRPC when not hosted. */
  readonly calls: readonly string[];
  /**
   * Whether it verifies access tokens: with the auth module's keys in-process, or from the JWKS
   * the auth module publishes (AUTH_JWKS_URL) when the process does not host it (ADR 0044).
   */
  readonly takesTokens: boolean;
}

export const MODULE_DESCRIPTORS = {
  // The policy, shipments, notifications and the auth module's administration may be remote.
  gateway: { needsInProcess: ['tenancy'], serves: [], calls: ['auth', 'authorization', 'shipments', 'communications'], takesTokens: true },
  // Its gRPC API asks the policy in-process, as the shipments module's does.
  auth: { needsInProcess: ['tenancy', 'authorization'], serves: ['AuthAdminService'], calls: [], takesTokens: true },
  tenancy: { needsInProcess: [], serves: [], calls: [], takesTokens: false },
  // Cancelling voids the label through the carrier (a library: no state of its own but its config).
  // Its workflows start through a client of the worker's engine when the worker runs elsewhere.
  shipments: { needsInProcess: ['tenancy', 'authorization', 'carriers'], serves: ['ShipmentService'], calls: [], takesTokens: true },
  // The workflow worker: its activities buy labels (carriers) and write the shipment records
  // through the shipments module's SHIPMENT_RECORDS port, in that module's tables (ADR 0042).
  'workflow-orchestrator': { needsInProcess: ['carriers', 'tenancy'], serves: [], calls: [], takesTokens: false },
  // Its webhooks carry each tenant's webhook token, not access tokens.
  carriers: { needsInProcess: ['tenancy'], serves: [], calls: [], takesTokens: false },
  // Its gRPC API checks the caller's token and asks the policy, as the shipments module's does.
  communications: { needsInProcess: ['tenancy', 'authorization'], serves: ['NotificationService'], calls: [], takesTokens: true },
  authorization: { needsInProcess: [], serves: ['AuthorizationService'], calls: [], takesTokens: true },
} as const satisfies Record<string, ModuleDescriptor>;

export type ModuleName = keyof typeof MODULE_DESCRIPTORS;

/** Every module, in the descriptors' order (`LOGISYNAPSE_MODULES=all`). */
export const ALL_MODULES = Object.keys(MODULE_DESCRIPTORS) as ModuleName[];

/** The modules another module calls, so a process may reach them over gRPC. */
export type RemoteModuleName = (typeof MODULE_DESCRIPTORS)[ModuleName]['calls'][number];
export const REMOTE_MODULES = [...new Set(ALL_MODULES.flatMap((name) => MODULE_DESCRIPTORS[name].calls as readonly RemoteModuleName[]))];

/** A gRPC service some module serves. */
export type GrpcServiceName = (typeof MODULE_DESCRIPTORS)[ModuleName]['serves'][number];

/** The setting that says where a module answers over gRPC: `SHIPMENTS_GRPC_URL`. */
export function grpcUrlSetting(module: RemoteModuleName): string {
  return `${module.toUpperCase().replace(/-/g, '_')}_GRPC_URL`;
}

/** Whether a process hosting `modules` verifies tokens without the auth module: it needs AUTH_JWKS_URL. */
export function verifiesTokensFromJwks(modules: readonly ModuleName[]): boolean {
  return !modules.includes('auth') && modules.some((name) => MODULE_DESCRIPTORS[name].takesTokens);
}

/** The gRPC services a process hosting `modules` serves, in the descriptors' order. */
export function servedServices(modules: readonly ModuleName[]): GrpcServiceName[] {
  return ALL_MODULES.filter((name) => modules.includes(name)).flatMap((name) => MODULE_DESCRIPTORS[name].serves as readonly GrpcServiceName[]);
}
