import { reachableHost, startBanner } from './start-banner';

describe('start banner', () => {
  const input = {
    modules: ['gateway', 'auth'],
    allModules: true,
    httpBase: 'http://localhost:3000',
    graphql: true,
    playground: true,
    tokenEndpoint: true,
    grpc: { address: 'localhost:50051', services: ['ShipmentService', 'AuthorizationService'] },
    adapters: ['database: pglite (/x/pglite); migrations applied: A1, B2, C3', 'carrier: sandbox'],
    credentials: { file: '/work/app/.data/demo-credentials.json', clientId: 'cli_1', clientSecret: 'sec_2' },
    cwd: '/work/app',
  };

  it('names the URLs, the adapters, the credentials file and the curl line that gets a token', () => {
    expect(startBanner(input)).toBe(
      [
        '',
        '  Logisynapse is ready (all modules)',
        '',
        '  GraphQL      http://localhost:3000/graphql (POST; open it in a browser for the playground)',
        '  gRPC         localhost:50051 (ShipmentService, AuthorizationService; reflection, grpc.health.v1.Health)',
        '  health       http://localhost:3000/health/ready',
        '  adapters     database: pglite (/x/pglite); 3 migrations applied',
        '               carrier: sandbox',
        '  credentials  .data/demo-credentials.json',
        '  a token      curl -s -X POST http://localhost:3000/oauth/token -d grant_type=client_credentials -d client_id=cli_1 -d client_secret=sec_2',
        '',
      ].join('\n') + '\n',
    );
  });

  it('leaves out what this process does not serve, and names its modules when not all', () => {
    const banner = startBanner({ ...input, allModules: false, graphql: false, grpc: null, tokenEndpoint: false, credentials: null, cwd: '/elsewhere' });
    expect(banner).toContain('(modules: gateway, auth)');
    expect(banner).not.toMatch(/GraphQL|gRPC|credentials|curl/);
    expect(banner).toContain('health    http://localhost:3000/health/ready');
  });

  it('names the playground only when it is served (not in production unless asked for)', () => {
    expect(startBanner({ ...input, playground: false })).toContain('  GraphQL      http://localhost:3000/graphql (POST)\n');
  });

  it('shows a file outside the working directory by its absolute path', () => {
    expect(startBanner({ ...input, cwd: '/elsewhere' })).toContain('credentials  /work/app/.data/demo-credentials.json');
  });

  it('names localhost for a server listening on every interface', () => {
    expect(['0.0.0.0', '::', '127.0.0.1'].map(reachableHost)).toEqual(['localhost', 'localhost', '127.0.0.1']);
  });
});
