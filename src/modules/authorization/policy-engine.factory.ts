import { Logger } from '@nestjs/common';
import { unknownAdapter, type PolicyEngineAdapter } from '../../platform/config/adapter-config';
import type { AppConfig } from '../../platform/config/app-config';
import { CaslPolicyEngine } from './adapters/casl/casl-policy-engine';
import { OpaPolicyEngine } from './adapters/opa/opa-policy-engine';
import type { PolicyEngine } from './ports/policy-engine.port';

/** The policy engine the configuration chose (an exhaustive switch: an unknown kind is an error, never a fallback). */
export function createPolicyEngine(choice: PolicyEngineAdapter, options: { opaTimeoutMs?: number } = {}): PolicyEngine {
  switch (choice.kind) {
    case 'casl':
      return new CaslPolicyEngine();
    case 'opa':
      return new OpaPolicyEngine({ url: choice.url, timeoutMs: options.opaTimeoutMs });
    default:
      return unknownAdapter(choice);
  }
}

export function createLoggedPolicyEngine(config: AppConfig): PolicyEngine {
  const choice = config.adapters.policyEngine;
  const engine = createPolicyEngine(choice);
  new Logger('Ports').log(`policy engine: ${engine.name}${choice.kind === 'opa' ? ` (${choice.url})` : ''}`);
  return engine;
}
