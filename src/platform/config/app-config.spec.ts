import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has working defaults for a laptop', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ environment: 'development', port: 3000, grpcPort: 50051, modules: expect.arrayContaining(['shipments']) });
    expect(config.database.url).toBeNull();
    expect(config.carrier.sandboxJourneyStepMs).toBe(10_000);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ CARRIER_SANDBOX_FAILURE_RATE: '1.5' }, /CARRIER_SANDBOX_FAILURE_RATE must be a number between 0 and 1/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ LOGISYNAPSE_MODULES: 'shipments,warehouse' }, /unknown module "warehouse"/],
    [{ LOGISYNAPSE_MODULES: 'shipments' }, /subset/],
    [{ PLATFORM_ADMIN_CLIENT_ID: 'admin' }, /must be set together/],
    [{ PLATFORM_ADMIN_CLIENT_ID: 'admin', PLATFORM_ADMIN_CLIENT_SECRET: 'short' }, /at least 16/],
  ])('fails fast on %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
