import { Logger } from '@nestjs/common';
import { adapterLogger } from './adapter-logger';

describe('adapterLogger', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes info, warn and error through a Nest Logger of that name', () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const logger = adapterLogger('Kafka');
    logger.info('connected');
    logger.warn('slow');
    logger.error('down');
    expect(log).toHaveBeenCalledWith('connected');
    expect(warn).toHaveBeenCalledWith('slow');
    expect(error).toHaveBeenCalledWith('down');
    expect((log.mock.contexts[0] as { context?: string }).context).toBe('Kafka');
  });
});
