/**
 * Finds GraphQL operations and gRPC methods that do not declare the action they perform, by
 * parsing TypeScript with the compiler API (no regexes). Aliased and namespace imports are
 * followed; a look-alike decorator imported from elsewhere does not count.
 *
 * - A method decorated with `@Query`, `@Mutation` or `@Subscription` from `@nestjs/graphql` must
 *   carry `@RequireAction('<action>')` from the authorization module (its index or
 *   api/require-action.decorator.ts), with a string literal naming one of ACTIONS, and its class
 *   must carry `@UseGuards(..., AuthorizationGuard, ...)` (`UseGuards` from `@nestjs/common`,
 *   `AuthorizationGuard` from src/modules/gateway/graphql/authorization.guard.ts), which enforces it.
 * - A method decorated with `@GrpcMethod`, `@GrpcStreamMethod` or `@GrpcStreamCall` from
 *   `@nestjs/microservices` must carry `@RequireAction('<action>')` as above, or
 *   `@AuthenticatedOnly('<reason>')` with a non-empty string literal; a class with a gRPC method
 *   that declares an action must read the declarations (`requiredActionOf` from the
 *   authorization module, or `tenantRpcCaller`, which reads and enforces them) so they are enforced.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { ACTIONS } from '../../../src/modules/authorization/contracts/authorization.contracts';

/** The authorization module's functions that read a handler's declared action (and, for the second, enforce it). */
const READS_DECLARED_ACTIONS = new Set(['requiredActionOf', 'tenantRpcCaller']);

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const MODULES_DIR = join(REPO_ROOT, 'src', 'modules');
export const AUTHORIZATION_MODULE_DIR = join(MODULES_DIR, 'authorization');
export const AUTHORIZATION_GUARD_FILE = join(MODULES_DIR, 'gateway', 'graphql', 'authorization.guard.ts');

const AUTHORIZATION_SURFACES = new Set([
  AUTHORIZATION_MODULE_DIR,
  join(AUTHORIZATION_MODULE_DIR, 'index'),
  join(AUTHORIZATION_MODULE_DIR, 'api', 'require-action.decorator'),
]);
const GRAPHQL_OPERATIONS = new Set(['Query', 'Mutation', 'Subscription']);
const GRPC_METHODS = new Set(['GrpcMethod', 'GrpcStreamMethod', 'GrpcStreamCall']);

export interface DeclaredOperation {
  file: string;
  line: number;
  className: string;
  method: string;
  /** `Query`, `Mutation`, `Subscription`, `GrpcMethod`, ... */
  operation: string;
  kind: 'graphql' | 'grpc';
  /** The declared action, or `authenticated-only`, or null when none is declared properly. */
  action: string | null;
}

export interface ActionFinding extends DeclaredOperation {
  problem: string;
}

export interface ActionScan {
  operations: DeclaredOperation[];
  findings: ActionFinding[];
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
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    const target = resolveReference(callee, bindings);
    return target ? [{ ...target, args: ts.isCallExpression(expression) ? expression.arguments : [], isCall: ts.isCallExpression(expression) }] : [];
  });
}

function memberName(member: ts.ClassElement, source: ts.SourceFile): string {
  return member.name ? member.name.getText(source) : '<anonymous>';
}

const isAuthorization = (module: string): boolean => AUTHORIZATION_SURFACES.has(module);
const literal = (expression: ts.Expression | undefined): string | undefined =>
  expression && (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) ? expression.text : undefined;

/** Checks one source file; `fileName` (absolute) is where it lives, for resolving relative imports. */
export function checkDeclaredActions(fileName: string, sourceText: string): ActionScan {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const bindings = importBindings(source, fileName);
  const guardModule = stripExtension(AUTHORIZATION_GUARD_FILE);
  const file = relative(REPO_ROOT, fileName);
  const operations: DeclaredOperation[] = [];
  const findings: ActionFinding[] = [];

  const isAuthorizationGuard = (argument: ts.Expression): boolean => {
    const target = resolveReference(argument, bindings);
    return target?.module === guardModule && target.name === 'AuthorizationGuard';
  };

  /** Whether the class body calls `requiredActionOf(...)` or `tenantRpcCaller(...)` from the authorization module. */
  const readsDeclarations = (node: ts.ClassLikeDeclaration): boolean => {
    let found = false;
    const visit = (child: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(child)) {
        const target = resolveReference(child.expression, bindings);
        if (target && isAuthorization(target.module) && READS_DECLARED_ACTIONS.has(target.name)) found = true;
      }
      ts.forEachChild(child, visit);
    };
    node.members.forEach(visit);
    return found;
  };

  const visitClass = (node: ts.ClassLikeDeclaration): void => {
    const className = node.name?.text ?? '<anonymous class>';
    const classGuarded = decoratorCalls(node, bindings).some(
      (call) => call.module === '@nestjs/common' && call.name === 'UseGuards' && call.args.some(isAuthorizationGuard),
    );
    let grpcActionsDeclared = false;
    const grpcOperations: DeclaredOperation[] = [];
    for (const member of node.members) {
      const calls = decoratorCalls(member, bindings);
      const graphql = calls.find((call) => call.module === '@nestjs/graphql' && GRAPHQL_OPERATIONS.has(call.name));
      const grpc = calls.find((call) => call.module === '@nestjs/microservices' && GRPC_METHODS.has(call.name));
      const operation = graphql ?? grpc;
      if (!operation) continue;
      const where: DeclaredOperation = {
        file,
        line: source.getLineAndCharacterOfPosition(member.getStart(source)).line + 1,
        className,
        method: memberName(member, source),
        operation: operation.name,
        kind: graphql ? 'graphql' : 'grpc',
        action: null,
      };
      operations.push(where);
      const report = (problem: string) => findings.push({ ...where, problem });

      const requireAction = calls.filter((call) => isAuthorization(call.module) && call.name === 'RequireAction');
      const authenticatedOnly = calls.filter((call) => isAuthorization(call.module) && call.name === 'AuthenticatedOnly');
      if (requireAction.length + authenticatedOnly.length > 1) {
        report('declares more than one of @RequireAction / @AuthenticatedOnly');
      } else if (requireAction.length === 1) {
        const action = literal(requireAction[0]!.args[0]);
        if (action === undefined) report('@RequireAction needs a string literal naming the action');
        else if (!(ACTIONS as readonly string[]).includes(action)) report(`@RequireAction('${action}') names an unknown action (known: ${ACTIONS.join(', ')})`);
        else where.action = action;
      } else if (authenticatedOnly.length === 1) {
        if (where.kind === 'graphql') report('@AuthenticatedOnly is for gRPC methods; a GraphQL operation declares @RequireAction');
        else if (!literal(authenticatedOnly[0]!.args[0])?.trim()) report('@AuthenticatedOnly needs a non-empty string literal saying why no action applies');
        else where.action = 'authenticated-only';
      } else {
        report(`@${operation.name} without @RequireAction(...) from src/modules/authorization`);
      }

      if (where.kind === 'graphql' && !classGuarded) {
        report(`class ${className} lacks @UseGuards(AuthorizationGuard), so @RequireAction is never enforced`);
      }
      if (where.kind === 'grpc') {
        grpcOperations.push(where);
        if (requireAction.length > 0) grpcActionsDeclared = true;
      }
    }
    if (grpcActionsDeclared && !readsDeclarations(node)) {
      for (const where of grpcOperations) {
        findings.push({ ...where, problem: `class ${className} never reads the declared actions (requiredActionOf), so @RequireAction is never enforced` });
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

/** Every .ts file under a directory except specs and declaration files. */
export function sourceFiles(root = MODULES_DIR): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.d.ts'))
    .map((path) => join(root, path))
    .sort();
}

export function scanFiles(files = sourceFiles()): ActionScan {
  const scans = files.map((file) => checkDeclaredActions(file, readFileSync(file, 'utf8')));
  return { operations: scans.flatMap((scan) => scan.operations), findings: scans.flatMap((scan) => scan.findings) };
}

export const formatFinding = (finding: ActionFinding): string =>
  `${finding.file}:${finding.line} ${finding.className}.${finding.method} (@${finding.operation}): ${finding.problem}`;
