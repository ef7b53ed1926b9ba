import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import pinoPretty from 'pino-pretty';
import type { AppConfig } from '../config/app-config';
import { logFormatOf, type LogFormat } from './log-format';

/** Longer URLs (a GET with its whole GraphQL query) are cut in the request line. */
const MAX_LOGGED_URL = 200;

export function shortUrl(url: string | undefined): string {
  const value = url ?? '';
  return value.length > MAX_LOGGED_URL ? `${value.slice(0, MAX_LOGGED_URL)}…` : value;
}

interface RequestLine {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  reqId?: string;
  context?: string;
  msg?: string;
}

/** One terminal line per log: `[context] message`, a request as `POST /graphql 200 12 ms`. */
export function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const line = log as RequestLine;
  const message = String(log[messageKey] ?? '');
  const id = line.reqId ? ` (${line.reqId})` : '';
  if (line.req?.method && line.res?.statusCode !== undefined) {
    const outcome = message === 'request completed' ? '' : ` ${message}`;
    return `${line.req.method} ${line.req.url ?? ''} ${line.res.statusCode} ${line.responseTime ?? '?'} ms${outcome}${id}`;
  }
  return `${line.context ? `[${line.context}] ` : ''}${message}${id}`;
}

/** The pino-pretty stream of a terminal: synchronous, so the start banner follows the logs it sums up. */
export function prettyStream({ colorize = process.stdout.hasColors?.() ?? false, destination }: { colorize?: boolean; destination?: NodeJS.WritableStream } = {}) {
  return pinoPretty({
    sync: true,
    colorize,
    ...(destination ? { destination } : {}),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // Shown by prettyMessage, of no use on one's own terminal (pid, hostname), or in the banner (credentials).
    ignore: 'pid,hostname,context,reqId,req,res,responseTime,credentials,trace_id,span_id',
    messageFormat: prettyMessage,
  });
}

/**
 * The active span's ids, in OpenTelemetry's log field names, so a log store finds every line of
 * one trace (`trace_id`) and a trace links to its lines. Empty outside a span, or when no tracer
 * records (tracing off).
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/**
 * The app's pino-http options: a request id on every request (echoed as `x-request-id`), one
 * short line per request (id, method, URL, status, time; not its headers).
 */
export function pinoHttpOptions(config: Pick<AppConfig, 'logLevel'>) {
  return {
    level: config.logLevel,
    genReqId: (req: IncomingMessage, res: { setHeader(name: string, value: string): unknown }) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
    // Logs made while serving a request carry its id, not the whole request.
    quietReqLogger: true,
    // Every line made inside a span carries its trace and span ids.
    mixin: traceFields,
    // Headers (tokens among them) are never logged.
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: shortUrl(req.url) }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/** The app's logger: JSON, or readable lines, as logFormatOf chooses. */
export function loggerModule(config: AppConfig, format: LogFormat = logFormatOf(config)): DynamicModule {
  const options = pinoHttpOptions(config);
  return LoggerModule.forRoot({ pinoHttp: format === 'pretty' ? [options, prettyStream()] : options });
}
