/**
 * Every GraphQL operation (`@Query`, `@Mutation`, `@Subscription` from @nestjs/graphql) in
 * src/modules declares the scopes it needs with `@RequireScopes(...)`, and its resolver class runs
 * `ScopesGuard` (`@UseGuards(ScopesGuard)`), which enforces them. Checked by parsing the sources
 * with the TypeScript compiler API; the negative controls run the same check on in-memory sources.
 */
import { join } from 'node:path';
import { MODULES_DIR, checkResolverScopes, formatFinding, scanModules } from './support/resolver-scopes';

describe('GraphQL resolvers declare their scopes', () => {
  it('every @Query/@Mutation/@Subscription in src/modules has @RequireScopes and a class with @UseGuards(ScopesGuard)', () => {
    const { operations, findings } = scanModules();
    // Guard against a vacuous pass (e.g. the scan found no resolver at all).
    expect(operations.length).toBeGreaterThan(0);
    if (findings.length > 0) {
      throw new Error(`${findings.length} GraphQL operation(s) without declared scopes:\n${findings.map((f) => `  ${formatFinding(f)}`).join('\n')}`);
    }
  });

  it('finds the operations the gateway is known to expose', () => {
    const names = scanModules().operations.map((op) => `${op.operation} ${op.method}`);
    expect(names).toEqual(expect.arrayContaining(['Mutation createShipment', 'Query shipment', 'Query shipments', 'Mutation createTenant']));
  });
});

describe('GraphQL resolvers declare their scopes, negative control (in-memory sources)', () => {
  // Pretend the sources live next to the real resolvers, so relative imports resolve the same way.
  const fileName = join(MODULES_DIR, 'gateway', 'graphql', 'fake.resolver.ts');
  const header = [
    "import { UseGuards } from '@nestjs/common';",
    "import { Args, Mutation, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';",
    "import { RequireScopes } from './require-scopes.decorator';",
    "import { ScopesGuard } from './scopes.guard';",
  ].join('\n');
  const problems = (source: string): string[] => checkResolverScopes(fileName, source).findings.map((f) => `${f.method}: ${f.problem}`);

  it('accepts a compliant resolver', () => {
    const source = `${header}
@Resolver()
@UseGuards(ScopesGuard)
export class FakeResolver {
  @Query(() => String)
  @RequireScopes('fake:read')
  fake(): string { return 'x'; }

  @Mutation(() => String)
  @RequireScopes('fake:write', 'fake:admin')
  changeFake(@Args('v') v: string): string { return v; }

  @Subscription(() => String)
  @RequireScopes('fake:read')
  fakeChanged() { return undefined; }

  @ResolveField(() => String)
  detail(): string { return 'field resolvers are not operations'; }
}`;
    const scan = checkResolverScopes(fileName, source);
    expect(scan.findings).toEqual([]);
    expect(scan.operations.map((op) => `${op.operation} ${op.method}`)).toEqual(['Query fake', 'Mutation changeFake', 'Subscription fakeChanged']);
  });

  it('reports an operation without @RequireScopes', () => {
    const source = `${header}
@Resolver()
@UseGuards(ScopesGuard)
export class FakeResolver {
  @Query(() => String)
  @RequireScopes('fake:read')
  fine(): string { return 'x'; }

  @Mutation(() => String)
  forgotten(): string { return 'x'; }
}`;
    expect(problems(source)).toEqual([expect.stringMatching(/^forgotten: @Mutation without @RequireScopes/)]);
  });

  it('reports a resolver class without @UseGuards(ScopesGuard)', () => {
    const source = `${header}
class OtherGuard {}
@Resolver()
@UseGuards(OtherGuard)
export class FakeResolver {
  @Query(() => String)
  @RequireScopes('fake:read')
  fake(): string { return 'x'; }
}`;
    expect(problems(source)).toEqual([expect.stringMatching(/^fake: class FakeResolver lacks @UseGuards\(ScopesGuard\)/)]);
  });

  it('reports @RequireScopes() with no scope, and a look-alike RequireScopes from another file', () => {
    const source = `import { UseGuards } from '@nestjs/common';
import { Query, Subscription } from '@nestjs/graphql';
import { RequireScopes } from './require-scopes.decorator';
import { RequireScopes as FakeScopes } from './not-the-real-decorator';
import { ScopesGuard } from './scopes.guard';
@UseGuards(ScopesGuard)
export class FakeResolver {
  @Query(() => String)
  @RequireScopes()
  empty(): string { return 'x'; }

  @Subscription(() => String)
  @FakeScopes('fake:read')
  lookAlike() { return undefined; }
}`;
    expect(problems(source)).toEqual([
      expect.stringMatching(/^empty: @RequireScopes declares no scope/),
      expect.stringMatching(/^lookAlike: @Subscription without @RequireScopes/),
    ]);
  });

  it('follows aliased and namespace imports of @nestjs/graphql', () => {
    const source = `import { UseGuards } from '@nestjs/common';
import * as gql from '@nestjs/graphql';
import { Query as GqlQuery } from '@nestjs/graphql';
import { ScopesGuard } from './scopes.guard';
@UseGuards(ScopesGuard)
export class FakeResolver {
  @GqlQuery(() => String)
  aliased(): string { return 'x'; }

  @gql.Mutation(() => String)
  namespaced(): string { return 'x'; }
}`;
    expect(problems(source)).toEqual([
      expect.stringMatching(/^aliased: @Query without @RequireScopes/),
      expect.stringMatching(/^namespaced: @Mutation without @RequireScopes/),
    ]);
  });

  it('ignores decorators named Query that do not come from @nestjs/graphql', () => {
    const source = `import { Query } from './my-own-decorators';
export class NotAResolver {
  @Query()
  notAnOperation(): string { return 'x'; }
}`;
    expect(checkResolverScopes(fileName, source)).toEqual({ operations: [], findings: [] });
  });
});
