import Module from 'node:module';

/** Node's module cache (what every `require.cache` is), so Node's own loader is used in any runner. */
const moduleCache = (Module as unknown as { _cache: NodeJS.Dict<NodeJS.Module> })._cache;
type RequireMethod = (this: NodeJS.Module, id: string) => unknown;

/**
 * Makes the `require(id)` calls that an already loaded CommonJS module makes at run time cost a
 * map look-up: for each of `ids`, the module's own `require` answers the exports it resolved
 * once, here; any other id goes through the usual `require`. Nothing changes but the cost: the
 * same module, from the same cache, is answered.
 *
 * Why: DBOS Transact calls `require('@opentelemetry/api')` and `require('@opentelemetry/core')`
 * inside every span start and end (`telemetry/traces.js`). Once the SDK's instrumentations are
 * on, `require` is require-in-the-middle's hook, which resolves the id again on each call
 * (package.json reads, file stats): about 1.5 ms of the main thread per GraphQL createShipment
 * on the embedded engine (ADR 0045). A module's local `require` calls its `Module#require`,
 * which is what this sets, on that one module only.
 *
 * Answers whether the module was loaded (nothing is done otherwise).
 */
export function memoizeRequires(filename: string, ids: readonly string[]): boolean {
  const loaded = moduleCache[filename];
  if (!loaded) return false;
  // Any other id: the module's own `require` if something set one, else the prototype's as it is
  // at the call (an instrumentation may hook or unhook it later).
  const own = Object.hasOwn(loaded, 'require') ? (loaded.require as unknown as RequireMethod) : null;
  const fallback = function (this: NodeJS.Module, id: string): unknown {
    return (own ?? (Module.prototype.require as RequireMethod)).call(this, id);
  };
  const answers = new Map<string, unknown>(ids.map((id) => [id, fallback.call(loaded, id)]));
  const memoized = function (this: NodeJS.Module, id: string): unknown {
    return answers.has(id) ? answers.get(id) : fallback.call(this, id);
  };
  loaded.require = memoized as unknown as NodeJS.Require;
  return true;
}
