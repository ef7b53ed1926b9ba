import type { AppProcess } from './app-process';
import { eventually } from './poll';

/** The last `request completed` line of a POST /graphql that carries a trace id, once the app has logged it. */
export function tracedGraphqlRequestLine(app: AppProcess): Promise<Record<string, unknown>> {
  return eventually(
    'the request line of POST /graphql with a trace id',
    async () =>
      app
        .jsonLogs()
        .filter((l) => (l.req as { url?: string } | undefined)?.url === '/graphql' && l.msg === 'request completed' && typeof l.trace_id === 'string')
        .at(-1),
    { timeoutMs: 10_000, intervalMs: 100 },
  );
}
