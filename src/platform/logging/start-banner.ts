import { relative, isAbsolute } from 'node:path';

export interface StartBannerInput {
  /** The modules this process hosts, and whether that is all of them. */
  modules: readonly string[];
  allModules: boolean;
  /** `http://localhost:3000` */
  httpBase: string;
  graphql: boolean;
  /** Whether GET /graphql serves the GraphiQL playground (off in production unless asked for). */
  playground?: boolean;
  /** POST /oauth/token (the auth module). */
  tokenEndpoint: boolean;
  grpc: { address: string; services: readonly string[] } | null;
  /** Where GET /metrics answers, when it is served. */
  metrics?: string | null;
  adapters: readonly string[];
  /** The demo client, when this data directory has its file. */
  credentials: { file: string; clientId: string; clientSecret: string } | null;
  cwd?: string;
}

/** Where a listener on `host` is reached from this machine. */
export function reachableHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * What a person who just ran `npm start` needs, in the last lines on their terminal: where each
 * API answers, which adapters are in use, where the credentials are, and how to get a token.
 */
export function startBanner(input: StartBannerInput): string {
  const rows: [string, string][] = [];
  if (input.graphql) rows.push(['GraphQL', `${input.httpBase}/graphql (POST${input.playground ? '; open it in a browser for the playground' : ''})`]);
  if (input.grpc) rows.push(['gRPC', `${input.grpc.address} (${input.grpc.services.join(', ')}; reflection, grpc.health.v1.Health)`]);
  rows.push(['health', `${input.httpBase}/health/ready`]);
  if (input.metrics) rows.push(['metrics', `${input.metrics} (Prometheus)`]);
  // The migrations a first start applied are counted here; the log line names them.
  const adapters = input.adapters.map((a) => a.replace(/; migrations applied: (.+)$/, (_, list: string) => `; ${list.split(', ').length} migrations applied`));
  adapters.forEach((adapter, i) => rows.push([i === 0 ? 'adapters' : '', adapter]));
  if (input.credentials) {
    const { file, clientId, clientSecret } = input.credentials;
    rows.push(['credentials', shown(file, input.cwd ?? process.cwd())]);
    if (input.tokenEndpoint) {
      rows.push([
        'a token',
        `curl -s -X POST ${input.httpBase}/oauth/token -d grant_type=client_credentials -d client_id=${clientId} -d client_secret=${clientSecret}`,
      ]);
    }
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const modules = input.allModules ? 'all modules' : `modules: ${input.modules.join(', ')}`;
  return ['', `  Logisynapse is ready (${modules})`, '', ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`), ''].join('\n') + '\n';
}
