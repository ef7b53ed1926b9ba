/**
 * Finds GraphQL resolver methods that do not declare their scopes, by parsing TypeScript with the
 * compiler API (no regexes): a method decorated with `@Query`, `@Mutation` or `@Subscription`
 * imported from `@nestjs/graphql` must also carry `@RequireScopes(<at least one scope>)` imported
 * from src/modules/gateway/graphql/require-scopes.decorator.ts, and its class must carry
 * `@UseGuards(..., ScopesGuard, ...)` (`UseGuards` from `@nestjs/common`, `ScopesGuard` from
 * src/modules/gateway/graphql/scopes.guard.ts). Aliased and namespace imports are followed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const MODULES_DIR = join(REPO_ROOT, 'src', 'modules');
export const REQUIRE_SCOPES_FILE = join(MODULES_DIR, 'gateway', 'graphql', 'require-scopes.decorator.ts');
export const SCOPES_GUARD_FILE = join(MODULES_DIR, 'gateway', 'graphql', 'scopes.guard.ts');

const GRAPHQL_OPERATIONS = new Set(['Query', 'Mutation', 'Subscription']);

export interface ResolverOperation {
  file: string;
  line: number;
  className: string;
  method: string;
  operation: string;
}

export interface ScopeFinding extends ResolverOperation {
  problem: string;
}

export interface ScopeScan {
  operations: ResolverOperation[];
  findings: ScopeFinding[];
}

/** Where a local name comes from: `import { imported as local } from 'module'` or `import * as local`. */
interface ImportedBinding {
  module: string;
  /** The exported name, or undefined for a namespace import. */
  imported?: string;
}

const stripExtension = (file: string): string => file.replace(/\.(d\.)?[cm]?[tj]sx?$/, '');

/** A module specifier as an absolute path without extension (relative ones), or as written (packages). */
function moduleKey(fromFile: string, specifier: string): string {
  return specifier.startsWith('.') ? stripExtension(resolve(dirname(fromFile), specifier)) : specifier;
}

function importBindings(source: ts.SourceFile, fileName: string): Map<string, ImportedBinding> {
  const bindings = new Map<string, ImportedBinding>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    const module = moduleKey(fileName, statement.moduleSpecifier.text);
    if (clause.name) bindings.set(clause.name.text, { module, imported: 'default' });
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) bindings.set(named.name.text, { module });
    if (named && ts.isNamedImports(named)) {
      for (const element of named.elements) {
        bindings.set(element.name.text, { module, imported: (element.propertyName ?? element.name).text });
      }
    }
  }
  return bindings;
}

/** `Foo`, or `ns.Foo`, resolved through the file's imports to { module, name }. */
function resolveReference(expression: ts.Expression, bindings: Map<string, ImportedBinding>): { module: string; name: string } | undefined {
  if (ts.isIdentifier(expression)) {
    const binding = bindings.get(expression.text);
    return binding?.imported ? { module: binding.module, name: binding.imported } : undefined;
  }
  if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression)) {
    const binding = bindings.get(expression.expression.text);
    return binding && !binding.imported ? { module: binding.module, name: expression.name.text } : undefined;
  }
  return undefined;
}

interface DecoratorCall {
  module: string;
  name: string;
  args: readonly ts.Expression[];
  isCall: boolean;
}

function decoratorCalls(node: ts.Node, bindings: Map<string, ImportedBinding>): DecoratorCall[] {
  if (!ts.canHaveDecorators(node)) return [];
  return (ts.getDecorators(node) ?? []).flatMap((decorator) => {
    const expression = decorator.expression;
    const isCall = ts.isCallExpression(expression);
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    const target = resolveReference(callee, bindings);
    return target ? [{ ...target, args: ts.isCallExpression(expression) ? expression.arguments : [], isCall }] : [];
  });
}

function memberName(member: ts.ClassElement, source: ts.SourceFile): string {
  return member.name ? member.name.getText(source) : '<anonymous>';
}

/** Checks one source file; `fileName` (absolute) is where it lives, for resolving relative imports. */
export function checkResolverScopes(fileName: string, sourceText: string): ScopeScan {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const bindings = importBindings(source, fileName);
  const requireScopesModule = stripExtension(REQUIRE_SCOPES_FILE);
  const scopesGuardModule = stripExtension(SCOPES_GUARD_FILE);
  const file = relative(REPO_ROOT, fileName);
  const operations: ResolverOperation[] = [];
  const findings: ScopeFinding[] = [];

  const isScopesGuard = (argument: ts.Expression): boolean => {
    const target = resolveReference(argument, bindings);
    return target?.module === scopesGuardModule && target.name === 'ScopesGuard';
  };

  const visitClass = (node: ts.ClassLikeDeclaration): void => {
    const className = node.name?.text ?? '<anonymous class>';
    const classGuarded = decoratorCalls(node, bindings).some(
      (call) => call.module === '@nestjs/common' && call.name === 'UseGuards' && call.args.some(isScopesGuard),
    );
    for (const member of node.members) {
      const calls = decoratorCalls(member, bindings);
      const operation = calls.find((call) => call.module === '@nestjs/graphql' && GRAPHQL_OPERATIONS.has(call.name));
      if (!operation) continue;
      const where: ResolverOperation = {
        file,
        line: source.getLineAndCharacterOfPosition(member.getStart(source)).line + 1,
        className,
        method: memberName(member, source),
        operation: operation.name,
      };
      operations.push(where);
      const scopes = calls.filter((call) => call.module === requireScopesModule && call.name === 'RequireScopes');
      if (scopes.length === 0) {
        findings.push({ ...where, problem: `@${operation.name} without @RequireScopes(...) from src/modules/gateway/graphql/require-scopes.decorator.ts` });
      } else if (!scopes.some((call) => call.isCall && call.args.length > 0)) {
        findings.push({ ...where, problem: '@RequireScopes declares no scope (give it at least one)' });
      }
      if (!classGuarded) {
        findings.push({ ...where, problem: `class ${className} lacks @UseGuards(ScopesGuard), so @RequireScopes is never enforced` });
      }
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) visitClass(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { operations, findings };
}

/** Every .ts file under src/modules except specs and declaration files. */
export function moduleSourceFiles(root = MODULES_DIR): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.d.ts'))
    .map((path) => join(root, path))
    .sort();
}

export function scanModules(files = moduleSourceFiles()): ScopeScan {
  const scans = files.map((file) => checkResolverScopes(file, readFileSync(file, 'utf8')));
  return { operations: scans.flatMap((scan) => scan.operations), findings: scans.flatMap((scan) => scan.findings) };
}

export const formatFinding = (finding: ScopeFinding): string =>
  `${finding.file}:${finding.line} ${finding.className}.${finding.method} (@${finding.operation}): ${finding.problem}`;
