import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import pinoHttp from 'pino-http';
import { pinoHttpOptions, prettyMessage, prettyStream } from './logger.module';

function memory(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe('request log lines', () => {
  let server: Server;
  let lines: string[];

  beforeAll(async () => {
    const out = memory();
    lines = out.lines;
    const log = pinoHttp(pinoHttpOptions({ logLevel: 'info' }), out.stream);
    server = createServer((req, res) => {
      log(req, res);
      req.log.info('inside the request');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('are one short line with the request id, method, URL, status and time, and no header', async () => {
    const { port } = server.address() as AddressInfo;
    const headers = { authorization: `Bearer ${'x'.repeat(600)}`, 'x-request-id': 'req-42', 'user-agent': 'a'.repeat(300) };
    const res = await fetch(`http://127.0.0.1:${port}/graphql?q=${'y'.repeat(500)}`, { headers });
    expect(res.headers.get('x-request-id')).toBe('req-42');
    await res.text();
    const completed = await (async () => {
      for (let i = 0; i < 50 && !lines.some((l) => l.includes('request completed')); i++) await new Promise((r) => setImmediate(r));
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request completed');
    })();
    expect(completed).toMatchObject({ reqId: 'req-42', req: { method: 'GET' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
    expect(Object.keys(completed!.req as object)).toEqual(['method', 'url']);
    expect(String((completed!.req as { url: string }).url)).toMatch(/^\/graphql\?q=y+…$/);
    for (const line of lines) {
      expect(line.length).toBeLessThan(400);
      expect(line).not.toContain('xxxx');
      expect(line).not.toContain('aaaa');
    }
    // A log made while serving the request carries its id, not the request.
    const inside = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'inside the request');
    expect(inside).toMatchObject({ reqId: 'req-42' });
    expect(inside).not.toHaveProperty('req');
  });
});

describe('readable lines (a terminal)', () => {
  it('show a request as method, URL, status, time and id', () => {
    const line = { reqId: 'r1', req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 }, responseTime: 12, msg: 'request completed' };
    expect(prettyMessage(line, 'msg')).toBe('POST /graphql 200 12 ms (r1)');
    expect(prettyMessage({ ...line, res: { statusCode: 500 }, msg: 'request errored' }, 'msg')).toBe('POST /graphql 500 12 ms request errored (r1)');
  });

  it('show the context, the message and the fields on one line, not pid, hostname or credentials', () => {
    const out = memory();
    const logger = pino({ level: 'info' }, prettyStream({ colorize: false, destination: out.stream }));
    logger.info({ context: 'Email', to: 'hippo@example.com', credentials: { clientSecret: 'sec_1' } }, 'email sent');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Email\] email sent \{"to":"hippo@example.com"\}$/);
  });
});


describe('trace ids in log lines', () => {
  it('a line made inside a span carries its trace_id and span_id; one outside carries none', async () => {
    const { context, trace } = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const { TracerProvider } = await import('@opentelemetry/sdk-trace');
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const out = memory();
      const logger = pino({ mixin: pinoHttpOptions({ logLevel: 'info' }).mixin }, out.stream);
      const span = new TracerProvider().getTracer('test').startSpan('work');
      context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
      span.end();
      logger.info('outside');
      const [inside, outside] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(inside).toMatchObject({ msg: 'inside', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      expect(inside!.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(outside).not.toHaveProperty('trace_id');
    } finally {
      context.disable();
    }
  });
});
