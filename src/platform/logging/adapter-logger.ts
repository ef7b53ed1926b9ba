import { Logger } from '@nestjs/common';

/** The plain-string logger the messaging adapters take (info, warn, error), over a Nest `Logger` named `name`. */
export interface AdapterLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function adapterLogger(name: string): AdapterLogger {
  const log = new Logger(name);
  return { info: (m: string) => log.log(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };
}
