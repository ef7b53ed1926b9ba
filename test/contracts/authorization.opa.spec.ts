import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CaslPolicyEngine } from '../../src/modules/authorization/adapters/casl/casl-policy-engine';
import { OpaPolicyEngine } from '../../src/modules/authorization/adapters/opa/opa-policy-engine';
import { realServerOrSkip } from '../support/embedded-postgres';
import { cartesianInputs, describeAuthorizationContract } from './authorization.contract';

/**
 * The OPA engine against the OPA server of `npm run infra:up` (OPA_URL), which serves
 * policies/logisynapse/authz.rego: the same decision table as CASL, then agreement with CASL on
 * every generated input, then OPA's own unit tests of the Rego (`opa test policies/`, OPA_BIN).
 */
const withOpa = realServerOrSkip('OPA_URL', 'OPA (`npm run infra:up`)');

describeAuthorizationContract('opa (REST data API)', (name, body) => withOpa(name, () => body()), () => new OpaPolicyEngine({ url: process.env.OPA_URL!, timeoutMs: 5_000 }));

withOpa('authorization engines agree: casl and opa on a generated cartesian product', ({ OPA_URL }) => {
  it('gives the same decision (allowed and reason) for every subject × action × object', async () => {
    const casl = new CaslPolicyEngine();
    const opa = new OpaPolicyEngine({ url: OPA_URL, timeoutMs: 5_000 });
    const inputs = cartesianInputs();
    expect(inputs.length).toBeGreaterThan(500);
    const disagreements: string[] = [];
    const seen = new Set<string>();
    // A few at a time: enough to be quick, few enough not to crowd a small machine.
    for (let i = 0; i < inputs.length; i += 16) {
      await Promise.all(
        inputs.slice(i, i + 16).map(async ({ subject, action, object }) => {
          const [a, b] = await Promise.all([casl.decide(subject, action, object), opa.decide(subject, action, object)]);
          seen.add(a.reason);
          if (a.allowed !== b.allowed || a.reason !== b.reason) {
            disagreements.push(`${JSON.stringify({ subject, action, object })}: casl ${JSON.stringify(a)}, opa ${JSON.stringify(b)}`);
          }
        }),
      );
    }
    expect(disagreements).toEqual([]);
    // The product reaches every reason, so agreement is not vacuous.
    expect([...seen].sort()).toEqual(['allowed', 'missing-scope', 'no-tenant', 'object-type-mismatch', 'tenant-mismatch', 'unknown-action']);
  });
});

realServerOrSkip('OPA_BIN', 'OPA (`npm run infra:up` installs it and writes OPA_BIN)')('opa test policies/', ({ OPA_BIN }) => {
  it('passes the Rego unit tests', async () => {
    const { stdout } = await promisify(execFile)(OPA_BIN, ['test', join(__dirname, '..', '..', 'policies'), '--format', 'json'], { timeout: 30_000 });
    const results = JSON.parse(stdout) as Array<{ name: string; fail?: boolean; error?: unknown }>;
    expect(results.length).toBeGreaterThan(5);
    expect(results.filter((r) => r.fail || r.error).map((r) => r.name)).toEqual([]);
  });
});
