import { loadConfig } from '../config/app-config';
import { chooseLogFormat } from './log-format';

describe('log format', () => {
  it.each([
    // setting, environment, stdout is a terminal, format
    ['auto', 'development', true, 'pretty'],
    ['auto', 'test', true, 'pretty'],
    ['auto', 'development', false, 'json'],
    ['auto', 'production', true, 'json'],
    ['auto', 'production', false, 'json'],
    ['json', 'development', true, 'json'],
    ['pretty', 'development', false, 'pretty'],
    ['pretty', 'production', false, 'pretty'],
  ] as const)('LOG_FORMAT=%s, NODE_ENV=%s, terminal %s: %s', (setting, environment, tty, format) => {
    expect(chooseLogFormat(setting, environment, tty)).toBe(format);
  });

  it('reads LOG_FORMAT and LOG_LEVEL, and refuses other values by name', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow('LOG_FORMAT must be one of auto, json, pretty, got "text"');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
  });
});
