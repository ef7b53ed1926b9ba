import { CaslPolicyEngine } from './adapters/casl/casl-policy-engine';
import { OpaPolicyEngine } from './adapters/opa/opa-policy-engine';
import { createPolicyEngine } from './policy-engine.factory';

describe('createPolicyEngine', () => {
  it('selects the adapter the configuration names', () => {
    expect(createPolicyEngine({ engine: 'casl', opaUrl: null })).toBeInstanceOf(CaslPolicyEngine);
    expect(createPolicyEngine({ engine: 'casl', opaUrl: 'http://127.0.0.1:8181' }).name).toBe('casl');
    const opa = createPolicyEngine({ engine: 'opa', opaUrl: 'http://127.0.0.1:8181' });
    expect(opa).toBeInstanceOf(OpaPolicyEngine);
    expect(opa.name).toBe('opa');
  });

  it('throws on an unknown engine, and on opa without a URL', () => {
    expect(() => createPolicyEngine({ engine: 'cedar' as never, opaUrl: null })).toThrow(/Unknown policy engine "cedar"/);
    expect(() => createPolicyEngine({ engine: 'opa', opaUrl: null })).toThrow(/needs OPA_URL/);
  });
});
