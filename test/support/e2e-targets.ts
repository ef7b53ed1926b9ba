import { realServerOrSkip } from './embedded-postgres';

/**
 * Where the end-to-end suites run: always on the embedded defaults, and on the real servers
 * started by `npm run infra:up` (settings from `.env.infra`), same tests, adapters chosen by the
 * environment. Without those settings the real-server run is skipped with a line saying what to
 * start, and fails under LOGISYNAPSE_REQUIRE_INFRA=1.
 */
export interface E2eTarget {
  name: string;
  env: Record<string, string>;
  describe: (name: string, body: () => void) => void;
}

const REAL_SERVER_VARIABLES = ['DATABASE_TEST_URL', 'DATABASE_TEST_OWNER_URL'] as const;

export function e2eTargets(): E2eTarget[] {
  const realEnv: Record<string, string> = {};
  if (process.env.DATABASE_TEST_URL) realEnv.DATABASE_URL = process.env.DATABASE_TEST_URL;
  if (process.env.DATABASE_TEST_OWNER_URL) realEnv.DATABASE_OWNER_URL = process.env.DATABASE_TEST_OWNER_URL;
  return [
    { name: 'embedded defaults', env: {}, describe: (name, body) => describe(name, body) },
    {
      name: 'real servers',
      env: realEnv,
      describe: (name, body) => realServerOrSkip([...REAL_SERVER_VARIABLES], 'the real servers (`npm run infra:up`)')(name, () => body()),
    },
  ];
}
