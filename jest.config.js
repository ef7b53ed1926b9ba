// Jest runs TypeScript through SWC (decorator metadata included) and also transforms the
// dependencies published only as ES modules (NestJS 12, pg-boss, ...) into CommonJS.
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.$schema;

const esmOnly = [
  '@nestjs',
  'pg-boss',
  'serialize-error',
  'cron-parser',
  'rrule-temporal',
  'temporal-polyfill',
  'luxon',
  'jose',
  'nestjs-pino',
  'pino-http',
  'uuid',
  'graphql-ws',
  'es-toolkit',
  'non-error',
];

const transform = { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swcrc, swcrc: false, sourceMaps: 'inline' }] };
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];
const common = {
  transform,
  transformIgnorePatterns,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // A relative `./x.js` in our sources (a dynamic import under nodenext) names the compiled file;
  // under Jest the source `./x.ts` is meant. Files that are really `.js` still resolve to it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/test/support/load-env-infra.ts'],
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'] },
    { ...common, displayName: 'contract', testMatch: ['<rootDir>/test/contracts/**/*.spec.ts'], globalSetup: '<rootDir>/test/support/global-build.ts' },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'], globalSetup: '<rootDir>/test/support/global-build.ts' },
    { ...common, displayName: 'security', testMatch: ['<rootDir>/test/security/**/*.spec.ts'], globalSetup: '<rootDir>/test/support/global-build.ts' },
  ],
};
