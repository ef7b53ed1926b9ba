import { unavailable } from '../../../../platform/errors/domain-error';
import { isDecisionReason, type AuthorizationDecision, type AuthorizationObject, type AuthorizationSubject } from '../../contracts/authorization.contracts';
import type { PolicyEngine } from '../../ports/policy-engine.port';
import { describeError } from '../../../../platform/errors/describe-error';

export const OPA_DECISION_PATH = '/v1/data/logisynapse/authz/decision';

export interface OpaPolicyEngineOptions {
  /** OPA's base URL, e.g. http://127.0.0.1:8181 */
  url: string;
  /** How long one decision may take before it is denied as unavailable. */
  timeoutMs?: number;
}

/** Why OPA could not decide; the caller sees UNAVAILABLE, the log sees this. */
export class OpaUnavailableError extends Error {
  override readonly name = 'OpaUnavailableError';
}

/**
 * Asks OPA's REST data API for `data.logisynapse.authz.decision` (policies/logisynapse/authz.rego).
 * Fails closed: OPA unreachable, slow, answering an error status, or a result that is missing
 * (policy not loaded) or ill-formed all throw UNAVAILABLE; nothing but a well-formed decision
 * can allow.
 */
export class OpaPolicyEngine implements PolicyEngine {
  readonly name = 'opa' as const;
  private readonly endpoint: string;
  private readonly healthEndpoint: string;
  private readonly timeoutMs: number;

  constructor(options: OpaPolicyEngineOptions) {
    const base = options.url.replace(/\/+$/, '');
    this.endpoint = `${base}${OPA_DECISION_PATH}`;
    this.healthEndpoint = `${base}/health`;
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  /** OPA's own health endpoint: 200 once the server is up with its policies loaded. */
  async ping(): Promise<void> {
    const res = await fetch(this.healthEndpoint, { signal: AbortSignal.timeout(this.timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    if (!res.ok) throw new OpaUnavailableError(`OPA health answered HTTP ${res.status}`);
  }

  async decide(subject: AuthorizationSubject, action: string, object: AuthorizationObject): Promise<AuthorizationDecision> {
    const input = {
      subject: { clientId: subject.clientId, tenantId: subject.tenantId, scopes: [...subject.scopes] },
      action,
      object: { type: object.type, tenantId: object.tenantId },
    };
    try {
      return parseDecision(await this.post(input));
    } catch (error) {
      const cause = describeError(error);
      throw Object.assign(unavailable('The policy engine could not decide; try again later'), { cause: new OpaUnavailableError(cause) });
    }
  }

  private async post(input: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const name = (error as { name?: string })?.name;
      throw new Error(name === 'TimeoutError' ? `OPA did not answer within ${this.timeoutMs} ms` : `OPA unreachable: ${String(error)}`, { cause: error });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new Error(`OPA answered HTTP ${res.status}`);
    }
    try {
      return await res.json();
    } catch (error) {
      throw new Error('OPA answered a body that is not JSON', { cause: error });
    }
  }
}

/** `{ result: { allowed, reason } }` with a consistent pair, or an error. */
export function parseDecision(body: unknown): AuthorizationDecision {
  if (!body || typeof body !== 'object' || !('result' in body)) {
    throw new Error('OPA answered without a result (is policies/logisynapse/authz.rego loaded?)');
  }
  const result = (body as { result: unknown }).result;
  if (!result || typeof result !== 'object') throw new Error('OPA answered an ill-formed decision');
  const { allowed, reason } = result as { allowed?: unknown; reason?: unknown };
  if (typeof allowed !== 'boolean' || !isDecisionReason(reason) || allowed !== (reason === 'allowed')) {
    throw new Error('OPA answered an ill-formed decision');
  }
  return { allowed, reason };
}
