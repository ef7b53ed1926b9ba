import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppProcess } from '../support/app-process';
import { REQUIRE_INFRA_VARIABLE } from '../support/embedded-postgres';
import { eventually } from '../support/poll';
import { freePort } from '../support/ports';
import { GRPCURL_INSTALL, grpcurlDirectory, readme, readmeBashBlocks, runBlock, type BlockRun, type ReadmeBlock } from '../support/readme-blocks';

const ROOT = join(__dirname, '..', '..');
const SECTIONS = ['Try it', 'Authorization'] as const;

/**
 * What each README block answers, as the README says it; a block with no entry here fails the
 * test, so a command added to the README is run and checked too.
 */
const EXPECTATIONS: { block: RegExp; poll?: boolean; check: (run: BlockRun, vars: { shipment: () => string }) => boolean }[] = [
  {
    // The answer is immediate, with status PENDING.
    block: /createShipment\(input: \$i\)/,
    check: ({ stdout }) => {
      const answer = JSON.parse(stdout) as { data?: { createShipment?: { id: string; status: string; workflowId: string } } };
      expect(answer.data?.createShipment).toMatchObject({ status: 'PENDING', workflowId: `shipment-${answer.data?.createShipment?.id}` });
      return true;
    },
  },
  {
    // Within a moment it is LABEL_CREATED with one welcome notification.
    block: /shipment\(id: \$id\)/,
    poll: true,
    check: ({ stdout }) => {
      const { data } = JSON.parse(stdout) as { data: { shipment: { status: string; trackingNumber: string | null; notifications: { template: string }[] } } };
      if (data.shipment.status !== 'LABEL_CREATED' || data.shipment.notifications.length === 0) return false;
      expect(data.shipment.notifications.map((n) => n.template)).toEqual(['welcome']);
      expect(data.shipment.trackingNumber).toBeTruthy();
      return true;
    },
  },
  {
    // Reflection lists the services and the health service, which answers; ListShipments has ours.
    block: /grpcurl -plaintext localhost:\$\{GRPC_PORT:-50051\} list/,
    check: ({ stdout }, vars) => {
      for (const service of [
        'grpc.health.v1.Health',
        'logisynapse.shipments.v1.ShipmentService',
        'logisynapse.communications.v1.NotificationService',
        'logisynapse.authorization.v1.AuthorizationService',
      ]) {
        expect(stdout).toContain(`${service}\n`);
      }
      expect(stdout).toContain('"status": "SERVING"');
      expect(stdout).toContain(`"id": "${vars.shipment()}"`);
      return true;
    },
  },
  {
    // The decision point allows reading one's own tenant's shipments.
    block: /AuthorizationService\/Authorize/,
    check: ({ stdout }) => {
      expect(JSON.parse(stdout)).toMatchObject({ allowed: true, reason: 'allowed', engine: 'casl' });
      return true;
    },
  },
];

/** A variable's value as the last block that assigned it left it (`declare -- NAME="value"`). */
function lastAssigned(stateFile: string, name: string): string {
  const state = existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '';
  const values = [...state.matchAll(new RegExp(`^declare -\\S* ${name}="([^"]*)"$`, 'gm'))].map((m) => m[1]!);
  if (values.length === 0) throw new Error(`no earlier README block assigned ${name}`);
  return values.at(-1)!;
}

const blocks = readmeBashBlocks(readme(ROOT), SECTIONS);
const title = (block: ReadmeBlock) => `README.md:${block.line} (${block.section}): ${block.code.split('\n')[0]!.slice(0, 70)}`;
const grpcurlDir = grpcurlDirectory();
const grpcurlMissing = `grpcurl not found (GRPCURL_BIN, PATH, ~/go/bin): install it with \`${GRPCURL_INSTALL}\``;
if (!grpcurlDir && process.env[REQUIRE_INFRA_VARIABLE] !== '1') {
  process.stderr.write(`[skipped] the README's grpcurl commands: ${grpcurlMissing} (${REQUIRE_INFRA_VARIABLE}=1 turns this skip into a failure)\n`);
}

describe('README commands, run against the built app (embedded defaults)', () => {
  let app: AppProcess;
  let shellDir: string;
  let env: Record<string, string>;
  const stateFile = () => join(shellDir, 'shell-variables');

  beforeAll(async () => {
    app = await AppProcess.start();
    shellDir = mkdtempSync(join(tmpdir(), 'logisynapse-readme-'));
    env = {
      PATH: [grpcurlDir, process.env.PATH].filter(Boolean).join(delimiter),
      HOME: process.env.HOME ?? '',
      PORT: String(app.httpPort),
      GRPC_PORT: String(app.grpcPort),
      METRICS_PORT: String(app.metricsPort),
      LOGISYNAPSE_DATA_DIR: app.dataDir,
    };
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
    if (shellDir) rmSync(shellDir, { recursive: true, force: true });
    if (grpcurlDir) rmSync(grpcurlDir, { recursive: true, force: true });
  });

  it('finds the blocks of "Try it" and "Authorization"', () => {
    expect(blocks.map((b) => b.section)).toEqual(['Try it', 'Try it', 'Try it', 'Authorization']);
  });

  for (const block of blocks) {
    const usesGrpcurl = /^\s*grpcurl /m.test(block.code);
    const test = usesGrpcurl && !grpcurlDir && process.env[REQUIRE_INFRA_VARIABLE] !== '1' ? it.skip : it;
    test(`runs ${title(block)}`, async () => {
      if (usesGrpcurl && !grpcurlDir) throw new Error(`${grpcurlMissing} (${REQUIRE_INFRA_VARIABLE}=1 makes it a failure)`);
      const expectation = EXPECTATIONS.find((e) => e.block.test(block.code));
      if (!expectation) throw new Error(`no expectation for ${title(block)}: add what it answers to EXPECTATIONS in this file`);
      const vars = { shipment: () => lastAssigned(stateFile(), 'SHIPMENT') };
      const attempt = async () => {
        const run = await runBlock(block, env, stateFile(), shellDir);
        if (run.code !== 0) throw new Error(`exit code ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
        return expectation.check(run, vars) ? run : undefined;
      };
      if (expectation.poll) await eventually(`${title(block)} to answer as the README says`, attempt, { timeoutMs: 30_000, intervalMs: 300 });
      else expect(await attempt()).toBeDefined();
    });
  }

  it('logged JSON only on a pipe, about a dozen lines to start, short request lines, no deprecation warning', () => {
    const lines = app.logs;
    expect(lines.filter((l) => !l.startsWith('{'))).toEqual([]);
    const logs = app.jsonLogs();
    const ready = logs.findIndex((l) => String(l.msg).startsWith('Logisynapse ready'));
    expect(ready).toBeGreaterThan(0);
    expect(ready).toBeLessThan(16);
    const credentials = logs.find((l) => l.context === 'Credentials' && String(l.msg).startsWith('demo tenant created'));
    expect(credentials?.credentials).toMatchObject({ clientId: app.credentials().clientId, admin: { clientId: expect.any(String) } });
    // The secrets stay in the 0600 file: no log line carries one.
    const demo = app.credentials();
    for (const secret of [demo.clientSecret, demo.webhookToken, demo.admin.clientSecret]) expect(lines.join('\n')).not.toContain(secret);
    const requests = logs.filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const request of requests) {
      expect(request).toMatchObject({ reqId: expect.any(String), req: { method: expect.any(String), url: expect.any(String) }, res: { statusCode: expect.any(Number) } });
      expect(typeof request.responseTime).toBe('number');
    }
    for (const line of lines.filter((l) => l.includes('"request completed"'))) expect(line.length).toBeLessThan(300);
  });
});

describe('npm start on a terminal', () => {
  let child: ChildProcess | null = null;
  let dataDir: string;

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints readable lines and ends with a banner whose curl line gets a token', async () => {
    const [port, grpcPort] = [await freePort(), await freePort()];
    dataDir = mkdtempSync(join(tmpdir(), 'logisynapse-tty-'));
    // `script` runs the app on a pseudo-terminal, as `npm start` in a terminal does.
    child = spawn('script', ['-qefc', 'node dist/src/main.js', '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'dumb', NODE_ENV: 'development', PORT: String(port), GRPC_PORT: String(grpcPort), METRICS_PORT: '0', LOGISYNAPSE_DATA_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await eventually('the start banner', async () => {
      if (child!.exitCode !== null) throw new Error(`the app exited: ${output}`);
      // A terminal ends its lines with \r\n.
      return /a token +curl [^\r\n]*\r?\n/.test(output) ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 }).catch((error: unknown) => {
      throw new Error(`${String(error)}; the terminal showed:\n${output}`);
    });

    // eslint-disable-next-line no-control-regex
    const lines = output.replace(/\r/g, '').replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(output).not.toContain('DeprecationWarning');
    const bannerAt = lines.indexOf('  Logisynapse is ready (all modules)');
    expect(bannerAt).toBeGreaterThan(0);
    // Before the banner: the demo tenant's line, each a readable one, nothing of Nest's start-up.
    const before = lines.slice(0, bannerAt).filter(Boolean);
    expect(before.length).toBeLessThanOrEqual(3);
    for (const line of before) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN): /);
    const banner = lines.slice(bannerAt).join('\n');
    expect(banner).toContain(`GraphQL      http://localhost:${port}/graphql`);
    expect(banner).toContain(`gRPC         localhost:${grpcPort} (AuthAdminService, ShipmentService, NotificationService, AuthorizationService; reflection, grpc.health.v1.Health)`);
    expect(banner).toContain(`health       http://localhost:${port}/health/ready`);
    expect(banner).toMatch(/adapters {5}\S/);
    expect(banner).toContain('workflow engine: DBOS Transact');
    expect(banner).toContain(`credentials  ${join(dataDir, 'demo-credentials.json')}`);

    const curl = /a token +(curl .*)\n/.exec(banner)![1]!;
    const run = await runBlock({ section: 'banner', line: 0, code: curl }, { PATH: process.env.PATH ?? '' }, join(dataDir, 'no-state'), dataDir);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ access_token: expect.any(String), token_type: expect.stringMatching(/^bearer$/i) });
  }, 90_000);
});
