import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '../../../../platform/errors/domain-error';
import type { AuthorizationObject, AuthorizationSubject } from '../../contracts/authorization.contracts';
import { OPA_DECISION_PATH, OpaPolicyEngine } from './opa-policy-engine';

const subject: AuthorizationSubject = { clientId: 'c1', tenantId: 't1', scopes: ['shipments:read'] };
const object: AuthorizationObject = { type: 'Shipment', tenantId: 't1' };

/** A tiny stand-in for OPA on a loopback port; each test sets how it answers. */
describe('OpaPolicyEngine (fails closed)', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const requests: Array<{ method?: string; url?: string; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, body });
        answer(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests.length = 0;
  });

  const json = (status: number, value: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  const engine = () => new OpaPolicyEngine({ url: `${url}/`, timeoutMs: 300 });

  const expectUnavailable = async (promise: Promise<unknown>, cause: RegExp) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('UNAVAILABLE');
    expect(String((error as { cause?: Error }).cause?.message)).toMatch(cause);
  };

  it('posts {input: {subject, action, object}} to the decision path and returns a well-formed decision', async () => {
    answer = json(200, { result: { allowed: true, reason: 'allowed' } });
    await expect(engine().decide(subject, 'shipment:read', object)).resolves.toEqual({ allowed: true, reason: 'allowed' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: OPA_DECISION_PATH });
    expect(JSON.parse(requests[0]!.body)).toEqual({ input: { subject, action: 'shipment:read', object } });
    answer = json(200, { result: { allowed: false, reason: 'tenant-mismatch' }, decision_id: 'x' });
    await expect(engine().decide(subject, 'shipment:read', object)).resolves.toEqual({ allowed: false, reason: 'tenant-mismatch' });
  });

  it('denies with UNAVAILABLE on an error status', async () => {
    answer = json(500, { code: 'internal_error' });
    await expectUnavailable(engine().decide(subject, 'shipment:read', object), /HTTP 500/);
  });

  it('denies with UNAVAILABLE on a body that is not JSON', async () => {
    answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('allowed: true');
    await expectUnavailable(engine().decide(subject, 'shipment:read', object), /not JSON/);
  });

  it('denies with UNAVAILABLE when there is no result (policy not loaded)', async () => {
    answer = json(200, {});
    await expectUnavailable(engine().decide(subject, 'shipment:read', object), /without a result/);
  });

  it.each([
    ['a string', 'allowed'],
    ['null', null],
    ['allowed as a string', { allowed: 'true', reason: 'allowed' }],
    ['an unknown reason', { allowed: false, reason: 'because' }],
    ['allowed with a denial reason', { allowed: true, reason: 'missing-scope' }],
    ['a denial with reason allowed', { allowed: false, reason: 'allowed' }],
    ['no reason', { allowed: true }],
  ])('denies with UNAVAILABLE on an ill-formed result: %s', async (_name, result) => {
    answer = json(200, { result });
    await expectUnavailable(engine().decide(subject, 'shipment:read', object), /ill-formed/);
  });

  it('denies with UNAVAILABLE when OPA does not answer in time', async () => {
    answer = () => undefined; // never answers
    const started = Date.now();
    await expectUnavailable(engine().decide(subject, 'shipment:read', object), /did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('denies with UNAVAILABLE when OPA is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expectUnavailable(new OpaPolicyEngine({ url: `http://127.0.0.1:${port}`, timeoutMs: 1_000 }).decide(subject, 'shipment:read', object), /unreachable/);
  });

  it("pings OPA's /health for readiness: resolves on 200, rejects on an error status", async () => {
    answer = json(200, {});
    await expect(engine().ping()).resolves.toBeUndefined();
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/health' });
    answer = json(500, { code: 'internal_error' });
    await expect(engine().ping()).rejects.toThrow(/HTTP 500/);
  });
});
