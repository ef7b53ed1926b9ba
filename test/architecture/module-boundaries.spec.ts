/**
 * Module boundaries (docs/architecture.md, "Modules"): dependency-cruiser with the rules of .dependency-cruiser.cjs
 * over src/ and migrations/, plus a module-folder level cycle check on the same graph. A negative
 * control runs the very same rules over test/architecture/fixtures, a small tree with planted
 * violations, and asserts that exactly those are reported.
 */
import {
  FIXTURES_ROOT,
  REPO_ROOT,
  cruise,
  displayPath,
  findModuleCycles,
  formatModuleCycle,
  formatViolation,
  type CruiseResult,
  type CruiseViolation,
} from './support/dependency-cruiser';

const RULES = [
  'module-public-surface',
  'domain-no-framework-or-driver',
  'domain-no-outer-layers',
  'workflow-imports-only-contracts',
  'workflow-contracts-type-only',
  'platform-below-modules',
  'no-runtime-cycle-between-modules',
] as const;

function report(result: CruiseResult, violations: CruiseViolation[]): string {
  const comments = new Map((result.summary.ruleSetUsed?.forbidden ?? []).map((rule) => [rule.name, rule.comment ?? '']));
  const rulesHit = [...new Set(violations.map((violation) => violation.rule.name))];
  return [
    `${violations.length} module boundary violation(s):`,
    ...violations.map((violation) => `  ${formatViolation(violation)}`),
    '',
    'Rules:',
    ...rulesHit.map((name) => `  ${name}: ${comments.get(name) ?? ''}`),
  ].join('\n');
}

describe('module boundaries (dependency-cruiser)', () => {
  let result: CruiseResult;

  beforeAll(() => {
    result = cruise(REPO_ROOT, ['src', 'migrations']);
  });

  it('cruises the code base with every rule of .dependency-cruiser.cjs', () => {
    const rulesUsed = (result.summary.ruleSetUsed?.forbidden ?? []).map((rule) => rule.name).sort();
    expect(rulesUsed).toEqual([...RULES].sort());
    const sources = result.modules.map((module) => module.source);
    expect(sources.filter((source) => source.startsWith('src/modules/')).length).toBeGreaterThan(20);
    expect(sources.filter((source) => source.startsWith('src/platform/')).length).toBeGreaterThan(0);
    expect(sources.some((source) => source.includes('test/architecture/fixtures'))).toBe(false);
  });

  it('has no dependency violations in src/ and migrations/', () => {
    const violations = result.summary.violations;
    if (violations.length > 0) throw new Error(report(result, violations));
    expect(result.summary.error).toBe(0);
  });

  it('has no run-time cycle between module folders (cycles through type-only imports are allowed)', () => {
    const cycles = findModuleCycles(result);
    if (cycles.length > 0) throw new Error(`${cycles.length} cycle(s) between module folders:\n${cycles.map(formatModuleCycle).join('\n')}`);
  });
});

describe('module boundaries, negative control (fixtures with planted violations)', () => {
  let fixture: CruiseResult;

  beforeAll(() => {
    fixture = cruise(FIXTURES_ROOT, ['src']);
  });

  const key = (violation: CruiseViolation): string => `[${violation.rule.name}] ${violation.from} → ${displayPath(violation.to)}`;

  it('reports every planted violation, and nothing that is allowed', () => {
    const wf = 'src/modules/workflow-orchestrator';
    const expected: Array<[rule: (typeof RULES)[number], from: string, to: RegExp]> = [
      ['module-public-surface', 'src/modules/y/thing.ts', /^src\/modules\/x\/internal\/secret\.ts$/],
      ['domain-no-framework-or-driver', 'src/modules/x/domain/bad.ts', /^@nestjs\/common\//],
      ['domain-no-framework-or-driver', 'src/modules/x/domain/bad.ts', /^(@types\/)?pg\//],
      ['domain-no-outer-layers', 'src/modules/x/domain/bad.ts', /^src\/modules\/x\/application\/helper\.ts$/],
      ['workflow-imports-only-contracts', `${wf}/workflows/bad.workflow.ts`, /^(node:)?crypto$/],
      ['workflow-imports-only-contracts', `${wf}/workflows/bad.workflow.ts`, /activities\/fixture\.activities\.ts$/],
      ['workflow-contracts-type-only', `${wf}/workflows/bad.workflow.ts`, /contracts\/fixture\.contracts\.ts$/],
      ['platform-below-modules', 'src/platform/leaky.ts', /^src\/modules\/x\/index\.ts$/],
      ['no-runtime-cycle-between-modules', 'src/modules/a/index.ts', /^src\/modules\/b\/index\.ts$/],
    ];
    const actual = fixture.summary.violations;
    const matches = (violation: CruiseViolation, [rule, from, to]: (typeof expected)[number]): boolean =>
      violation.rule.name === rule && violation.from === from && to.test(displayPath(violation.to));

    const missing = expected.filter((entry) => !actual.some((violation) => matches(violation, entry)));
    // dependency-cruiser may report one cycle from either end: b → a is the same planted cycle.
    const isPlantedCycleFromB = (violation: CruiseViolation): boolean =>
      violation.rule.name === 'no-runtime-cycle-between-modules' && violation.from === 'src/modules/b/index.ts' && violation.to === 'src/modules/a/index.ts';
    const unexpected = actual.filter((violation) => !expected.some((entry) => matches(violation, entry)) && !isPlantedCycleFromB(violation));

    expect({ missing: missing.map(([rule, from, to]) => `[${rule}] ${from} → ${to}`), unexpected: unexpected.map(key) }).toEqual({
      missing: [],
      unexpected: [],
    });
    // Every rule of the config is proven to bite at least once.
    expect([...new Set(actual.map((violation) => violation.rule.name))].sort()).toEqual([...RULES].sort());
  });

  it('allows public-surface imports, type-only workflow contracts and type-only cycles', () => {
    const reported = fixture.summary.violations.map(key);
    expect(reported).not.toContain('[module-public-surface] src/modules/y/thing.ts → src/modules/x/index.ts');
    expect(reported.filter((line) => line.includes('good.workflow.ts'))).toEqual([]);
    expect(reported.filter((line) => /modules\/(c|d)\//.test(line))).toEqual([]);
  });

  it('sees type-only imports (tsPreCompilationDeps), so a type-only driver import in domain/ is still caught', () => {
    const pgImport = fixture.summary.violations.find((violation) => violation.rule.name === 'domain-no-framework-or-driver' && /(^|\/)pg\//.test(displayPath(violation.to)));
    expect(pgImport?.dependencyTypes).toContain('type-only');
  });

  it('reports cycles between module folders, including ones no single file closes, but not type-only ones', () => {
    const cycles = findModuleCycles(fixture).map((cycle) => cycle.modules);
    expect(cycles.sort()).toEqual([
      ['a', 'b'],
      ['e', 'f'],
    ]);
    expect(formatModuleCycle(findModuleCycles(fixture).find((cycle) => cycle.modules.includes('e'))!)).toContain(
      'src/modules/e/uses-f.ts → src/modules/f/index.ts',
    );
  });
});
