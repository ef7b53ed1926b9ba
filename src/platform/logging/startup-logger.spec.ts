import type { LoggerService } from '@nestjs/common';
import { StartupLogger } from './startup-logger';

function recorder(): LoggerService & { calls: [string, unknown, ...unknown[]][] } {
  const calls: [string, unknown, ...unknown[]][] = [];
  const at = (level: string) => (message: unknown, ...params: unknown[]) => void calls.push([level, message, ...params]);
  return { calls, log: at('info'), error: at('error'), warn: at('warn'), debug: at('debug'), verbose: at('verbose'), fatal: at('fatal') };
}

describe('start-up logger', () => {
  it("keeps Nest's start-up lines at debug", () => {
    const inner = recorder();
    const logger = new StartupLogger(inner, 'json');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/graphql, POST} route', 'GraphQLModule');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('email sent', 'Email');
    logger.warn('careful', 'Email');
    expect(inner.calls).toEqual([
      ['debug', 'AppModule dependencies initialized', 'InstanceLoader'],
      ['debug', 'Mapped {/graphql, POST} route', 'GraphQLModule'],
      ['debug', 'Nest application successfully started', 'NestApplication'],
      ['info', 'email sent', 'Email'],
      ['warn', 'careful', 'Email'],
    ]);
  });

  it('collects the adapters; in JSON they stay info lines, on a terminal the banner shows them', () => {
    const json = recorder();
    const jsonLogger = new StartupLogger(json, 'json');
    jsonLogger.log('carrier: sandbox', 'Ports');
    expect(jsonLogger.adapters).toEqual(['carrier: sandbox']);
    expect(json.calls).toEqual([['info', 'carrier: sandbox', 'Ports']]);

    const pretty = recorder();
    const prettyLogger = new StartupLogger(pretty, 'pretty');
    prettyLogger.log('carrier: sandbox', 'Ports');
    expect(prettyLogger.adapters).toEqual(['carrier: sandbox']);
    expect(pretty.calls).toEqual([['debug', 'carrier: sandbox', 'Ports']]);
  });
});
