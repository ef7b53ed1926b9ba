import { Logger, type FactoryProvider, type InjectionToken } from '@nestjs/common';
import { ReadinessChecks } from '../health/readiness';

const logger = new Logger('Ports');

/** A module's API over gRPC: answers its calls, and says whether the other process answers. */
export interface RemoteModuleApi {
  ping(): Promise<void>;
}

/**
 * The provider of another module's `*_API` port for the modules that call it: in-process when this
 * process hosts the module (`remote` null), otherwise its gRPC client at `remote`, which the
 * caller's readiness then depends on (without that process it cannot serve what needs it).
 * Config has already refused a module that is neither hosted nor given its `*_GRPC_URL`.
 */
export function moduleApiProvider<Api>(options: {
  provide: symbol;
  /** How the start log and readiness name it: `shipments` gives "shipments api" and "shipments module". */
  module: string;
  remote: string | null;
  inProcess: { inject: InjectionToken[]; useFactory: (...deps: never[]) => Api };
  overGrpc: (address: string) => Api & RemoteModuleApi;
  /**
   * Whether the caller is ready only while the other process answers (default): false for a
   * module only rare operations need, which answer UNAVAILABLE while it is away.
   */
  readinessDependsOnIt?: boolean;
}): FactoryProvider<Api> {
  const { provide, module, remote, inProcess, overGrpc, readinessDependsOnIt = true } = options;
  if (remote === null) {
    return {
      provide,
      inject: inProcess.inject,
      // Nest hands the `inject` list's instances in order; their types are the caller's factory's.
      useFactory: (...deps: unknown[]) => {
        logger.log(`${module} api: in-process`);
        return inProcess.useFactory(...(deps as never[]));
      },
    };
  }
  return {
    provide,
    inject: [ReadinessChecks],
    useFactory: (readiness: ReadinessChecks) => {
      logger.log(`${module} api: grpc (${remote}, the caller's token forwarded)`);
      const api = overGrpc(remote);
      if (readinessDependsOnIt) readiness.register({ name: `${module} module (grpc ${remote})`, check: () => api.ping() });
      return api;
    },
  };
}
