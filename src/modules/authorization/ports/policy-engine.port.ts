import type { AuthorizationDecision, AuthorizationObject, AuthorizationSubject } from '../contracts/authorization.contracts';

export const POLICY_ENGINE = Symbol('POLICY_ENGINE');

export type PolicyEngineName = 'casl' | 'opa';

/**
 * Decides whether a subject may perform an action on an object. `action` is a string, not an
 * `Action`: an engine must deny an action it does not know (`unknown-action`), never throw.
 * An engine that cannot decide (OPA unreachable, an ill-formed answer) throws, and so denies.
 */
export interface PolicyEngine {
  readonly name: PolicyEngineName;
  decide(subject: AuthorizationSubject, action: string, object: AuthorizationObject): Promise<AuthorizationDecision>;
  /** Resolves when the engine can decide now (for readiness); rejects when it cannot. */
  ping(): Promise<void>;
}
