import type { AppConfig } from '../config/app-config';

export type LogFormat = 'json' | 'pretty';

/**
 * Human-readable lines for a person at a terminal, JSON for everything else: a pipe, a file,
 * a log collector, production. LOG_FORMAT=json|pretty overrides the guess.
 */
export function chooseLogFormat(setting: AppConfig['logFormat'], environment: AppConfig['environment'], stdoutIsTTY: boolean): LogFormat {
  if (setting !== 'auto') return setting;
  return stdoutIsTTY && environment !== 'production' ? 'pretty' : 'json';
}

/** The format of this process's logs (stdout is where pino writes). */
export function logFormatOf(config: AppConfig): LogFormat {
  return chooseLogFormat(config.logFormat, config.environment, process.stdout.isTTY === true);
}
