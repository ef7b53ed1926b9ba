import { resolve } from 'node:path';
import type { AdapterConfig, PolicyEngineAdapter } from './adapter-config';
import { ALL_MODULES, grpcUrlSetting, MODULE_DESCRIPTORS, REMOTE_MODULES, verifiesTokensFromJwks, type ModuleName, type RemoteModuleName } from './module-descriptors';

/**
 * Typed configuration, read and validated once at start. A bad value stops the start with a
 * message naming the variable, instead of surfacing later as a confusing runtime failure.
 */
export interface AppConfig {
  environment: 'development' | 'test' | 'production';
  port: number;
  grpcPort: number;
  host: string;
  dataDir: string;
  /** The modules this process hosts (LOGISYNAPSE_MODULES). */
  modules: ModuleName[];
  /** Where a module this process does not host answers over gRPC (`<MODULE>_GRPC_URL`). */
  grpcClients: Record<RemoteModuleName, string | null>;
  /** DATABASE_POOL_SIZE: the application role's connections per process. */
  database: { poolSize: number };
  /** Which adapter serves each port (ADR 0043). */
  adapters: AdapterConfig;
  auth: {
    issuer: string;
    audience: string;
    tokenTtlSeconds: number;
    /**
     * Reverse proxies in front of the app that append the client's address to X-Forwarded-For
     * (TRUSTED_PROXY_HOPS, default 0: the header is ignored). Per-address limits key on it.
     */
    trustedProxyHops: number;
    adminClientId: string | null;
    adminClientSecret: string | null;
    /**
     * The key-encryption key that seals the private signing keys at rest (AES-256-GCM), 32 bytes
     * from LOGISYNAPSE_KEY_ENCRYPTION_KEY; null: generated once into the data directory
     * (`key-encryption.key`, 0600) on the embedded database; required with DATABASE_URL (ADR 0028).
     */
    keyEncryptionKey: Buffer | null;
    /**
     * AUTH_JWKS_URL: where the auth module publishes its public keys (the auth process's
     * `/.well-known/jwks.json`), for a process that takes access tokens without hosting it; null
     * when it hosts auth (it verifies with its own keys) or takes no tokens (ADR 0044).
     */
    jwksUrl: string | null;
  };
  graphql: {
    /**
     * GRAPHQL_INTROSPECTION: answer `__schema` / `__type`, and say "Did you mean ...?" in
     * validation errors. Default: on, off with NODE_ENV=production (the schema is then not
     * handed to whoever asks).
     */
    introspection: boolean;
    /**
     * GRAPHQL_PLAYGROUND: serve GraphiQL on a browser's GET of /graphql. Default: on, off with
     * NODE_ENV=production. It loads its schema by introspection, so it needs introspection on.
     */
    playground: boolean;
  };
  /**
   * METRICS_PORT: where GET /metrics answers in Prometheus's text format, on HOST (default 9464,
   * OpenTelemetry's Prometheus port); `off` serves none. Its own port, so a scraper needs no token
   * and the API's port shows no metrics.
   *
   * METRICS_TENANT_LABELS: the tenants (their ids, comma-separated, at most 50) whose business
   * counters an operator wants apart. Empty by default: then no series carries a tenant. When set,
   * the business counters gain `logisynapse_tenant_id`, the listed ids as themselves and every
   * other tenant as `other`, so the series count stays bounded by what the operator chose.
   */
  metrics: { port: number | null; tenantLabels: string[] };
  logLevel: string;
  /** LOG_FORMAT: `auto` is readable on a terminal, JSON otherwise and in production (platform/logging). */
  logFormat: 'auto' | 'json' | 'pretty';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function fraction(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(`${key} must be a number between 0 and 1, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = optional(env, key)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${key} must be true or false, got "${env[key]}"`);
}

function graphql(env: Env, production: boolean): AppConfig['graphql'] {
  const introspection = bool(env, 'GRAPHQL_INTROSPECTION', !production);
  const playground = bool(env, 'GRAPHQL_PLAYGROUND', !production && introspection);
  if (playground && !introspection) {
    throw new ConfigError('GRAPHQL_PLAYGROUND=true needs GRAPHQL_INTROSPECTION=true: the playground loads its schema by introspection');
  }
  return { introspection, playground };
}

function optional(env: Env, key: string): string | null {
  const raw = env[key];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

function oneOf<T extends string>(env: Env, key: string, values: readonly T[], fallback: T): T {
  const raw = optional(env, key);
  if (raw === null) return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${key} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

/**
 * LOGISYNAPSE_KEY_ENCRYPTION_KEY: 32 random bytes, as 64 hex digits or base64 / base64url
 * (`openssl rand -base64 32`). Anything else is refused rather than stretched into a key.
 */
export function keyEncryptionKey(env: Env): Buffer | null {
  const raw = optional(env, 'LOGISYNAPSE_KEY_ENCRYPTION_KEY');
  if (raw === null) return null;
  const key = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(raw)
      ? Buffer.from(raw.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url')
      : null;
  if (key?.length !== 32) {
    throw new ConfigError('LOGISYNAPSE_KEY_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or 43/44 base64 characters (openssl rand -base64 32)');
  }
  return key;
}

/** The most tenants METRICS_TENANT_LABELS may name: each multiplies every business counter's series. */
export const MAX_TENANT_LABELS = 50;

function tenantLabels(env: Env): string[] {
  const raw = optional(env, 'METRICS_TENANT_LABELS');
  if (raw === null) return [];
  const ids = [...new Set(raw.split(',').map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))];
  const bad = ids.find((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id));
  if (bad !== undefined) throw new ConfigError(`METRICS_TENANT_LABELS must be tenant ids (UUIDs), comma-separated, got "${bad.slice(0, 80)}"`);
  if (ids.length > MAX_TENANT_LABELS) throw new ConfigError(`METRICS_TENANT_LABELS may name at most ${MAX_TENANT_LABELS} tenants, got ${ids.length}`);
  return ids;
}

function brokers(env: Env): string[] | null {
  const raw = optional(env, 'KAFKA_BROKERS');
  if (raw === null) return null;
  const list = raw.split(',').map((b) => b.trim());
  for (const broker of list) {
    if (!/^[\w.-]+:\d{1,5}$/.test(broker)) throw new ConfigError(`KAFKA_BROKERS must be host:port[,host:port...], got "${raw}"`);
  }
  return list;
}

function namePrefix(env: Env, key: 'KAFKA_TOPIC_PREFIX' | 'AMQP_QUEUE_PREFIX'): string {
  const raw = optional(env, key) ?? '';
  if (!/^[\w.-]{0,100}$/.test(raw)) throw new ConfigError(`${key} may hold letters, digits, '.', '_' and '-' only, got "${raw}"`);
  if (key === 'AMQP_QUEUE_PREFIX' && raw.startsWith('amq.')) throw new ConfigError(`AMQP_QUEUE_PREFIX may not start with "amq." (RabbitMQ reserves those names), got "${raw}"`);
  return raw;
}

function policyEngine(env: Env): PolicyEngineAdapter {
  const opaUrl = optional(env, 'OPA_URL');
  if (opaUrl !== null) {
    let parsed: URL | null;
    try {
      parsed = new URL(opaUrl);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ConfigError(`OPA_URL must be an http(s) URL such as http://127.0.0.1:8181, got "${opaUrl}"`);
    }
  }
  const engine = optional(env, 'AUTHORIZATION_ENGINE') ?? (opaUrl !== null ? 'opa' : 'casl');
  if (engine !== 'casl' && engine !== 'opa') throw new ConfigError(`AUTHORIZATION_ENGINE must be casl or opa, got "${engine}"`);
  if (engine === 'opa' && opaUrl === null) throw new ConfigError('AUTHORIZATION_ENGINE=opa needs OPA_URL');
  return engine === 'opa' ? { kind: 'opa', url: opaUrl! } : { kind: 'casl' };
}

/** Each port's adapter, from the settings that select it (ADR 0043). */
function adapters(env: Env): AdapterConfig {
  const databaseUrl = optional(env, 'DATABASE_URL');
  const kafkaBrokers = brokers(env);
  const amqpUrl = optional(env, 'AMQP_URL');
  const temporalAddress = optional(env, 'TEMPORAL_ADDRESS');
  const shippoApiKey = optional(env, 'SHIPPO_API_KEY');
  // Checked even when their broker is not chosen: a typo should not wait for the day it is.
  const topicPrefix = namePrefix(env, 'KAFKA_TOPIC_PREFIX');
  const queuePrefix = namePrefix(env, 'AMQP_QUEUE_PREFIX');
  if (optional(env, 'SMTP_URL') !== null) throw new ConfigError('SMTP_URL is set but this build has no SMTP adapter yet; unset it to log emails');
  return {
    database: databaseUrl
      ? { kind: 'postgres', url: databaseUrl, ownerUrl: optional(env, 'DATABASE_OWNER_URL'), engineUrl: optional(env, 'DATABASE_ENGINE_URL') }
      : { kind: 'pglite' },
    workflowEngine: temporalAddress
      ? {
          kind: 'temporal',
          address: temporalAddress,
          namespace: optional(env, 'TEMPORAL_NAMESPACE') ?? 'default',
          taskQueue: optional(env, 'TEMPORAL_TASK_QUEUE') ?? 'logisynapse-shipments',
          metricsPort: (optional(env, 'TEMPORAL_METRICS_PORT') ?? 'off').toLowerCase() === 'off' ? null : int(env, 'TEMPORAL_METRICS_PORT', 9465, 1, 65535),
          isolateTimeoutMs:
            (optional(env, 'TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS') ?? 'off').toLowerCase() === 'off' ? null : int(env, 'TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS', 5000, 1, 600_000),
        }
      : { kind: 'dbos' },
    eventLog: kafkaBrokers ? { kind: 'kafka', brokers: kafkaBrokers, topicPrefix } : { kind: 'pg-boss' },
    taskQueue: amqpUrl ? { kind: 'rabbitmq', url: amqpUrl, queuePrefix } : { kind: 'pg-boss' },
    carrier: shippoApiKey
      ? { kind: 'shippo', apiKey: shippoApiKey, baseUrl: optional(env, 'SHIPPO_BASE_URL') ?? 'https://api.goshippo.com' }
      : {
          kind: 'sandbox',
          latencyMs: int(env, 'CARRIER_SANDBOX_LATENCY_MS', 150, 0, 600_000),
          failureRate: fraction(env, 'CARRIER_SANDBOX_FAILURE_RATE', 0),
          journeyStepMs: int(env, 'CARRIER_SANDBOX_JOURNEY_STEP_MS', 10_000, 0, 86_400_000),
          seed: env.CARRIER_SANDBOX_SEED ? int(env, 'CARRIER_SANDBOX_SEED', 0, 0, 2 ** 31) : null,
        },
    emailSender: { kind: 'log' },
    policyEngine: policyEngine(env),
  };
}

export { ALL_MODULES, MODULE_DESCRIPTORS, REMOTE_MODULES, type ModuleName, type RemoteModuleName } from './module-descriptors';

const GRPC_TARGET = /^(dns:(\/\/\/)?)?[\w.-]+:\d{1,5}$/;

function hostedModules(env: Env): { modules: ModuleName[]; grpcClients: AppConfig['grpcClients']; jwksUrl: string | null } {
  const raw = optional(env, 'LOGISYNAPSE_MODULES') ?? 'all';
  const names = raw === 'all' ? [...ALL_MODULES] : [...new Set(raw.split(',').map((m) => m.trim()))];
  for (const name of names) {
    if (!(ALL_MODULES as readonly string[]).includes(name)) {
      throw new ConfigError(`LOGISYNAPSE_MODULES names an unknown module "${name}" (known: ${ALL_MODULES.join(', ')})`);
    }
  }
  const modules = names as ModuleName[];
  for (const name of modules) {
    const missing = MODULE_DESCRIPTORS[name].needsInProcess.filter((needed) => !modules.includes(needed));
    if (missing.length > 0) {
      throw new ConfigError(`LOGISYNAPSE_MODULES: module "${name}" needs ${missing.map((m) => `"${m}"`).join(', ')} in the same process`);
    }
  }
  const grpcClients = {} as AppConfig['grpcClients'];
  for (const remote of REMOTE_MODULES) {
    const setting = grpcUrlSetting(remote);
    const url = optional(env, setting);
    if (url !== null && !GRPC_TARGET.test(url)) {
      throw new ConfigError(`${setting} must be host:port (or dns:///host:port), got "${url}"`);
    }
    if (modules.includes(remote) && url !== null) {
      // Silently preferring one of the two would hide a deployment mistake.
      throw new ConfigError(`${setting} is set, but this process hosts the ${remote} module itself`);
    }
    const caller = modules.find((name) => (MODULE_DESCRIPTORS[name].calls as readonly string[]).includes(remote));
    if (caller !== undefined && !modules.includes(remote) && url === null) {
      throw new ConfigError(`LOGISYNAPSE_MODULES: the ${caller} without the ${remote} module needs ${setting} (where its gRPC service answers)`);
    }
    grpcClients[remote] = url;
  }
  const apart = modules.includes('shipments') !== modules.includes('workflow-orchestrator');
  if (apart && optional(env, 'TEMPORAL_ADDRESS') === null) {
    // DBOS runs a workflow in the process that starts it: the API and the worker cannot be apart.
    throw new ConfigError(
      'LOGISYNAPSE_MODULES: the shipments and workflow-orchestrator modules in different processes need Temporal (TEMPORAL_ADDRESS); the embedded engine runs a workflow where it starts',
    );
  }
  if (modules.length !== ALL_MODULES.length && optional(env, 'DATABASE_URL') === null) {
    // The embedded database, event log and workflow engine live inside one process.
    throw new ConfigError('LOGISYNAPSE_MODULES: hosting a subset of the modules needs the shared real servers (DATABASE_URL at least); the embedded defaults serve one process');
  }
  return { modules, grpcClients, jwksUrl: jwksUrl(env, modules) };
}

/** AUTH_JWKS_URL: where the auth module publishes its keys, for a process that takes tokens without it. */
function jwksUrl(env: Env, modules: readonly ModuleName[]): string | null {
  const url = optional(env, 'AUTH_JWKS_URL');
  if (url !== null) {
    let parsed: URL | null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ConfigError(`AUTH_JWKS_URL must be an http(s) URL (the auth process's /.well-known/jwks.json), got "${url}"`);
    }
    if (modules.includes('auth')) throw new ConfigError('AUTH_JWKS_URL is set, but this process hosts the auth module itself (it verifies with its own keys)');
  }
  if (url === null && verifiesTokensFromJwks(modules)) {
    const takers = modules.filter((name) => MODULE_DESCRIPTORS[name].takesTokens);
    throw new ConfigError(
      `LOGISYNAPSE_MODULES: the ${takers.join(', ')} without the auth module need AUTH_JWKS_URL (the auth process's /.well-known/jwks.json) to verify access tokens`,
    );
  }
  return url;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'test' && nodeEnv !== 'production') {
    throw new ConfigError(`NODE_ENV must be development, test or production, got "${nodeEnv}"`);
  }
  const { modules, grpcClients, jwksUrl: authJwksUrl } = hostedModules(env);
  const adminClientId = optional(env, 'PLATFORM_ADMIN_CLIENT_ID');
  const adminClientSecret = optional(env, 'PLATFORM_ADMIN_CLIENT_SECRET');
  if ((adminClientId === null) !== (adminClientSecret === null)) {
    throw new ConfigError('PLATFORM_ADMIN_CLIENT_ID and PLATFORM_ADMIN_CLIENT_SECRET must be set together');
  }
  if (adminClientSecret !== null && adminClientSecret.length < 16) {
    throw new ConfigError('PLATFORM_ADMIN_CLIENT_SECRET must be at least 16 characters');
  }
  for (const name of ['DATABASE_OWNER_URL', 'DATABASE_ENGINE_URL']) {
    // Without DATABASE_URL the embedded database is used and these would be silently ignored.
    if (optional(env, name) !== null && optional(env, 'DATABASE_URL') === null) throw new ConfigError(`${name} needs DATABASE_URL`);
  }
  const kek = keyEncryptionKey(env);
  if (kek === null && optional(env, 'DATABASE_URL') !== null) {
    // Generated into one process's data directory, it would differ between the processes sharing
    // the database (replicas, a split deployment, a test's temporary directory) and be lost with it.
    throw new ConfigError(
      'LOGISYNAPSE_KEY_ENCRYPTION_KEY is required with DATABASE_URL: 32 bytes (openssl rand -base64 32), the same for every process of the database; `npm run infra:up` writes one to .env.infra',
    );
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  return {
    environment: nodeEnv,
    port,
    grpcPort: int(env, 'GRPC_PORT', 50051, 0, 65535),
    host: optional(env, 'HOST') ?? '0.0.0.0',
    dataDir: resolve(optional(env, 'LOGISYNAPSE_DATA_DIR') ?? '.data'),
    modules,
    grpcClients,
    database: { poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 500) },
    adapters: adapters(env),
    auth: {
      issuer: optional(env, 'AUTH_ISSUER') ?? 'logisynapse',
      audience: optional(env, 'AUTH_AUDIENCE') ?? 'logisynapse-api',
      tokenTtlSeconds: int(env, 'AUTH_TOKEN_TTL_SECONDS', 3600, 60, 86400),
      trustedProxyHops: int(env, 'TRUSTED_PROXY_HOPS', 0, 0, 10),
      adminClientId,
      adminClientSecret,
      keyEncryptionKey: kek,
      jwksUrl: authJwksUrl,
    },
    graphql: graphql(env, nodeEnv === 'production'),
    metrics: {
      port: optional(env, 'METRICS_PORT')?.toLowerCase() === 'off' ? null : int(env, 'METRICS_PORT', 9464, 0, 65535),
      tenantLabels: tenantLabels(env),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['auto', 'json', 'pretty'], 'auto'),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
