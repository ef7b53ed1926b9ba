import { request } from 'node:http';
import { AppProcess } from '../support/app-process';

/**
 * The metrics port (METRICS_PORT) answers GET and HEAD of /metrics and nothing else; it takes no
 * token, so it must say nothing a token would protect: no ids, emails, secrets or tokens, even
 * after requests that carried them. The API's port does not serve metrics.
 */
describe('metrics port', () => {
  let app: AppProcess;
  let secrets: string[];

  beforeAll(async () => {
    app = await AppProcess.start();
    const tenant = await app.newTenant('Metrics port attack');
    const token = await app.token(tenant.clientId, tenant.clientSecret);
    // A request carrying a token, an email and an odd operation name, so each could leak if labelled.
    await app.graphql(token, 'query Leak_hippo_at_example_com { shipments(first: 1) { edges { node { id } } } }');
    secrets = [tenant.clientId, tenant.clientSecret, tenant.tenantId, token, 'Leak_hippo_at_example_com'];
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  const url = (path: string) => `http://127.0.0.1:${app.metricsPort}${path}`;

  it('shows no secret, token, id or operation name of any request', async () => {
    const text = await (await fetch(url('/metrics'))).text();
    expect(text).toContain('logisynapse_graphql_request_duration');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('answers other methods with 405 and other paths with 404, saying nothing else', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(url('/metrics'), { method, body: method === 'DELETE' ? undefined : 'x' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    for (const path of ['/', '/metrics/', '/graphql', '/health/ready', '/../etc/passwd', `/${'a'.repeat(4000)}`, '/metrics%00']) {
      const res = await fetch(url(path));
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('not found\n');
    }
    expect((await fetch(url('/metrics'), { method: 'HEAD' })).status).toBe(200);
  });

  it('refuses oversized headers and survives a malformed request line', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(url('/metrics'), { headers: { 'x-big': 'a'.repeat(64 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    const { connect } = await import('node:net');
    await new Promise<void>((resolve) => {
      const socket = connect(app.metricsPort, '127.0.0.1', () => socket.end('GARBAGE \u0000\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    expect((await fetch(url('/metrics'))).status).toBe(200);
  });

  it('is not served on the API port', async () => {
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(404);
  });
});
