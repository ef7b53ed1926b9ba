import { ConfigError, loadConfig, MAX_TENANT_LABELS } from './app-config';

/** A real database's settings: its URL and the key-encryption key every process of it shares. */
const KEK = 'ab'.repeat(32);

describe('loadConfig', () => {
  it('has working defaults for a laptop', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ environment: 'development', port: 3000, grpcPort: 50051, modules: expect.arrayContaining(['shipments']) });
    expect(config.adapters).toEqual({
      database: { kind: 'pglite' },
      workflowEngine: { kind: 'dbos' },
      eventLog: { kind: 'pg-boss' },
      taskQueue: { kind: 'pg-boss' },
      carrier: { kind: 'sandbox', latencyMs: 150, failureRate: 0, journeyStepMs: 10_000, seed: null },
      emailSender: { kind: 'log' },
      policyEngine: { kind: 'casl' },
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ CARRIER_SANDBOX_FAILURE_RATE: '1.5' }, /CARRIER_SANDBOX_FAILURE_RATE must be a number between 0 and 1/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ LOGISYNAPSE_MODULES: 'shipments,warehouse' }, /unknown module "warehouse"/],
    [{ LOGISYNAPSE_MODULES: 'shipments', DATABASE_URL: 'postgres://app@db/x' }, /module "shipments" needs "tenancy", "authorization", "carriers" in the same process/],
    [{ LOGISYNAPSE_MODULES: 'gateway,auth,tenancy,authorization,communications', DATABASE_URL: 'postgres://app@db/x' }, /needs SHIPMENTS_GRPC_URL/],
    [{ LOGISYNAPSE_MODULES: 'gateway,auth,tenancy,authorization,communications', SHIPMENTS_GRPC_URL: '127.0.0.1:50052' }, /needs the shared real servers/],
    [{ SHIPMENTS_GRPC_URL: '127.0.0.1:50052' }, /hosts the shipments module itself/],
    [{ LOGISYNAPSE_MODULES: 'gateway,auth,tenancy,authorization,communications', SHIPMENTS_GRPC_URL: 'http://core', DATABASE_URL: 'postgres://app@db/x' }, /SHIPMENTS_GRPC_URL must be host:port/],
    [{ LOGISYNAPSE_MODULES: 'gateway,auth,tenancy,authorization,shipments,workflow-orchestrator,carriers', DATABASE_URL: 'postgres://app@db/x' }, /needs COMMUNICATIONS_GRPC_URL/],
    [{ COMMUNICATIONS_GRPC_URL: '127.0.0.1:50053' }, /hosts the communications module itself/],
    [{ LOGISYNAPSE_MODULES: 'communications,tenancy', DATABASE_URL: 'postgres://app@db/x' }, /module "communications" needs "authorization" in the same process/],
    [{ LOGISYNAPSE_MODULES: 'auth,tenancy', DATABASE_URL: 'postgres://app@db/x' }, /module "auth" needs "authorization" in the same process/],
    [{ LOGISYNAPSE_MODULES: 'communications,tenancy,authorization', DATABASE_URL: 'postgres://app@db/x' }, /the communications, authorization without the auth module need AUTH_JWKS_URL/],
    [{ LOGISYNAPSE_MODULES: 'authorization', DATABASE_URL: 'postgres://app@db/x', AUTH_JWKS_URL: 'file:///etc/jwks.json' }, /AUTH_JWKS_URL must be an http\(s\) URL/],
    [{ LOGISYNAPSE_MODULES: 'authorization', DATABASE_URL: 'postgres://app@db/x', AUTH_JWKS_URL: 'not a url' }, /AUTH_JWKS_URL must be an http\(s\) URL/],
    [{ AUTH_JWKS_URL: 'http://auth:3000/.well-known/jwks.json' }, /AUTH_JWKS_URL is set, but this process hosts the auth module itself/],
    [{ LOGISYNAPSE_MODULES: 'shipments,tenancy,auth,authorization,carriers', DATABASE_URL: 'postgres://app@db/x' }, /the shipments and workflow-orchestrator modules in different processes need Temporal \(TEMPORAL_ADDRESS\)/],
    [{ LOGISYNAPSE_MODULES: 'workflow-orchestrator,carriers,tenancy', DATABASE_URL: 'postgres://app@db/x' }, /need Temporal \(TEMPORAL_ADDRESS\)/],
    [{ PLATFORM_ADMIN_CLIENT_ID: 'admin' }, /must be set together/],
    [{ PLATFORM_ADMIN_CLIENT_ID: 'admin', PLATFORM_ADMIN_CLIENT_SECRET: 'short' }, /at least 16/],
    [{ LOGISYNAPSE_KEY_ENCRYPTION_KEY: 'correct horse battery staple' }, /LOGISYNAPSE_KEY_ENCRYPTION_KEY must be 32 bytes/],
    [{ LOGISYNAPSE_KEY_ENCRYPTION_KEY: 'ab'.repeat(31) }, /LOGISYNAPSE_KEY_ENCRYPTION_KEY must be 32 bytes/],
    [{ LOGISYNAPSE_KEY_ENCRYPTION_KEY: Buffer.alloc(24, 1).toString('base64') }, /LOGISYNAPSE_KEY_ENCRYPTION_KEY must be 32 bytes/],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/x' }, /LOGISYNAPSE_KEY_ENCRYPTION_KEY is required with DATABASE_URL/],
    [{ DATABASE_URL: 'postgres://app@db/x' }, /LOGISYNAPSE_KEY_ENCRYPTION_KEY is required with DATABASE_URL/],
  ])('fails fast on %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadConfig: key-encryption key', () => {
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 200));
  it.each([
    ['hex', key.toString('hex')],
    ['base64', key.toString('base64')],
    ['base64url', key.toString('base64url')],
  ])('reads 32 bytes given as %s', (_form, value) => {
    expect(loadConfig({ LOGISYNAPSE_KEY_ENCRYPTION_KEY: value }).auth.keyEncryptionKey).toEqual(key);
  });

  it('is generated into the data directory when unset (null here) on the embedded database, production too', () => {
    expect(loadConfig({}).auth.keyEncryptionKey).toBeNull();
    expect(loadConfig({ NODE_ENV: 'production' }).auth.keyEncryptionKey).toBeNull();
  });
});

describe('loadConfig: split deployment', () => {
  it('hosts a subset when its in-process needs are met, reaching shipments over gRPC', () => {
    const edge = loadConfig({
      LOGISYNAPSE_MODULES: 'gateway, auth, tenancy, authorization, communications, carriers',
      SHIPMENTS_GRPC_URL: 'shipments-core:50051',
      DATABASE_URL: 'postgres://app@db/x', LOGISYNAPSE_KEY_ENCRYPTION_KEY: KEK,
    });
    expect(edge.modules).toEqual(['gateway', 'auth', 'tenancy', 'authorization', 'communications', 'carriers']);
    expect(edge.grpcClients).toEqual({ auth: null, authorization: null, shipments: 'shipments-core:50051', communications: null });
    expect(edge.auth.jwksUrl).toBeNull();
    const core = loadConfig({ LOGISYNAPSE_MODULES: 'shipments,workflow-orchestrator,carriers,auth,tenancy,authorization', DATABASE_URL: 'postgres://app@db/x', LOGISYNAPSE_KEY_ENCRYPTION_KEY: KEK });
    expect(core.modules).not.toContain('gateway');
    expect(core.grpcClients).toEqual({ auth: null, authorization: null, shipments: null, communications: null });
  });

  it('reaches communications over gRPC too: the gateway alone, one module per process', () => {
    const gateway = loadConfig({
      LOGISYNAPSE_MODULES: 'gateway,auth,tenancy,authorization',
      SHIPMENTS_GRPC_URL: 'core:50051',
      COMMUNICATIONS_GRPC_URL: 'dns:///communications:50051',
      DATABASE_URL: 'postgres://app@db/x', LOGISYNAPSE_KEY_ENCRYPTION_KEY: KEK,
    });
    expect(gateway.grpcClients).toEqual({ auth: null, authorization: null, shipments: 'core:50051', communications: 'dns:///communications:50051' });
    // and the policy and the auth module: the gateway alone asks them over gRPC, and verifies tokens with auth's JWKS
    const aloneEnv = {
      LOGISYNAPSE_MODULES: 'gateway,tenancy',
      AUTH_GRPC_URL: 'auth:50051',
      AUTH_JWKS_URL: 'http://auth:3000/.well-known/jwks.json',
      AUTHORIZATION_GRPC_URL: 'authorization:50051',
      SHIPMENTS_GRPC_URL: 'core:50051',
      COMMUNICATIONS_GRPC_URL: 'communications:50051',
      DATABASE_URL: 'postgres://app@db/x', LOGISYNAPSE_KEY_ENCRYPTION_KEY: KEK,
    };
    const alone = loadConfig(aloneEnv);
    expect(alone.grpcClients).toEqual({ auth: 'auth:50051', authorization: 'authorization:50051', shipments: 'core:50051', communications: 'communications:50051' });
    expect(alone.auth.jwksUrl).toBe('http://auth:3000/.well-known/jwks.json');
    const without = (name: string) => Object.fromEntries(Object.entries(aloneEnv).filter(([key]) => key !== name));
    expect(() => loadConfig(without('AUTHORIZATION_GRPC_URL'))).toThrow(/the gateway without the authorization module needs AUTHORIZATION_GRPC_URL/);
    expect(() => loadConfig(without('AUTH_GRPC_URL'))).toThrow(/the gateway without the auth module needs AUTH_GRPC_URL/);
    expect(() => loadConfig(without('AUTH_JWKS_URL'))).toThrow(/the gateway without the auth module need AUTH_JWKS_URL/);
    expect(() => loadConfig({ AUTHORIZATION_GRPC_URL: 'authorization:50051' })).toThrow(/AUTHORIZATION_GRPC_URL is set, but this process hosts the authorization module itself/);
    const communications = loadConfig({ LOGISYNAPSE_MODULES: 'communications,tenancy,auth,authorization', DATABASE_URL: 'postgres://app@db/x', LOGISYNAPSE_KEY_ENCRYPTION_KEY: KEK });
    expect(communications.modules).toEqual(['communications', 'tenancy', 'auth', 'authorization']);
  });

  it('hosts everything in-process by default', () => {
    expect(loadConfig({}).grpcClients).toEqual({ auth: null, authorization: null, shipments: null, communications: null });
    expect(loadConfig({}).auth.jwksUrl).toBeNull();
  });
});

describe('loadConfig: real servers', () => {
  it('selects the real adapters by their settings', () => {
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9092', AMQP_URL: 'amqp://x', TEMPORAL_ADDRESS: '127.0.0.1:7233' });
    expect(config.adapters.eventLog).toEqual({ kind: 'kafka', brokers: ['127.0.0.1:9092', 'kafka-2:9092'], topicPrefix: '' });
    expect(config.adapters.taskQueue).toEqual({ kind: 'rabbitmq', url: 'amqp://x', queuePrefix: '' });
    expect(config.adapters.workflowEngine).toEqual({
      kind: 'temporal', address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'logisynapse-shipments', metricsPort: null, isolateTimeoutMs: null,
    });
    const shippo = loadConfig({ SHIPPO_API_KEY: 'shippo_test_x' }).adapters.carrier;
    expect(shippo).toEqual({ kind: 'shippo', apiKey: 'shippo_test_x', baseUrl: 'https://api.goshippo.com' });
  });

  it('reads the three database roles, and refuses a role URL without DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db/x', LOGISYNAPSE_KEY_ENCRYPTION_KEY: KEK, DATABASE_OWNER_URL: 'postgres://owner@db/x', DATABASE_ENGINE_URL: 'postgres://engine@db/x' });
    expect(config.adapters.database).toEqual({ kind: 'postgres', url: 'postgres://app@db/x', ownerUrl: 'postgres://owner@db/x', engineUrl: 'postgres://engine@db/x' });
    expect(() => loadConfig({ DATABASE_ENGINE_URL: 'postgres://engine@db/x' })).toThrow(/DATABASE_ENGINE_URL needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_OWNER_URL: 'postgres://owner@db/x' })).toThrow(/DATABASE_OWNER_URL needs DATABASE_URL/);
  });

  it('calls into the workflow sandbox without a time limit unless TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS sets one', () => {
    const temporal = (value?: string) => loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', ...(value === undefined ? {} : { TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS: value }) }).adapters.workflowEngine;
    expect(temporal()).toMatchObject({ kind: 'temporal', isolateTimeoutMs: null });
    expect(temporal('off')).toMatchObject({ isolateTimeoutMs: null });
    expect(temporal('5000')).toMatchObject({ isolateTimeoutMs: 5000 });
    expect(() => temporal('0')).toThrow(/TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS must be an integer between 1 and 600000, got "0"/);
    expect(() => temporal('5s')).toThrow(ConfigError);
  });

  it('refuses SMTP_URL: this build has no SMTP adapter, and emails must not silently go to the log', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail:25' })).toThrow(/SMTP_URL is set but this build has no SMTP adapter yet/);
  });

  it('rejects a malformed broker list', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'http://broker' })).toThrow(/KAFKA_BROKERS/);
  });
});

describe('loadConfig: authorization engine', () => {
  it('uses CASL by default and OPA when OPA_URL is set', () => {
    expect(loadConfig({}).adapters.policyEngine).toEqual({ kind: 'casl' });
    expect(loadConfig({ OPA_URL: 'http://127.0.0.1:8181' }).adapters.policyEngine).toEqual({ kind: 'opa', url: 'http://127.0.0.1:8181' });
  });

  it('lets AUTHORIZATION_ENGINE choose CASL even when OPA_URL is set', () => {
    expect(loadConfig({ OPA_URL: 'http://opa:8181', AUTHORIZATION_ENGINE: 'casl' }).adapters.policyEngine).toEqual({ kind: 'casl' });
    expect(loadConfig({ AUTHORIZATION_ENGINE: 'casl' }).adapters.policyEngine.kind).toBe('casl');
  });

  it('refuses opa without OPA_URL, an unknown engine and a malformed OPA_URL', () => {
    expect(() => loadConfig({ AUTHORIZATION_ENGINE: 'opa' })).toThrow(/AUTHORIZATION_ENGINE=opa needs OPA_URL/);
    expect(() => loadConfig({ AUTHORIZATION_ENGINE: 'cedar', OPA_URL: 'http://opa:8181' })).toThrow(/AUTHORIZATION_ENGINE must be casl or opa/);
    expect(() => loadConfig({ OPA_URL: 'opa:8181' })).toThrow(/OPA_URL must be an http\(s\) URL/);
  });
});

describe('loadConfig: GraphQL introspection and playground', () => {
  it('turns both on outside production and off in production', () => {
    expect(loadConfig({}).graphql).toEqual({ introspection: true, playground: true });
    expect(loadConfig({ NODE_ENV: 'test' }).graphql).toEqual({ introspection: true, playground: true });
    expect(loadConfig({ NODE_ENV: 'production' }).graphql).toEqual({ introspection: false, playground: false });
  });

  it('lets each be chosen; production with introspection asked for still serves no playground unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).graphql).toEqual({ introspection: true, playground: false });
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', GRAPHQL_PLAYGROUND: 'TRUE' }).graphql).toEqual({ introspection: true, playground: true });
    expect(loadConfig({ GRAPHQL_PLAYGROUND: 'false' }).graphql).toEqual({ introspection: true, playground: false });
    // Without introspection, the playground is off by default outside production too.
    expect(loadConfig({ GRAPHQL_INTROSPECTION: '0' }).graphql).toEqual({ introspection: false, playground: false });
  });

  it('refuses a playground without introspection and a value that is not a boolean', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', GRAPHQL_PLAYGROUND: 'true' })).toThrow(/GRAPHQL_PLAYGROUND=true needs GRAPHQL_INTROSPECTION=true/);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'false', GRAPHQL_PLAYGROUND: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'yes' })).toThrow(/GRAPHQL_INTROSPECTION must be true or false, got "yes"/);
  });
});

describe('loadConfig: METRICS_PORT', () => {
  it('serves /metrics on 9464 by default, on the port asked for, or not at all with off', () => {
    expect(loadConfig({}).metrics.port).toBe(9464);
    expect(loadConfig({ METRICS_PORT: '0' }).metrics.port).toBe(0);
    expect(loadConfig({ METRICS_PORT: 'OFF' }).metrics.port).toBeNull();
  });

  it('refuses a value that is not a port', () => {
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT must be an integer between 0 and 65535, got "70000"/);
    expect(() => loadConfig({ METRICS_PORT: 'yes' })).toThrow(ConfigError);
  });
});

describe('loadConfig: METRICS_TENANT_LABELS', () => {
  const a = '0b9f3c1e-58a4-4c57-9d0e-5d1f2a3b4c5d';
  const b = 'f2f0e5f4-0000-4000-8000-000000000001';

  it('labels no tenant by default', () => {
    expect(loadConfig({}).metrics.tenantLabels).toEqual([]);
    expect(loadConfig({ METRICS_TENANT_LABELS: '  ' }).metrics.tenantLabels).toEqual([]);
  });

  it('takes tenant ids, comma-separated, lower-cased and without repeats', () => {
    expect(loadConfig({ METRICS_TENANT_LABELS: ` ${a.toUpperCase()}, ${b},${a} ` }).metrics.tenantLabels).toEqual([a, b]);
  });

  it('refuses what is not a tenant id, and more tenants than it allows', () => {
    expect(() => loadConfig({ METRICS_TENANT_LABELS: `${a},acme` })).toThrow(/METRICS_TENANT_LABELS must be tenant ids \(UUIDs\), comma-separated, got "acme"/);
    expect(() => loadConfig({ METRICS_TENANT_LABELS: `${a}\u0000` })).toThrow(ConfigError);
    const many = Array.from({ length: MAX_TENANT_LABELS + 1 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(() => loadConfig({ METRICS_TENANT_LABELS: many.join(',') })).toThrow(/at most 50 tenants, got 51/);
  });
});

describe('loadConfig: AMQP_QUEUE_PREFIX', () => {
  it('is empty by default, taken as given, and refused with other characters or RabbitMQ reserved names', () => {
    expect(loadConfig({ AMQP_URL: 'amqp://x' }).adapters.taskQueue).toMatchObject({ queuePrefix: '' });
    expect(loadConfig({ AMQP_URL: 'amqp://x', AMQP_QUEUE_PREFIX: 'staging.' }).adapters.taskQueue).toMatchObject({ queuePrefix: 'staging.' });
    expect(() => loadConfig({ AMQP_QUEUE_PREFIX: 'a b' })).toThrow(/AMQP_QUEUE_PREFIX may hold letters/);
    expect(() => loadConfig({ AMQP_QUEUE_PREFIX: 'amq.x.' })).toThrow(/reserves/);
  });
});
