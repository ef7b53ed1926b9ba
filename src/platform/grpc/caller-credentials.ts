import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The verified bearer token of the request being served, so that a call to a module in another
 * process carries the caller's own token (which that module verifies itself) rather than a
 * tenant id or a service identity it would have to trust.
 */
const storage = new AsyncLocalStorage<{ bearerToken: string }>();

export class MissingCallerCredentialsError extends Error {
  override readonly name = 'MissingCallerCredentialsError';
  constructor() {
    super('No caller token in context: a call to another module can only be made while serving an authenticated request');
  }
}

export const CallerCredentials = {
  /** Runs `fn` with `bearerToken` as the caller's token; set only after the token is verified. */
  run<T>(bearerToken: string, fn: () => T): T {
    return storage.run({ bearerToken }, fn);
  },
  /** The caller's token; throws when there is none (fails closed). */
  requireBearerToken(): string {
    const store = storage.getStore();
    if (!store) throw new MissingCallerCredentialsError();
    return store.bearerToken;
  },
};
