import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { ALL_MODULES, grpcUrlSetting, MODULE_DESCRIPTORS, REMOTE_MODULES, servedServices, verifiesTokensFromJwks, type ModuleName } from './module-descriptors';

const MODULES_DIR = join(__dirname, '..', '..', 'modules');
const REAL_SERVERS = { DATABASE_URL: 'postgres://app@db/x', LOGISYNAPSE_KEY_ENCRYPTION_KEY: 'ab'.repeat(32), TEMPORAL_ADDRESS: '127.0.0.1:7233' };

/** The `service X` names of the .proto files under a module's folder. */
function protoServices(module: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.proto')) found.push(...[...readFileSync(path, 'utf8').matchAll(/^service (\w+)/gm)].map((m) => m[1]!));
    }
  };
  walk(join(MODULES_DIR, module));
  return found;
}

/** A module with what it needs in-process, transitively: the smallest process that hosts it. */
function closure(name: ModuleName): ModuleName[] {
  const hosted = new Set<ModuleName>([name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of [...hosted]) for (const need of MODULE_DESCRIPTORS[m].needsInProcess as readonly ModuleName[]) if (!hosted.has(need)) grew = Boolean(hosted.add(need));
  }
  return [...hosted];
}

describe('module descriptors', () => {
  it('describe every module folder under src/modules, and name only modules', () => {
    const folders = readdirSync(MODULES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect([...ALL_MODULES].sort()).toEqual(folders.sort());
    for (const name of ALL_MODULES) {
      for (const other of [...MODULE_DESCRIPTORS[name].needsInProcess, ...MODULE_DESCRIPTORS[name].calls]) expect(ALL_MODULES).toContain(other);
    }
  });

  it('say which gRPC services each module serves: those of its own .proto files', () => {
    for (const name of ALL_MODULES) expect([...MODULE_DESCRIPTORS[name].serves].sort()).toEqual(protoServices(name).sort());
    expect(servedServices(ALL_MODULES)).toEqual(['AuthAdminService', 'ShipmentService', 'NotificationService', 'AuthorizationService']);
    expect(servedServices(['gateway', 'auth', 'tenancy', 'authorization'])).toEqual(['AuthAdminService', 'AuthorizationService']);
    expect(servedServices(['gateway', 'tenancy'])).toEqual([]);
  });

  it('let only modules that serve gRPC be called across processes, each through its own setting', () => {
    for (const remote of REMOTE_MODULES) expect(MODULE_DESCRIPTORS[remote].serves.length).toBeGreaterThan(0);
    expect(REMOTE_MODULES.map(grpcUrlSetting)).toEqual(['AUTH_GRPC_URL', 'AUTHORIZATION_GRPC_URL', 'SHIPMENTS_GRPC_URL', 'COMMUNICATIONS_GRPC_URL']);
  });

  it('run each module in a process of its own with what it needs in-process, the modules it calls reached over gRPC', () => {
    for (const name of ALL_MODULES) {
      const hosted = closure(name);
      const remoteUrls = Object.fromEntries(
        REMOTE_MODULES.filter((remote) => !hosted.includes(remote) && hosted.some((m) => (MODULE_DESCRIPTORS[m].calls as readonly string[]).includes(remote))).map((remote) => [grpcUrlSetting(remote), `${remote}:50051`]),
      );
      // A process that takes tokens without the auth module verifies them with its JWKS.
      const jwks = verifiesTokensFromJwks(hosted) ? { AUTH_JWKS_URL: 'http://auth:3000/.well-known/jwks.json' } : {};
      const config = loadConfig({ ...REAL_SERVERS, ...remoteUrls, ...jwks, LOGISYNAPSE_MODULES: hosted.join(',') });
      expect(config.modules).toEqual(hosted);
      expect(config.auth.jwksUrl !== null).toBe(verifiesTokensFromJwks(hosted));
    }
    // what that smallest process is, per module
    expect(closure('gateway').sort()).toEqual(['gateway', 'tenancy']);
    expect(closure('auth').sort()).toEqual(['auth', 'authorization', 'tenancy']);
    expect(closure('authorization').sort()).toEqual(['authorization']);
    expect(closure('communications').sort()).toEqual(['authorization', 'communications', 'tenancy']);
    expect(closure('shipments').sort()).toEqual(['authorization', 'carriers', 'shipments', 'tenancy']);
    expect(closure('workflow-orchestrator').sort()).toEqual(['carriers', 'tenancy', 'workflow-orchestrator']);
    // only those that take tokens need the keys: the worker and the carriers' webhooks do not
    expect(ALL_MODULES.filter((name) => verifiesTokensFromJwks(closure(name)))).toEqual(['gateway', 'shipments', 'communications', 'authorization']);
  });
});
