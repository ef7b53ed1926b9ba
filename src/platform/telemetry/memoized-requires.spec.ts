import Module from 'node:module';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { memoizeRequires } from './memoized-requires';

/** Node's own Module: under Jest, `node:module` is a subclass of it (and its `require` is Jest's registry). */
const NodeModule = (Object.hasOwn(Module.prototype, 'require') ? Module : Object.getPrototypeOf(Module)) as typeof Module;

/** Node's own `require`, from `from`. */
function nodeRequire(from: string): (id: string) => unknown {
  const parent = new NodeModule(from);
  parent.filename = from;
  parent.paths = (NodeModule as unknown as { _nodeModulePaths: (dir: string) => string[] })._nodeModulePaths(dirname(from));
  return (id) => parent.require(id);
}

describe('memoizeRequires', () => {
  // A package and a module that requires it lazily, on every call (as DBOS's traces.js does),
  // loaded by Node's own loader (not Jest's registry), as in the app.
  const dir = mkdtempSync(join(tmpdir(), 'memoized-requires-'));
  mkdirSync(join(dir, 'node_modules', 'lazy-dep'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'lazy-dep', 'index.js'), 'exports.marker = {};\n');
  const lazy = join(dir, 'lazy.js');
  writeFileSync(lazy, "exports.dep = () => require('lazy-dep');\nexports.other = () => require('node:path');\n");
  const load = nodeRequire(lazy);
  const loaded = load(lazy) as { dep: () => { marker: object }; other: () => unknown };
  const prototype = NodeModule.prototype as unknown as { require: (id: string) => unknown };
  const original = prototype.require;
  const calls: string[] = [];

  beforeEach(() => {
    calls.length = 0;
    prototype.require = function (this: unknown, id: string) {
      calls.push(id);
      return original.call(this, id);
    };
  });
  afterEach(() => {
    prototype.require = original;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers the listed ids without going through require again, with the same exports; other ids as before', () => {
    // the control: each call resolves the package again through Module#require (hooked in the app)
    const before = loaded.dep();
    loaded.dep();
    expect(calls.filter((id) => id === 'lazy-dep')).toHaveLength(2);

    const path = load('node:path');
    expect(memoizeRequires(lazy, ['lazy-dep'])).toBe(true);
    calls.length = 0;
    for (let i = 0; i < 3; i += 1) expect(loaded.dep()).toBe(before);
    expect(calls).toEqual([]);
    expect(loaded.other()).toBe(path);
    expect(calls).toEqual(['node:path']);
  });

  it('does nothing for a module that is not loaded', () => {
    expect(memoizeRequires(join(dir, 'never-loaded.js'), ['lazy-dep'])).toBe(false);
  });
});
