/**
 * Every GraphQL operation (`@Query`, `@Mutation`, `@Subscription`) and every gRPC method
 * (`@GrpcMethod`, ...) in src/modules declares the action it performs with
 * `@RequireAction('<action>')` (gRPC: or `@AuthenticatedOnly('<why>')`), and the declaration is
 * enforced: resolver classes run `AuthorizationGuard`, gRPC controllers read the declarations
 * (`requiredActionOf`). Checked by parsing the sources with the TypeScript compiler API. The
 * negative controls run the same check on test/architecture/fixtures/actions (planted
 * violations and a compliant file) and on in-memory sources.
 */
import { join } from 'node:path';
import { ACTIONS } from '../../src/modules/authorization/contracts/authorization.contracts';
import { MODULES_DIR, checkDeclaredActions, formatFinding, scanFiles, sourceFiles } from './support/declared-actions';

const FIXTURES = join(__dirname, 'fixtures', 'actions');

describe('GraphQL operations and gRPC methods declare their action', () => {
  const scan = scanFiles();

  it('every @Query/@Mutation/@Subscription/@GrpcMethod in src/modules declares an action, and it is enforced', () => {
    // Guard against a vacuous pass (e.g. the scan found no operation at all).
    expect(scan.operations.filter((op) => op.kind === 'graphql').length).toBeGreaterThan(0);
    expect(scan.operations.filter((op) => op.kind === 'grpc').length).toBeGreaterThan(0);
    if (scan.findings.length > 0) {
      throw new Error(`${scan.findings.length} operation(s) without a declared, enforced action:\n${scan.findings.map((f) => `  ${formatFinding(f)}`).join('\n')}`);
    }
  });

  it('finds the operations the platform is known to expose, with their actions', () => {
    const declared = scan.operations.map((op) => `${op.operation} ${op.className}.${op.method} ${op.action}`);
    expect(declared).toEqual(
      expect.arrayContaining([
        'Mutation ShipmentsResolver.createShipment shipment:create',
        'Query ShipmentsResolver.shipment shipment:read',
        'Query ShipmentsResolver.shipments shipment:list',
        'Mutation ShipmentsResolver.cancelShipment shipment:cancel',
        'Mutation TenantsResolver.createTenant tenant:create',
        'Mutation SigningKeysResolver.rotateSigningKey signing-key:rotate',
        'Mutation SigningKeysResolver.retireSigningKey signing-key:retire',
        'GrpcMethod ShipmentsGrpcController.createShipment shipment:create',
        'GrpcMethod ShipmentsGrpcController.getShipment shipment:read',
        'GrpcMethod ShipmentsGrpcController.listShipments shipment:list',
        'GrpcMethod ShipmentsGrpcController.updateShipmentStatus shipment:update-status',
        'GrpcMethod ShipmentsGrpcController.cancelShipment shipment:cancel',
        'GrpcMethod AuthorizationGrpcController.authorize authenticated-only',
      ]),
    );
    // Every action of the policy is used by some operation.
    expect(ACTIONS.filter((action) => !scan.operations.some((op) => op.action === action))).toEqual([]);
  });
});

describe('declared actions, negative control (fixtures under test/architecture/fixtures/actions)', () => {
  const problems = (file: string): string[] => scanFiles([join(FIXTURES, file)]).findings.map((f) => `${f.className}.${f.method}: ${f.problem}`);

  it('accepts the compliant fixture', () => {
    const scan = scanFiles([join(FIXTURES, 'compliant.ts')]);
    expect(scan.findings).toEqual([]);
    expect(scan.operations.map((op) => `${op.operation} ${op.method} ${op.action}`)).toEqual([
      'Query shipmentName shipment:read',
      'Mutation makeTenant tenant:create',
      'Subscription shipmentsChanged shipment:list',
      'GrpcMethod get shipment:read',
      'GrpcMethod whoAmI authenticated-only',
    ]);
  });

  it('reports every planted GraphQL violation', () => {
    expect(problems('graphql-violations.ts')).toEqual([
      expect.stringMatching(/^ForgetfulResolver\.forgotten: @Mutation without @RequireAction/),
      expect.stringMatching(/^ForgetfulResolver\.namespaced: @Subscription without @RequireAction/),
      expect.stringMatching(/^ForgetfulResolver\.dynamic: @RequireAction needs a string literal/),
      expect.stringMatching(/^ForgetfulResolver\.onlyAuthenticated: @AuthenticatedOnly is for gRPC methods/),
      expect.stringMatching(/^UnguardedResolver\.unguarded: class UnguardedResolver lacks @UseGuards\(AuthorizationGuard\)/),
    ]);
  });

  it('reports every planted gRPC violation', () => {
    expect(problems('grpc-violations.ts')).toEqual([
      expect.stringMatching(/^ForgetfulGrpcController\.forgotten: @GrpcMethod without @RequireAction/),
      expect.stringMatching(/^ForgetfulGrpcController\.stream: @GrpcStreamMethod without @RequireAction/),
      expect.stringMatching(/^ForgetfulGrpcController\.noReason: @AuthenticatedOnly needs a non-empty string literal/),
      expect.stringMatching(/^ForgetfulGrpcController\.both: declares more than one/),
      expect.stringMatching(/^DeafGrpcController\.deaf: class DeafGrpcController never reads the declared actions/),
    ]);
  });

  it('the main scan covers src/modules only, not the fixtures', () => {
    expect(sourceFiles().every((file) => file.startsWith(`${MODULES_DIR}/`))).toBe(true);
  });
});

describe('declared actions, negative control (in-memory sources)', () => {
  // Pretend the sources live next to the real resolvers, so relative imports resolve the same way.
  const fileName = join(MODULES_DIR, 'gateway', 'graphql', 'fake.resolver.ts');
  const problems = (source: string): string[] => checkDeclaredActions(fileName, source).findings.map((f) => `${f.method}: ${f.problem}`);

  it('reports an unknown action and a look-alike RequireAction from another file', () => {
    const source = `import { UseGuards } from '@nestjs/common';
import { Query, Subscription } from '@nestjs/graphql';
import { RequireAction } from '../../authorization';
import { RequireAction as FakeAction } from './not-the-real-decorator';
import { AuthorizationGuard } from './authorization.guard';
@UseGuards(AuthorizationGuard)
export class FakeResolver {
  @Query(() => String)
  @RequireAction('shipment:delete')
  unknown(): string { return 'x'; }

  @Query(() => String)
  @RequireAction()
  empty(): string { return 'x'; }

  @Subscription(() => String)
  @FakeAction('shipment:read')
  lookAlike() { return undefined; }
}`;
    expect(problems(source)).toEqual([
      expect.stringMatching(/^unknown: @RequireAction\('shipment:delete'\) names an unknown action/),
      expect.stringMatching(/^empty: @RequireAction needs a string literal/),
      expect.stringMatching(/^lookAlike: @Subscription without @RequireAction/),
    ]);
  });

  it('reports a class guarded by another guard', () => {
    const source = `import { UseGuards } from '@nestjs/common';
import { Query } from '@nestjs/graphql';
import { RequireAction } from '../../authorization';
class OtherGuard {}
@UseGuards(OtherGuard)
export class FakeResolver {
  @Query(() => String)
  @RequireAction('shipment:read')
  fake(): string { return 'x'; }
}`;
    expect(problems(source)).toEqual([expect.stringMatching(/^fake: class FakeResolver lacks @UseGuards\(AuthorizationGuard\)/)]);
  });

  it('ignores decorators named Query or GrpcMethod that do not come from Nest', () => {
    const source = `import { Query, GrpcMethod } from './my-own-decorators';
export class NotAResolver {
  @Query()
  notAnOperation(): string { return 'x'; }
  @GrpcMethod()
  notAnRpc(): string { return 'x'; }
}`;
    expect(checkDeclaredActions(fileName, source)).toEqual({ operations: [], findings: [] });
  });
});
