import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MODULES = join(ROOT, 'src', 'modules');

/** Every file under `dir`, as paths relative to it, with their contents. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** The generated types of every module's protos, as `npm run generate:grpc` writes them under `root`. */
function generatedUnder(root: string): Map<string, string> {
  const all = new Map<string, string>();
  for (const module of readdirSync(MODULES)) {
    const dir = join(root, 'src', 'modules', module, 'api', 'grpc', 'generated');
    try {
      for (const [path, text] of filesUnder(dir)) all.set(join(module, path), text);
    } catch {
      // this module has no proto
    }
  }
  return all;
}

/** The gRPC message types (api/grpc/generated/, from proto-loader-gen-types) are those of today's .proto files. */
describe('generated gRPC types', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'grpc-types-'));
    execFileSync('bash', ['scripts/generate-grpc-types.sh', out], { cwd: ROOT, stdio: 'pipe' });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exist for every module with a .proto, and match what npm run generate:grpc makes of them now', () => {
    const fresh = generatedUnder(out);
    expect([...fresh.keys()].some((path) => path.startsWith('shipments/'))).toBe(true);
    const committed = generatedUnder(ROOT);
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [path, text] of fresh) expect({ path, text: committed.get(path) }).toEqual({ path, text });
  });

  it('would see a stale file (negative control: a field the proto does not have)', () => {
    const path = join(out, 'src', 'modules', 'shipments', 'api', 'grpc', 'generated', 'logisynapse', 'shipments', 'v1', 'Shipment.ts');
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n// 'stale'?: (string);\n`);
    expect(generatedUnder(out).get(join('shipments', 'logisynapse', 'shipments', 'v1', 'Shipment.ts'))).not.toEqual(generatedUnder(ROOT).get(join('shipments', 'logisynapse', 'shipments', 'v1', 'Shipment.ts')));
  });
});
