import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ConfigError, loadConfig, type AppConfig } from '../../src/platform/config/app-config';
import { realServerOrSkip } from '../support/embedded-postgres';
import {
  authorizationProblems,
  CHART_DIR,
  entryOf,
  envOf,
  FIXTURES,
  grpcCallers,
  hardeningProblems,
  INGRESS_PRINCIPAL,
  KUBE_VERSION,
  networkPolicyProblems,
  ofKind,
  parseManifests,
  podSpecs,
  portProblems,
  PORTS,
  routeProblems,
  RELEASE,
  render,
  strictMtlsProblems,
  valuesPath,
  type K8sObject,
} from './helm-chart/chart-checks';

const run = promisify(execFile);

/** The values sets the chart ships (one process per module, one process, the mesh with faults), and the OPA sidecar. */
const VALUE_SETS = [
  { name: 'default', files: [] as string[] },
  { name: 'one-process', files: ['values-one-process.yaml'] },
  { name: 'mesh-faults', files: ['values-mesh-faults.yaml'] },
  { name: 'opa-sidecar', files: [join(FIXTURES, 'values-opa.yaml')] },
  { name: 'ingress', files: [join(FIXTURES, 'values-ingress.yaml')] },
] as const;
type ValueSet = (typeof VALUE_SETS)[number]['name'];
const fixture = (name: string) => join(FIXTURES, name);

interface Entry {
  name: string;
  public?: boolean;
  autoscaling?: { enabled?: boolean };
  podDisruptionBudget?: { enabled?: boolean };
}

/** The entries as the values files say them (a later file's `modules` replaces the list, as in helm). */
function entriesOf(files: readonly string[]): Entry[] {
  let entries = (parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as { modules: Entry[] }).modules;
  for (const file of files) {
    const values = parse(readFileSync(valuesPath(file), 'utf8')) as { modules?: Entry[] };
    entries = values.modules ?? entries;
  }
  return entries;
}
const publicEntries = (files: readonly string[]) => entriesOf(files).filter((e) => e.public === true).map((e) => e.name);

/**
 * What the Secret (values.yaml `envFromSecret`) holds, as dummies: the database and its key, which
 * every process of a subset needs, and Temporal, which shipments apart from the worker needs.
 */
const SECRET_ENV = {
  DATABASE_URL: 'postgres://logisynapse_app:dummy@postgres:5432/logisynapse',
  LOGISYNAPSE_KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
  TEMPORAL_ADDRESS: 'temporal-frontend:7233',
};

/** The app's own config of every pod's app container: it throws on a module set or URL it refuses. */
function configs(objects: K8sObject[]): { owner: string; entry: string; config: AppConfig }[] {
  return podSpecs(objects).map(({ owner, spec }) => {
    try {
      return { owner, entry: owner.split(' ')[1]!.slice(RELEASE.length + 1), config: loadConfig({ ...envOf(spec.containers[0]!), ...SECRET_ENV }) };
    } catch (error) {
      throw new Error(`${owner}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  });
}

realServerOrSkip(
  ['HELM_BIN', 'KUBECONFORM_BIN', 'KUBE_SCHEMAS_DIR'],
  'the chart tools (`npm run infra:up` installs helm, kubeconform and the schemas, scripts/infra/chart-tools.sh)',
)('the Helm chart, rendered and checked offline', ({ HELM_BIN: helm, KUBECONFORM_BIN: kubeconform, KUBE_SCHEMAS_DIR: schemas }) => {
  const rendered = new Map<ValueSet, { file: string; objects: K8sObject[] }>();
  const objects = (set: ValueSet) => rendered.get(set)!.objects;
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'logisynapse-chart-'));
    for (const set of VALUE_SETS) {
      const text = await render(helm, [...set.files]);
      writeFileSync(join(dir, `${set.name}.yaml`), text);
      rendered.set(set.name, { file: join(dir, `${set.name}.yaml`), objects: parseManifests(text) });
    }
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** kubeconform -strict over a file, against the Kubernetes and the Istio schemas (and nothing else). */
  async function kubeconformOn(file: string) {
    const args = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBE_VERSION];
    args.push('-schema-location', `${schemas}/kubernetes/{{ .ResourceKind }}{{ .KindSuffix }}.json`);
    args.push('-schema-location', `${schemas}/istio/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`, file);
    const { stdout, code } = await run(kubeconform, args).then(
      (r) => ({ stdout: r.stdout, code: 0 }),
      (error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code ?? 1 }),
    );
    const report = JSON.parse(stdout) as { resources: { name: string; status: string; msg: string }[]; summary: Record<'valid' | 'invalid' | 'errors' | 'skipped', number> };
    return { code, ...report };
  }

  it('helm lint --strict passes for every values set', async () => {
    for (const set of VALUE_SETS) {
      const args = ['lint', CHART_DIR, '--strict', '--kube-version', KUBE_VERSION, '--namespace', 'shipping', ...set.files.flatMap((f) => ['-f', valuesPath(f)])];
      const { stdout } = await run(helm, args);
      expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it.each(VALUE_SETS.map((s) => s.name))('kubeconform -strict finds every object of the %s values valid', async (set) => {
    const report = await kubeconformOn(rendered.get(set)!.file);
    expect(report.resources.filter((r) => r.status !== 'statusValid')).toEqual([]);
    expect(report.summary).toEqual({ valid: objects(set).length, invalid: 0, errors: 0, skipped: 0 });
    expect(report.code).toBe(0);
  });

  it('kubeconform rejects a misspelled field, a value outside an enum and a wrong type, Kubernetes and Istio (negative control)', async () => {
    const report = await kubeconformOn(fixture('invalid-objects.yaml'));
    expect(report.code).not.toBe(0);
    expect(report.summary).toEqual({ valid: 1, invalid: 5, errors: 0, skipped: 0 });
    const msg = (name: string) => report.resources.find((r) => r.name === name)?.msg;
    expect(msg('misspelled-security-field')).toContain("'runAsNonroot' not allowed");
    expect(msg('misspelled-tls-mode')).toContain("'mdoe' not allowed");
    expect(msg('unknown-mtls-mode')).toContain('value must be one of');
    expect(msg('misspelled-principals')).toContain("'principal' not allowed");
    expect(msg('grpc-status-as-number')).toContain('want string');
  });

  it.each(VALUE_SETS)('one Deployment, Service and ServiceAccount per entry, HPA and PDB as asked ($name)', ({ name, files }) => {
    const entries = entriesOf(files);
    const names = (kind: string) => ofKind(objects(name), kind).map((o) => o.metadata.name).sort();
    const expected = entries.map((e) => `${RELEASE}-${e.name}`).sort();
    expect(names('Deployment')).toEqual(expected);
    expect(names('Service')).toEqual(expected);
    expect(names('ServiceAccount')).toEqual([...expected, `${RELEASE}-migrate`].sort());
    for (const deployment of ofKind(objects(name), 'Deployment')) {
      expect(podSpecs([deployment])[0]!.spec.serviceAccountName).toBe(deployment.metadata.name);
    }
    const withDefault = (e: Entry, key: 'autoscaling' | 'podDisruptionBudget', fallback: boolean) => e[key]?.enabled ?? fallback;
    expect(names('HorizontalPodAutoscaler')).toEqual(entries.filter((e) => withDefault(e, 'autoscaling', false)).map((e) => `${RELEASE}-${e.name}`).sort());
    expect(names('PodDisruptionBudget')).toEqual(entries.filter((e) => withDefault(e, 'podDisruptionBudget', true)).map((e) => `${RELEASE}-${e.name}`).sort());
    // An autoscaled Deployment leaves its replica count to the HPA.
    for (const hpa of ofKind(objects(name), 'HorizontalPodAutoscaler')) {
      expect(ofKind(objects(name), 'Deployment').find((d) => d.metadata.name === hpa.metadata.name)!.spec!.replicas).toBeUndefined();
    }
  });

  it.each(VALUE_SETS.map((s) => s.name))("every pod's LOGISYNAPSE_MODULES and *_GRPC_URL are accepted by the app's loadConfig, and each URL reaches a process hosting that module (%s)", (set) => {
    const all = configs(objects(set));
    expect(all.length).toBe(ofKind(objects(set), 'Deployment').length + 1);
    const hosted = new Map(all.map(({ entry, config }) => [entry, config.modules]));
    for (const { owner, config } of all) {
      for (const [module, url] of Object.entries(config.grpcClients)) {
        if (url === null) continue;
        const [host, port] = url.split(':');
        expect({ owner, module, port }).toEqual({ owner, module, port: String(PORTS.grpc) });
        const callee = host!.slice(RELEASE.length + 1);
        expect({ owner, module, calleeHosts: hosted.get(callee)?.includes(module as never) }).toEqual({ owner, module, calleeHosts: true });
      }
    }
    expect(grpcCallers(objects(set)).problems).toEqual([]);
  });

  it('a module set the app refuses fails the loadConfig check (negative control)', async () => {
    const refused = parseManifests(await render(helm, [fixture('values-module-missing.yaml')]));
    let refusal: unknown;
    try {
      configs(refused);
    } catch (error) {
      refusal = error;
    }
    expect((refusal as Error | undefined)?.cause).toBeInstanceOf(ConfigError);
    expect((refusal as Error).message).toMatch(/^Deployment ls-gateway: LOGISYNAPSE_MODULES: .*"tenancy"/);
  });

  it.each(VALUE_SETS.map((s) => s.name))('no container runs as root, every hardening field is set, secrets only by reference (%s)', (set) => {
    expect(hardeningProblems(objects(set))).toEqual([]);
    expect(ofKind(objects(set), 'Secret')).toEqual([]);
    for (const { owner, spec } of podSpecs(objects(set))) {
      expect({ owner, envFrom: spec.containers[0]!.envFrom }).toEqual({ owner, envFrom: [{ secretRef: { name: 'logisynapse' } }] });
      const names = Object.keys(envOf(spec.containers[0]!));
      expect(names.filter((n) => /DATABASE|SECRET|PASSWORD|_KEY$|ENCRYPTION/.test(n))).toEqual([]);
    }
  });

  it('a root container fails the hardening check (negative control)', async () => {
    const problems = hardeningProblems(parseManifests(await render(helm, [fixture('values-root-container.yaml')])));
    expect(problems).toContain('Deployment ls-gateway container logisynapse: runAsNonRoot is not true');
    expect(problems).toContain('Job ls-migrate container migrate: runs as uid 0, not a fixed non-root uid');
  });

  it.each(VALUE_SETS.map((s) => s.name))('ports named for the mesh (grpc + appProtocol grpc, http, http-metrics), probes on the health endpoints (%s)', (set) => {
    expect(portProblems(objects(set))).toEqual([]);
    for (const deployment of ofKind(objects(set), 'Deployment')) {
      const app = podSpecs([deployment])[0]!.spec.containers[0]!;
      expect(app.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(app.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    }
    const grpcServices = ofKind(objects(set), 'Service').filter((s) => JSON.stringify(s.spec!.ports).includes('"grpc"'));
    // authorization, shipments and communications: the entries other entries call
    expect(grpcServices.length).toBe(set === 'one-process' ? 0 : 4);
    // The OPA sidecar listens on loopback only: no port of its own.
    for (const { spec } of podSpecs(objects(set))) expect(spec.containers.slice(1).flatMap((c) => c.ports ?? [])).toEqual([]);
  });

  it('the migrations run as a pre-install/pre-upgrade hook Job of the image', () => {
    const [job] = ofKind(objects('default'), 'Job');
    expect(job!.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
    const migrate = podSpecs([job!])[0]!.spec;
    expect(migrate.containers[0]!.command).toEqual(['node', 'dist/src/migrate.js']);
    // Its service account exists before it: a hook of lower weight (hooks precede the release's objects).
    const account = ofKind(objects('default'), 'ServiceAccount').find((a) => a.metadata.name === migrate.serviceAccountName)!;
    expect(Number(account.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(Number(job!.metadata.annotations!['helm.sh/hook-weight']));
    expect(account.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });

  it.each(VALUE_SETS)('NetworkPolicies: default deny, gRPC only from the callers, public HTTP, metrics from Prometheus ($name)', ({ name, files }) => {
    expect(networkPolicyProblems(objects(name), publicEntries(files))).toEqual([]);
  });

  it('without the mesh, no Istio object, and the STRICT check says so (negative control)', () => {
    expect(objects('default').filter((o) => o.apiVersion.includes('istio.io'))).toEqual([]);
    expect(strictMtlsProblems(objects('default'))).toContain('no namespace-wide PeerAuthentication STRICT');
  });

  it('with the mesh: mTLS STRICT (metrics port PERMISSIVE only), ISTIO_MUTUAL to every Service', () => {
    expect(strictMtlsProblems(objects('mesh-faults'))).toEqual([]);
    expect(ofKind(objects('mesh-faults'), 'DestinationRule')).toHaveLength(ofKind(objects('mesh-faults'), 'Service').length);
    // Prometheus scrapes the app's own port: the injector must not move it to the merged endpoint.
    for (const deployment of ofKind(objects('mesh-faults'), 'Deployment')) {
      expect((deployment.spec!.template as K8sObject).metadata.annotations).toMatchObject({ 'prometheus.istio.io/merge-metrics': 'false', 'prometheus.io/port': String(PORTS.metrics) });
    }
  });

  it("each AuthorizationPolicy's principals are exactly the entry's callers (and the ingress gateway for public entries)", () => {
    expect(authorizationProblems(objects('mesh-faults'), publicEntries(['values-mesh-faults.yaml']), INGRESS_PRINCIPAL)).toEqual([]);
    const shipments = ofKind(objects('mesh-faults'), 'AuthorizationPolicy').find((p) => entryOf(p) === 'shipments')!;
    expect(JSON.stringify(shipments.spec)).toContain('"principals":["cluster.local/ns/shipping/sa/ls-gateway"]');
  });

  it('a call or a JWKS read that no policy allows fails the AuthorizationPolicy and NetworkPolicy checks (negative control)', async () => {
    const files = [fixture('values-url-by-hand.yaml')];
    const byHand = parseManifests(await render(helm, files));
    expect(authorizationProblems(byHand, publicEntries(files), null).sort()).toEqual([
      'gateway: GET of its JWKS allows [], expected [cluster.local/ns/shipping/sa/ls-communications]',
      'shipments: port 50051 (gRPC, its callers) allows [], expected [cluster.local/ns/shipping/sa/ls-gateway]',
    ]);
    expect(networkPolicyProblems(byHand, publicEntries(files)).sort()).toEqual([
      'gateway: HTTP port reachable for its JWKS from [], expected [communications]',
      'shipments: gRPC port reachable from [], expected [gateway]',
    ]);
  });

  it('faults are injected where asked only: a delay and a gRPC abort on the shipments gRPC port', () => {
    expect(ofKind(objects('default'), 'VirtualService')).toEqual([]);
    // (the public host's VirtualService, bound to the ingress gateway, routes; it injects nothing)
    const services = ofKind(objects('mesh-faults'), 'VirtualService').filter((s) => !s.spec?.gateways);
    expect(services.map((s) => entryOf(s))).toEqual(['shipments']);
    const [faulty, rest] = services[0]!.spec!.http as { match?: unknown; fault?: unknown; route: unknown }[];
    expect(faulty).toMatchObject({
      match: [{ port: PORTS.grpc }],
      fault: { delay: { percentage: { value: 10 }, fixedDelay: '2s' }, abort: { percentage: { value: 5 }, grpcStatus: 'UNAVAILABLE' } },
    });
    // The other ports keep their plain route (a VirtualService answers 404 to a request no route matches).
    expect(rest).toEqual({ name: 'default', route: [{ destination: { host: 'ls-shipments.shipping.svc.cluster.local' } }] });
  });

  it('the OPA option puts the policy engine beside every app container, and the app then asks it', () => {
    for (const { owner, spec } of podSpecs(objects('opa-sidecar')).filter((p) => p.owner.startsWith('Deployment'))) {
      expect({ owner, containers: spec.containers.map((c) => c.name) }).toEqual({ owner, containers: ['logisynapse', 'opa'] });
    }
    expect(configs(objects('opa-sidecar')).filter((c) => c.entry !== 'migrate').map((c) => c.config.adapters.policyEngine)).toEqual(
      ofKind(objects('opa-sidecar'), 'Deployment').map(() => ({ kind: 'opa', url: 'http://127.0.0.1:8181' })),
    );
    expect(ofKind(objects('default'), 'Deployment').flatMap((d) => podSpecs([d])[0]!.spec.containers.map((c) => c.name))).not.toContain('opa');
  });

  it('routes the public paths to their entries: /graphql to the gateway, tokens and the JWKS to auth, webhooks to carriers', () => {
    const expected = { '/graphql': 'gateway', '/oauth/token': 'auth', '/.well-known/jwks.json': 'auth', '/webhooks': 'carriers' };
    expect(routeProblems(objects('ingress'), 'Ingress', expected)).toEqual([]);
    const ingress = ofKind(objects('ingress'), 'Ingress')[0]!;
    expect(ingress.spec).toMatchObject({ ingressClassName: 'nginx', tls: [{ hosts: ['api.shipping.example'], secretName: 'api-shipping-tls' }] });
    expect(routeProblems(objects('mesh-faults'), 'VirtualService', expected)).toEqual([]);
    expect(ofKind(objects('mesh-faults'), 'Gateway')[0]!.spec).toMatchObject({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80 } }] });
    // nothing routed without an ingress, and the one process answers every path
    expect(ofKind(objects('default'), 'Ingress')).toEqual([]);
    expect(routeProblems(objects('default'), 'Ingress', {})).toEqual([]);
    // negative control: the check sees a route that goes elsewhere
    expect(routeProblems(objects('ingress'), 'Ingress', { ...expected, '/webhooks': 'gateway' })).toHaveLength(1);
  });

  it('the chart refuses a public path on an entry that is not public', async () => {
    await expect(render(helm, [fixture('values-path-not-public.yaml')])).rejects.toThrow(/"shipments" has paths but is not public/);
  });

  it('the chart refuses a call to an entry that does not exist', async () => {
    await expect(render(helm, [fixture('values-unknown-callee.yaml')])).rejects.toThrow(/"gateway" calls shipments at entry "shipment", which is not an entry that serves gRPC/);
  });
});
