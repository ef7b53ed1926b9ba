import { CaslPolicyEngine } from './adapters/casl/casl-policy-engine';
import { OpaPolicyEngine } from './adapters/opa/opa-policy-engine';
import { createPolicyEngine } from './policy-engine.factory';

describe('createPolicyEngine', () => {
  it('selects the adapter the configuration names', () => {
    expect(createPolicyEngine({ kind: 'casl' })).toBeInstanceOf(CaslPolicyEngine);
    expect(createPolicyEngine({ kind: 'casl' }).name).toBe('casl');
    const opa = createPolicyEngine({ kind: 'opa', url: 'http://127.0.0.1:8181' });
    expect(opa).toBeInstanceOf(OpaPolicyEngine);
    expect(opa.name).toBe('opa');
  });

  it('throws on a kind it does not know (the type check refuses it first)', () => {
    expect(() => createPolicyEngine({ kind: 'cedar' } as never)).toThrow(/unknown adapter \{"kind":"cedar"\}/);
  });
});
