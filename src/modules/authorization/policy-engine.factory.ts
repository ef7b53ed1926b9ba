import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { CaslPolicyEngine } from './adapters/casl/casl-policy-engine';
import { OpaPolicyEngine } from './adapters/opa/opa-policy-engine';
import type { PolicyEngine } from './ports/policy-engine.port';

/** The policy engine named by the configuration; an unknown name is an error, never a fallback. */
export function createPolicyEngine(config: AppConfig['authorization'], options: { opaTimeoutMs?: number } = {}): PolicyEngine {
  const engine = config.engine as string;
  switch (engine) {
    case 'casl':
      return new CaslPolicyEngine();
    case 'opa':
      if (!config.opaUrl) throw new Error('The OPA policy engine needs OPA_URL');
      return new OpaPolicyEngine({ url: config.opaUrl, timeoutMs: options.opaTimeoutMs });
    default:
      throw new Error(`Unknown policy engine "${engine}" (known: casl, opa)`);
  }
}

export function createLoggedPolicyEngine(config: AppConfig): PolicyEngine {
  const engine = createPolicyEngine(config.authorization);
  new Logger('Ports').log(`policy engine: ${engine.name}${engine.name === 'opa' ? ` (${config.authorization.opaUrl})` : ''}`);
  return engine;
}
