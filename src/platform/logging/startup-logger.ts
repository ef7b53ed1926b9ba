import type { LoggerService } from '@nestjs/common';
import type { LogFormat } from './log-format';

/**
 * Nest's own start-up lines (each module initialized, each route mapped, "starting",
 * "started"): about thirty lines that say nothing the "ready" line does not. They stay at debug.
 */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'NestMicroservice']);
const FRAMEWORK_MESSAGE = /^Mapped \{.*\} route$/;

/** The context Nest's Logger passes last; a string. */
function contextOf(params: unknown[]): string | undefined {
  const last = params.at(-1);
  return typeof last === 'string' ? last : undefined;
}

/**
 * The app's logger during and after start: Nest's start-up chatter goes to debug, and the
 * adapter each port uses (the `Ports` lines) is kept for the start banner. On a terminal the
 * banner lists them, so they go to debug there too; in JSON they stay info lines.
 */
export class StartupLogger implements LoggerService {
  readonly adapters: string[] = [];

  constructor(
    private readonly inner: LoggerService,
    private readonly format: LogFormat,
  ) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    const framework = (context !== undefined && FRAMEWORK_CONTEXTS.has(context)) || (typeof message === 'string' && FRAMEWORK_MESSAGE.test(message));
    if (context === 'Ports' && typeof message === 'string') this.adapters.push(message);
    if (framework || (context === 'Ports' && this.format === 'pretty')) this.debug(message, ...params);
    else this.inner.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.inner.fatal?.(message, ...params);
  }
}
