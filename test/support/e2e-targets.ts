import { realServerOrSkip } from './embedded-postgres';

/**
 * Where the end-to-end suites run: always on the embedded defaults, and on the real servers
 * started by `npm run infra:up` (settings from `.env.infra`), same tests, adapters chosen by the
 * environment. Without those settings the real-server run is skipped with a line saying what to
 * start, and fails under LOGISYNAPSE_REQUIRE_INFRA=1. The policy engine follows too: the embedded
 * run decides with CASL (no OPA_URL), the real-server run with OPA, so both engines face the
 * same end-to-end tests.
 */
export interface E2eTarget {
  name: string;
  env: Record<string, string>;
  describe: (name: string, body: () => void) => void;
}

const REAL_SERVER_VARIABLES = ['DATABASE_TEST_URL', 'DATABASE_TEST_OWNER_URL', 'DATABASE_TEST_ENGINE_URL', 'AMQP_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'OPA_URL'] as const;

const TASK_QUEUE = `e2e-${process.pid}-${Date.now().toString(36)}`;

/**
 * The key-encryption key of the shared test database's signing keys (ADR 0028): every app the
 * tests start on it must use the same one, and a key generated into each app's own data
 * directory would differ. A test database's key, not a secret; LOGISYNAPSE_TEST_KEY_ENCRYPTION_KEY
 * overrides it.
 */
export const TEST_KEY_ENCRYPTION_KEY = process.env.LOGISYNAPSE_TEST_KEY_ENCRYPTION_KEY ?? Buffer.alloc(32, 'logisynapse test database key!!').toString('base64');

export function e2eTargets(): E2eTarget[] {
  const realEnv: Record<string, string> = {};
  if (process.env.DATABASE_TEST_URL) realEnv.DATABASE_URL = process.env.DATABASE_TEST_URL;
  if (process.env.DATABASE_TEST_OWNER_URL) realEnv.DATABASE_OWNER_URL = process.env.DATABASE_TEST_OWNER_URL;
  if (process.env.DATABASE_TEST_ENGINE_URL) realEnv.DATABASE_ENGINE_URL = process.env.DATABASE_TEST_ENGINE_URL;
  if (process.env.AMQP_URL) realEnv.AMQP_URL = process.env.AMQP_URL;
  if (process.env.KAFKA_BROKERS) realEnv.KAFKA_BROKERS = process.env.KAFKA_BROKERS;
  if (process.env.TEMPORAL_ADDRESS) realEnv.TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS;
  if (process.env.TEMPORAL_NAMESPACE) realEnv.TEMPORAL_NAMESPACE = process.env.TEMPORAL_NAMESPACE;
  if (process.env.OPA_URL) realEnv.OPA_URL = process.env.OPA_URL;
  realEnv.LOGISYNAPSE_KEY_ENCRYPTION_KEY = TEST_KEY_ENCRYPTION_KEY;
  // One Temporal task queue per test file: the apps of one file (a restart) share it, and no
  // other file's worker takes their workflows.
  realEnv.TEMPORAL_TASK_QUEUE = TASK_QUEUE;
  realEnv.KAFKA_TOPIC_PREFIX = `${TASK_QUEUE}.`;
  // And its own RabbitMQ queues: another file's app must not take this file's email tasks.
  realEnv.AMQP_QUEUE_PREFIX = `${TASK_QUEUE}.`;
  return [
    { name: 'embedded defaults', env: {}, describe: (name, body) => describe(name, body) },
    {
      name: 'real servers',
      env: realEnv,
      describe: (name, body) => realServerOrSkip([...REAL_SERVER_VARIABLES], 'the real servers (`npm run infra:up`)')(name, () => body()),
    },
  ];
}
