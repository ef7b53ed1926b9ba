import { CarrierUnavailableError, CarrierValidationError } from '../../contracts/carrier.errors';

/** The responses are read against this version of the spec, so pin it instead of the account default. */
const SHIPPO_API_VERSION = '2018-02-08';

export interface ShippoClientOptions {
  apiKey: string;
  /** Without a trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
  /** Per HTTP call. */
  timeoutMs: number;
}

/** Shippo's REST API, one call at a time, with every failure mapped onto the carrier port's two error types. */
export class ShippoClient {
  constructor(private readonly options: ShippoClientOptions) {}

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { apiKey, baseUrl, timeoutMs } = this.options;
    const what = `Shippo ${method} ${path.split('?')[0]}`;
    let status: number;
    let text: string;
    try {
      const response = await this.options.fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `ShippoToken ${apiKey}`,
          Accept: 'application/json',
          'SHIPPO-API-VERSION': SHIPPO_API_VERSION,
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      // Connection refused, DNS, reset, or our own timeout: all worth a retry.
      // Duck-typed: the abort reason is a DOMException, possibly from another realm.
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      const detail = timedOut ? `timed out after ${timeoutMs} ms` : errorDetail(error);
      throw new CarrierUnavailableError(`${what} failed: ${detail}`, { cause: error });
    }

    if (status === 400 || status === 422) {
      throw new CarrierValidationError(`${what} rejected the request: ${reasonFromBody(text, status)}`);
    }
    if (status < 200 || status >= 300) {
      // 429 and 5xx are transient. 401/403 mean a bad API key: not the shipment's fault, so we
      // let it retry until an operator fixes the key rather than failing shipments for good.
      throw new CarrierUnavailableError(`${what} answered HTTP ${status}: ${truncate(text)}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CarrierUnavailableError(`${what} answered with invalid JSON`, { cause: error });
    }
  }
}

/**
 * Shippo's 400 body is free-form (`BadRequest` allows any properties); usually field → messages,
 * e.g. `{"address_to": {"zip": ["This field is required."]}}` → `address_to.zip: This field...`.
 */
function reasonFromBody(text: string, status: number): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return truncate(text) || `HTTP ${status}`;
  }
  const lines: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      const strings = value.filter((v) => typeof v !== 'object' || v === null);
      if (strings.length > 0) lines.push(`${path || 'request'}: ${strings.join(' ')}`);
      value.forEach((v, i) => typeof v === 'object' && v !== null && walk(v, `${path}[${i}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) walk(v, path ? `${path}.${key}` : key);
    } else if (value !== undefined && value !== null && value !== '') {
      lines.push(path === 'detail' || path === '' ? String(value) : `${path}: ${String(value)}`);
    }
  };
  walk(body, '');
  return truncate(lines.join('; ')) || `HTTP ${status}`;
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** undici hides the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`. */
function errorDetail(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { message?: unknown } };
  if (typeof message !== 'string') return String(error);
  return typeof cause?.message === 'string' ? `${message} (${cause.message})` : message;
}
