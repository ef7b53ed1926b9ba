// @ts-check
/**
 * Module boundaries of Logisynapse (docs/architecture.md, "Modules"; ADR 0001), checked by
 * test/architecture/module-boundaries.spec.ts, which runs
 *   depcruise --config .dependency-cruiser.cjs --output-type json src migrations
 * from the repository root. Paths in the rules are relative to the directory the cruise runs in,
 * so the same rules also run over the fixture tree in test/architecture/fixtures/ (negative
 * control). Run by hand: `npx depcruise --config .dependency-cruiser.cjs src migrations`.
 */
const path = require('node:path');

/** Infrastructure drivers and frameworks that domain code must not know about. */
const DRIVER_PACKAGES = [
  '@nestjs/[^/]+',
  '@dbos-inc/[^/]+',
  '@temporalio/[^/]+',
  '@grpc/[^/]+',
  '@electric-sql/[^/]+',
  '(@types/)?pg',
  'typeorm',
  'pg-boss',
  'kafkajs',
  '(@types/)?amqplib',
  '(@types/)?express',
  'graphql',
  'jose',
];
// Matches a resolved package file ([../]node_modules/<pkg>/...) and an unresolvable bare name (<pkg>).
const DRIVERS = `(^|(^|/)node_modules/)(${DRIVER_PACKAGES.join('|')})(/|$)`;
const NOT_DRIVER_BUT_LOCAL = '^(src|migrations|test)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'module-public-surface',
      comment:
        'A module reaches another module only through its public surface, src/modules/<name>/index.ts ' +
        '(module class, tokens, contracts). Import "../<name>" instead of one of its files.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'domain-no-framework-or-driver',
      comment:
        'domain/ is plain TypeScript: no Nest, no driver (pg, typeorm, pg-boss, kafkajs, amqplib, DBOS, ' +
        'Temporal, gRPC, PGlite, express, graphql, jose), type-only imports included.',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/domain/' },
      to: { path: DRIVERS, pathNot: NOT_DRIVER_BUT_LOCAL },
    },
    {
      name: 'domain-no-outer-layers',
      comment: 'domain/ may not import adapters/, api/ or application/ code of any module (nor platform adapters).',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/domain/' },
      to: { path: ['^src/modules/[^/]+/(adapters|api|application)/', '^src/platform/.*/adapters/'] },
    },
    {
      name: 'workflow-imports-only-contracts',
      comment:
        'Workflow code must stay deterministic and engine-neutral: it imports its own module\'s contracts/ ' +
        '(and sibling workflow files) only. No Node built-ins, no adapters, no activity implementations, no drivers.',
      severity: 'error',
      from: { path: '^src/modules/workflow-orchestrator/workflows/' },
      to: { pathNot: '^src/modules/workflow-orchestrator/(contracts|workflows)/' },
    },
    {
      name: 'workflow-contracts-type-only',
      comment: 'Workflow code takes its contracts as types (`import type`), so nothing runs when a workflow module loads.',
      severity: 'error',
      from: { path: '^src/modules/workflow-orchestrator/workflows/' },
      to: { path: '^src/modules/workflow-orchestrator/contracts/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'platform-below-modules',
      comment: 'src/platform is shared technical code below the business modules: it may not import them.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-runtime-cycle-between-modules',
      comment:
        'No import cycle that leaves a module folder, unless at least one edge of it is a type-only import ' +
        '(erased at compile time, so there is no cycle at run time). The spec also checks cycles at the ' +
        'module-folder level from the same cruise graph.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        circular: true,
        via: { pathNot: '^src/modules/$1/' },
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The fixture tree of the negative control is cruised on its own, never as part of the code base.
    exclude: { path: '(^|/)test/architecture/fixtures/' },
    // Keep `import type` edges in the graph, marked "type-only": type-only imports of a driver in
    // domain/ are still violations, and cycles made only of type-only edges can be told apart.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
