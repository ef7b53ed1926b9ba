import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

/**
 * Rendering the chart and the facts checked over what it renders (test/integration/helm-chart.spec.ts).
 * Each check returns the problems it found, one line each, so a test expects [] and a negative
 * control expects the line that names its mistake.
 */

const run = promisify(execFile);
export const CHART_DIR = join(__dirname, '..', '..', '..', 'charts', 'logisynapse');
export const FIXTURES = __dirname;
export const RELEASE = 'ls';
export const NAMESPACE = 'shipping';
/** The Kubernetes version of the schemas chart-tools.sh makes, so helm renders for the same one. */
export const KUBE_VERSION = '1.37.0';
export const PORTS = { http: 3000, grpc: 50051, metrics: 9464 } as const;
export const INGRESS_PRINCIPAL = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

type Json = Record<string, unknown>;
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Json;
  [key: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
}
interface Port {
  name?: string;
  containerPort?: number;
  port?: number;
  appProtocol?: string;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string } }[];
  ports?: Port[];
  securityContext?: Json;
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
}
export interface PodSpec {
  containers: Container[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: Json;
  volumes?: { name: string; emptyDir?: Json }[];
}

/** A values file: relative to the chart (the chart's own), or absolute (a test fixture). */
export const valuesPath = (file: string) => (file.startsWith('/') ? file : join(CHART_DIR, file));

/** `helm template` of the chart with these values files. */
export async function render(helm: string, valuesFiles: string[] = []): Promise<string> {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION];
  for (const file of valuesFiles) args.push('-f', valuesPath(file));
  const { stdout } = await run(helm, args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

export const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
export const entryOf = (object: K8sObject) => object.metadata.labels?.['app.kubernetes.io/component'] ?? '';
const dig = <T>(value: unknown, ...path: string[]): T | undefined =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Json)[key] : undefined), value) as T | undefined;

/** The pod specs of the Deployments and the Job, by object name. */
export function podSpecs(objects: K8sObject[]): { owner: string; spec: PodSpec }[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => ({ owner: `${o.kind} ${o.metadata.name}`, spec: dig<PodSpec>(o, 'spec', 'template', 'spec')! }));
}

export function envOf(container: Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((v) => [v.name, v.value ?? '']));
}

const appContainer = (spec: PodSpec) => spec.containers[0]!;

/** Non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp, no token. */
export function hardeningProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, spec } of podSpecs(objects)) {
    const pod = spec.securityContext ?? {};
    if (spec.automountServiceAccountToken !== false) problems.push(`${owner}: automountServiceAccountToken is not false`);
    for (const c of spec.containers) {
      const sc = c.securityContext ?? {};
      const effective = (key: string) => (key in sc ? sc[key] : pod[key]);
      const where = `${owner} container ${c.name}`;
      if (effective('runAsNonRoot') !== true) problems.push(`${where}: runAsNonRoot is not true`);
      const uid = effective('runAsUser');
      if (uid === 0 || uid === undefined) problems.push(`${where}: runs as uid ${String(uid ?? 'of the image')}, not a fixed non-root uid`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: root file system is writable`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) problems.push(`${where}: privileged`);
      const drop = dig<string[]>(sc, 'capabilities', 'drop') ?? [];
      if (!drop.includes('ALL') || (dig<string[]>(sc, 'capabilities', 'add') ?? []).length > 0) problems.push(`${where}: capabilities not all dropped`);
      if (dig(effective('seccompProfile'), 'type') !== 'RuntimeDefault') problems.push(`${where}: seccompProfile is not RuntimeDefault`);
    }
    const app = appContainer(spec);
    const mounts = new Map((app.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
    for (const path of ['/data', '/tmp']) {
      const volume = spec.volumes?.find((v) => v.name === mounts.get(path));
      if (!volume?.emptyDir) problems.push(`${owner}: no emptyDir mounted at ${path}`);
    }
    if (envOf(app).LOGISYNAPSE_DATA_DIR !== '/data') problems.push(`${owner}: LOGISYNAPSE_DATA_DIR is not /data`);
  }
  return problems;
}

/** The mesh tells gRPC by a port name `grpc`/`grpc-*` or `appProtocol: grpc`; every port says its protocol. */
export function portProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const named = (p: Port) => p.name === 'grpc' || (p.name ?? '').startsWith('grpc-');
  for (const service of ofKind(objects, 'Service')) {
    for (const p of dig<Port[]>(service, 'spec', 'ports') ?? []) {
      if (p.port === PORTS.grpc && !(named(p) && p.appProtocol === 'grpc')) problems.push(`Service ${service.metadata.name}: gRPC port ${p.port} not named grpc with appProtocol grpc`);
      if (p.port !== PORTS.grpc && !/^http(-|$)/.test(p.name ?? '')) problems.push(`Service ${service.metadata.name}: port ${p.port} named ${p.name ?? '(none)'}, not http*`);
    }
  }
  for (const { owner, spec } of podSpecs(objects)) {
    for (const p of appContainer(spec).ports ?? []) {
      const expected = { [PORTS.http]: 'http', [PORTS.grpc]: 'grpc', [PORTS.metrics]: 'http-metrics' }[p.containerPort!];
      if (p.name !== expected) problems.push(`${owner}: container port ${p.containerPort} named ${p.name ?? '(none)'}, not ${expected ?? 'a known name'}`);
    }
  }
  return problems;
}

/**
 * Who calls whom, read from what the processes are told (`<MODULE>_GRPC_URL`), not from the
 * chart's values: callee entry -> caller entries. A URL must name a Service of the release.
 */
export function grpcCallers(objects: K8sObject[]): { callers: Map<string, Set<string>>; problems: string[] } {
  const callers = new Map<string, Set<string>>();
  const problems: string[] = [];
  const services = new Map(ofKind(objects, 'Service').map((s) => [s.metadata.name, s]));
  for (const deployment of ofKind(objects, 'Deployment')) {
    for (const [name, url] of Object.entries(envOf(appContainer(podSpecs([deployment])[0]!.spec)))) {
      if (!name.endsWith('_GRPC_URL')) continue;
      const [host, port] = url.replace(/^dns:(\/\/\/)?/, '').split(':');
      const service = services.get(host!.split('.')[0]!);
      const grpcPort = (dig<Port[]>(service, 'spec', 'ports') ?? []).find((p) => p.port === Number(port) && p.appProtocol === 'grpc');
      if (!service || !grpcPort) {
        problems.push(`Deployment ${deployment.metadata.name}: ${name}=${url} is no gRPC port of a Service of the release`);
        continue;
      }
      const callee = entryOf(service);
      callers.set(callee, (callers.get(callee) ?? new Set()).add(entryOf(deployment)));
    }
  }
  return { callers, problems };
}

/**
 * Who reads whose keys, from what the processes are told (AUTH_JWKS_URL): entry hosting auth ->
 * the entries that verify tokens with its JWKS. A URL must name the HTTP port of a Service of the release.
 */
export function jwksReaders(objects: K8sObject[]): { readers: Map<string, Set<string>>; problems: string[] } {
  const readers = new Map<string, Set<string>>();
  const problems: string[] = [];
  const services = new Map(ofKind(objects, 'Service').map((s) => [s.metadata.name, s]));
  for (const deployment of ofKind(objects, 'Deployment')) {
    const url = envOf(appContainer(podSpecs([deployment])[0]!.spec)).AUTH_JWKS_URL;
    if (url === undefined) continue;
    const parsed = /^http:\/\/([^/:]+):(\d+)\/\.well-known\/jwks\.json$/.exec(url);
    const service = parsed ? services.get(parsed[1]!.split('.')[0]!) : undefined;
    if (!parsed || !service || !(dig<Port[]>(service, 'spec', 'ports') ?? []).some((p) => p.port === Number(parsed[2]) && p.port === PORTS.http)) {
      problems.push(`Deployment ${deployment.metadata.name}: AUTH_JWKS_URL=${url} is not the JWKS on the HTTP port of a Service of the release`);
      continue;
    }
    const owner = entryOf(service);
    readers.set(owner, (readers.get(owner) ?? new Set()).add(entryOf(deployment)));
  }
  return { readers, problems };
}

const sorted = (values: Iterable<string>) => [...values].sort();
const same = (a: Iterable<string>, b: Iterable<string>) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const principal = (entry: string) => `cluster.local/ns/${NAMESPACE}/sa/${RELEASE}-${entry}`;

interface AuthzRule {
  from?: { source?: { principals?: string[] } }[];
  to?: { operation?: { ports?: string[]; paths?: string[]; methods?: string[] } }[];
}

/**
 * Each entry's AuthorizationPolicy: its gRPC port exactly from its callers' principals, its HTTP
 * port from the principals of the entries that read its JWKS (GET of the JWKS only) and, for
 * public entries, from the ingress gateway's; its metrics port GET /metrics only.
 */
export function authorizationProblems(objects: K8sObject[], publicEntries: readonly string[], ingress: string | null): string[] {
  const { callers, problems } = grpcCallers(objects);
  const keys = jwksReaders(objects);
  problems.push(...keys.problems);
  const policies = new Map(ofKind(objects, 'AuthorizationPolicy').map((p) => [entryOf(p), p]));
  for (const deployment of ofKind(objects, 'Deployment')) {
    const entry = entryOf(deployment);
    const policy = policies.get(entry);
    if (!policy || dig(policy, 'spec', 'action') !== 'ALLOW') {
      problems.push(`${entry}: no ALLOW AuthorizationPolicy`);
      continue;
    }
    if (!same(Object.entries(dig<Json>(policy, 'spec', 'selector', 'matchLabels') ?? {}).map(([k, v]) => `${k}=${String(v)}`),
      Object.entries(dig<Json>(deployment, 'spec', 'selector', 'matchLabels') ?? {}).map(([k, v]) => `${k}=${String(v)}`))) {
      problems.push(`${entry}: the AuthorizationPolicy selects other pods than the Deployment`);
    }
    const byPort = new Map<string, { principals: string[] | null; rule: AuthzRule }[]>();
    for (const rule of dig<AuthzRule[]>(policy, 'spec', 'rules') ?? []) {
      const principals = rule.from ? rule.from.flatMap((f) => f.source?.principals ?? []) : null;
      for (const port of (rule.to ?? []).flatMap((t) => t.operation?.ports ?? ['any'])) byPort.set(port, [...(byPort.get(port) ?? []), { principals, rule }]);
    }
    const expectPort = (port: number, expected: string[] | null, what: string) => {
      const rules = byPort.get(String(port)) ?? [];
      byPort.delete(String(port));
      if (expected === null && rules.length === 0) return;
      const got = rules.map((r) => (r.principals === null ? '(any source)' : sorted(r.principals).join(',') || '(none)'));
      const want = expected === null ? [] : [expected.length === 0 ? '(any source)' : sorted(expected).join(',')];
      if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${entry}: port ${port} (${what}) allows [${got.join(' | ')}], expected [${want.join(' | ')}]`);
    };
    const calledBy = [...(callers.get(entry) ?? [])].map(principal);
    expectPort(PORTS.grpc, calledBy.length > 0 ? calledBy : null, 'gRPC, its callers');
    const readers = [...(keys.readers.get(entry) ?? [])].map(principal);
    const httpRules = byPort.get(String(PORTS.http)) ?? [];
    const jwksRules = httpRules.filter((r) => same(r.rule.to?.[0]?.operation?.paths ?? [], ['/.well-known/jwks.json']) && same(r.rule.to?.[0]?.operation?.methods ?? [], ['GET']));
    const jwksGot = jwksRules.map((r) => sorted(r.principals ?? ['(any source)']).join(','));
    if (JSON.stringify(jwksGot) !== JSON.stringify(readers.length > 0 ? [sorted(readers).join(',')] : [])) {
      problems.push(`${entry}: GET of its JWKS allows [${jwksGot.join(' | ')}], expected [${sorted(readers).join(',')}]`);
    }
    byPort.set(String(PORTS.http), httpRules.filter((r) => !jwksRules.includes(r)));
    expectPort(PORTS.http, publicEntries.includes(entry) ? (ingress ? [ingress] : []) : null, 'HTTP, public entries only');
    const metrics = byPort.get(String(PORTS.metrics)) ?? [];
    byPort.delete(String(PORTS.metrics));
    const op = metrics[0]?.rule.to?.[0]?.operation;
    if (metrics.length !== 1 || !same(op?.paths ?? [], ['/metrics']) || !same(op?.methods ?? [], ['GET'])) problems.push(`${entry}: metrics port not GET /metrics only`);
    for (const port of byPort.keys()) problems.push(`${entry}: the AuthorizationPolicy also allows port ${port}`);
  }
  return problems;
}

interface NetRule {
  ports?: { port: number }[];
  from?: { podSelector?: { matchLabels?: Json; matchExpressions?: { key: string; values: string[] }[] }; namespaceSelector?: Json }[];
}

/** Default deny ingress for the release; each gRPC port from its callers' pods only; public HTTP only. */
export function networkPolicyProblems(objects: K8sObject[], publicEntries: readonly string[]): string[] {
  const { callers, problems } = grpcCallers(objects);
  const keys = jwksReaders(objects);
  problems.push(...keys.problems);
  const policies = ofKind(objects, 'NetworkPolicy');
  const deny = policies.find((p) => dig(p, 'spec', 'ingress') === undefined);
  if (!deny || !same(Object.keys(dig<Json>(deny, 'spec', 'podSelector', 'matchLabels') ?? {}), ['app.kubernetes.io/instance', 'app.kubernetes.io/name'])) {
    problems.push('no default-deny ingress NetworkPolicy over the release');
  }
  for (const deployment of ofKind(objects, 'Deployment')) {
    const entry = entryOf(deployment);
    const policy = policies.find((p) => p !== deny && dig(p, 'spec', 'podSelector', 'matchLabels', 'app.kubernetes.io/component') === entry);
    const rules = dig<NetRule[]>(policy, 'spec', 'ingress') ?? [];
    const on = (port: number) => rules.filter((r) => r.ports?.some((p) => p.port === port));
    const grpcFrom = on(PORTS.grpc).flatMap((r) => r.from ?? [{}]);
    const grpcCallers = grpcFrom.flatMap((f) => f.podSelector?.matchExpressions?.find((e) => e.key === 'app.kubernetes.io/component')?.values ?? ['(any pod)']);
    if (!same(grpcCallers, callers.get(entry) ?? [])) problems.push(`${entry}: gRPC port reachable from [${sorted(grpcCallers).join(',')}], expected [${sorted(callers.get(entry) ?? []).join(',')}]`);
    if (grpcFrom.some((f) => f.namespaceSelector !== undefined)) problems.push(`${entry}: gRPC port open to another namespace`);
    // The HTTP port: from the JWKS readers' pods (by component), and from outside for a public entry.
    const httpRules = on(PORTS.http);
    const fromReaders = httpRules.filter((r) => r.from?.every((f) => f.podSelector?.matchExpressions !== undefined && f.namespaceSelector === undefined));
    const readerPods = fromReaders.flatMap((r) => r.from ?? []).flatMap((f) => f.podSelector?.matchExpressions?.find((e) => e.key === 'app.kubernetes.io/component')?.values ?? []);
    if (!same(readerPods, keys.readers.get(entry) ?? [])) problems.push(`${entry}: HTTP port reachable for its JWKS from [${sorted(readerPods).join(',')}], expected [${sorted(keys.readers.get(entry) ?? []).join(',')}]`);
    const outside = httpRules.filter((r) => !fromReaders.includes(r));
    if ((outside.length > 0) !== publicEntries.includes(entry)) problems.push(`${entry}: HTTP port ${outside.length > 0 ? 'open' : 'closed'}, public: ${publicEntries.includes(entry)}`);
    const metricsFrom = on(PORTS.metrics).flatMap((r) => r.from ?? [{}]);
    if (metricsFrom.length !== 1 || !metricsFrom[0]!.namespaceSelector || !metricsFrom[0]!.podSelector) problems.push(`${entry}: metrics port not from Prometheus's namespace and pods only`);
  }
  return problems;
}

/**
 * The public host's routes, from what the Ingress or the mesh's VirtualService say: every path of
 * `expected` (path -> entry) routed to that entry's Service on its HTTP port, and nothing else.
 */
export function routeProblems(objects: K8sObject[], kind: 'Ingress' | 'VirtualService', expected: Record<string, string>): string[] {
  const routed = new Map<string, string>();
  const problems: string[] = [];
  const add = (path: string, service: string | undefined, port: string | number | undefined) => {
    if (routed.has(path)) problems.push(`${kind}: ${path} routed twice`);
    const entry = service?.split('.')[0]?.slice(RELEASE.length + 1) ?? '(none)';
    if (port !== 'http' && port !== PORTS.http) problems.push(`${kind}: ${path} to port ${String(port)}, not the HTTP port`);
    routed.set(path, entry);
  };
  if (kind === 'Ingress') {
    for (const ingress of ofKind(objects, 'Ingress')) {
      for (const rule of dig<{ http?: { paths?: { path: string; backend?: { service?: { name?: string; port?: { name?: string; number?: number } } } }[] } }[]>(ingress, 'spec', 'rules') ?? []) {
        for (const p of rule.http?.paths ?? []) add(p.path, p.backend?.service?.name, p.backend?.service?.port?.name ?? p.backend?.service?.port?.number);
      }
    }
  } else {
    for (const vs of ofKind(objects, 'VirtualService').filter((v) => (dig<string[]>(v, 'spec', 'gateways') ?? []).length > 0)) {
      for (const route of dig<{ match?: { uri?: { prefix?: string } }[]; route?: { destination?: { host?: string; port?: { number?: number } } }[] }[]>(vs, 'spec', 'http') ?? []) {
        add(route.match?.[0]?.uri?.prefix ?? '(no prefix)', route.route?.[0]?.destination?.host, route.route?.[0]?.destination?.port?.number);
      }
    }
  }
  const want = Object.entries(expected).sort();
  const got = [...routed.entries()].sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${kind}: routes ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  return problems;
}

/** mTLS STRICT for the namespace and the release, but for the metrics port (PERMISSIVE, ADR 0039). */
export function strictMtlsProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const peers = ofKind(objects, 'PeerAuthentication');
  const namespaceWide = peers.filter((p) => dig(p, 'spec', 'selector') === undefined);
  if (namespaceWide.length !== 1 || dig(namespaceWide[0], 'spec', 'mtls', 'mode') !== 'STRICT') problems.push('no namespace-wide PeerAuthentication STRICT');
  const release = peers.find((p) => dig(p, 'spec', 'selector', 'matchLabels', 'app.kubernetes.io/instance') === RELEASE);
  if (dig(release, 'spec', 'mtls', 'mode') !== 'STRICT') problems.push("the release's PeerAuthentication is not STRICT");
  const portLevel = dig<Record<string, { mode: string }>>(release, 'spec', 'portLevelMtls') ?? {};
  if (JSON.stringify(portLevel) !== JSON.stringify({ [PORTS.metrics]: { mode: 'PERMISSIVE' } })) problems.push(`port-level mTLS is ${JSON.stringify(portLevel)}, expected PERMISSIVE on ${PORTS.metrics} only`);
  const hosts = new Set(ofKind(objects, 'Service').map((s) => `${s.metadata.name}.${NAMESPACE}.svc.cluster.local`));
  for (const rule of ofKind(objects, 'DestinationRule')) {
    if (dig(rule, 'spec', 'trafficPolicy', 'tls', 'mode') === 'ISTIO_MUTUAL') hosts.delete(dig<string>(rule, 'spec', 'host')!);
  }
  for (const host of hosts) problems.push(`${host}: no DestinationRule with ISTIO_MUTUAL`);
  return problems;
}
