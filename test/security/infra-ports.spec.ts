import { execFileSync } from 'node:child_process';
import { realServerOrSkip } from '../support/embedded-postgres';

/**
 * The processes `npm run infra:up` starts (servers and their helpers: RabbitMQ's epmd, Kafka's JVM),
 * by the name `ss` shows: the kernel's, cut at 15 characters (toxiproxy-server, prometheus-alertmanager).
 */
const INFRA_PROCESSES = ['postgres', 'beam.smp', 'epmd', 'java', 'temporal', 'opa', 'prometheus', 'victoria-logs', 'jaeger', 'toxiproxy-serve', 'prometheus-aler'];

interface Listener {
  address: string;
  port: number;
  process: string;
}

/** Every listening TCP socket of this machine with its process name (`ss`, as root sees them all). */
function listeners(): Listener[] {
  const out = execFileSync('ss', ['-H', '-ltnp'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const columns = line.trim().split(/\s+/);
      const local = columns[3] ?? '';
      const separator = local.lastIndexOf(':');
      const process = /users:\(\("([^"]+)"/.exec(line)?.[1] ?? '';
      return [{ address: local.slice(0, separator).replace(/^\[|\]$/g, ''), port: Number(local.slice(separator + 1)), process }];
    });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * The servers of `npm run infra:up` answer on loopback only: no port of theirs (the servers'
 * own, and the ports their helpers open: Kafka's controller, RabbitMQ's distribution port and
 * epmd, Temporal's internal services) listens on an address another machine can reach.
 */
realServerOrSkip(
  ['DATABASE_TEST_URL', 'AMQP_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'OPA_URL', 'PROMETHEUS_URL', 'VICTORIA_LOGS_URL', 'JAEGER_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'TOXIPROXY_URL', 'ALERTMANAGER_URL'],
  'the real servers (`npm run infra:up`)',
)('security: the servers of infra:up listen on loopback only', (env) => {
  it('every listening socket of an infra process is bound to a loopback address', () => {
    const ours = listeners().filter((l) => INFRA_PROCESSES.includes(l.process));
    expect(ours.length).toBeGreaterThanOrEqual(9);
    expect(ours.filter((l) => !LOOPBACK.test(l.address))).toEqual([]);
  });

  it('each server of .env.infra is among them, on the port its setting names', () => {
    const ports = [
      Number(new URL(env.DATABASE_TEST_URL).port || 5432),
      Number(new URL(env.AMQP_URL).port || 5672),
      Number(env.KAFKA_BROKERS.split(',')[0]!.split(':')[1]),
      Number(env.TEMPORAL_ADDRESS.split(':')[1]),
      Number(new URL(env.OPA_URL).port),
      Number(new URL(env.PROMETHEUS_URL).port),
      Number(new URL(env.VICTORIA_LOGS_URL).port),
      Number(new URL(env.JAEGER_URL).port),
      Number(new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT).port),
      Number(new URL(env.TOXIPROXY_URL).port),
      Number(new URL(env.ALERTMANAGER_URL).port),
    ];
    const all = listeners();
    for (const port of ports) {
      const bound = all.filter((l) => l.port === port);
      expect({ port, bound: bound.length > 0 }).toEqual({ port, bound: true });
      expect(bound.filter((l) => !LOOPBACK.test(l.address))).toEqual([]);
    }
  });
});
