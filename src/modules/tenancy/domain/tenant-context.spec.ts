import { MissingTenantContextError, TenantContext } from './tenant-context';

describe('TenantContext', () => {
  const a = '11111111-1111-4111-8111-111111111111';
  const b = '22222222-2222-4222-8222-222222222222';

  it('fails closed when no tenant is set', () => {
    expect(() => TenantContext.require()).toThrow(MissingTenantContextError);
    expect(TenantContext.current()).toBeUndefined();
  });

  it('keeps each async flow on its own tenant', async () => {
    const seen = await Promise.all([
      TenantContext.run(a, async () => {
        await new Promise((r) => setTimeout(r, 5));
        return TenantContext.require();
      }),
      TenantContext.run(b, async () => TenantContext.require()),
    ]);
    expect(seen).toEqual([a, b]);
    expect(TenantContext.current()).toBeUndefined();
  });

  it('rejects a tenant id that is not a UUID', () => {
    expect(() => TenantContext.run("x'; drop table shipments; --", () => 1)).toThrow(/UUID/);
  });
});
