import { CaslPolicyEngine } from '../../src/modules/authorization/adapters/casl/casl-policy-engine';
import { describeAuthorizationContract } from './authorization.contract';

// The default engine: policy as TypeScript, evaluated in-process by @casl/ability.
describeAuthorizationContract('casl', describe, () => new CaslPolicyEngine());
