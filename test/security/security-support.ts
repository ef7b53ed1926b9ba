import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import { Client } from 'pg';
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { AppProcess } from '../support/app-process';
import { embeddedDatabaseUrl } from '../support/embedded-database-access';
import { KEY_ENCRYPTION_KEY_FILE, openPrivateKey } from '../../src/modules/auth/application/key-encryption';

/** What the attack suites send to prove a token works: the cheapest tenant query there is. */
export const PROBE_QUERY = `{ shipments(first: 1) { edges { cursor } } }`;

/**
 * An answer leaks nothing: no stack frames, no dependency or source paths, no SQL, no key
 * material. `secrets` are values that must never appear (a private key's `d`, a client secret).
 */
export function expectNoLeak(answer: unknown, secrets: string[] = []): void {
  const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
  expect(text).not.toMatch(/\bat [\w$.<>]+ \(/); // "at fn (file:line:col)"
  expect(text).not.toMatch(/\bat (?:\/|file:|node:)/); // "at /path/file.js:1:2", "at node:internal/..."
  expect(text).not.toMatch(/node_modules/);
  expect(text).not.toMatch(/\/work\//);
  expect(text).not.toMatch(/\bdist\/src\b|\bsrc\/modules\b|\.ts:\d+/);
  expect(text).not.toMatch(/\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/);
  expect(text).not.toMatch(/BEGIN (?:EC |RSA )?PRIVATE KEY|"d":"/);
  for (const secret of secrets.filter((s) => s.length >= 8)) expect(text).not.toContain(secret);
}

/** gRPC status code of a call, or 'OK'; the error itself for leak checks. */
export async function grpcOutcome(call: Promise<unknown>): Promise<{ code: number | 'OK'; error: ServiceError | null; response: unknown }> {
  try {
    return { code: 'OK', error: null, response: await call };
  } catch (error) {
    const e = error as ServiceError;
    return { code: e.code, error: e, response: null };
  }
}

/** The serializable parts of a gRPC error, for leak checks. */
export function grpcErrorText(error: ServiceError | null): string {
  if (!error) return '';
  return JSON.stringify({ code: error.code, details: error.details, message: error.message, metadata: error.metadata?.getMap() });
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** A raw HTTP request to the app, answer read as text and, when it parses, JSON. */
export async function http(app: AppProcess, path: string, init: RequestInit = {}): Promise<HttpAnswer> {
  return httpAnswer(await fetch(`${app.baseUrl}${path}`, init));
}

/** An answer read as text and, when it parses, JSON. */
export async function httpAnswer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: `json` stays undefined.
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The error code an HTTP error body carries: `{code}` on plain routes, `errors[0].extensions.code` on /graphql. */
export function errorCodeOf(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const body = json as { code?: unknown; errors?: { extensions?: { code?: unknown } }[] };
  if (typeof body.code === 'string') return body.code;
  const code = Array.isArray(body.errors) ? body.errors[0]?.extensions?.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>,
    signature: s ?? '',
  };
}

/** A token whose header and payload are replaced, keeping the original signature (tampering). */
export function tamper(token: string, change: (parts: { header: Record<string, unknown>; payload: Record<string, unknown> }) => void): string {
  const { header, payload, signature } = decodeJwt(token);
  change({ header, payload });
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

/**
 * The server's private signing key for `kid`, read from the app's own database and opened with
 * its key-encryption key (from its data directory, or `kek` as given to the app): only so the
 * suite can sign tokens that are correctly signed but wrong in one claim (expired, wrong
 * audience...), the checks an attacker reaches once the signature itself is not the obstacle.
 * Read as the database's owner (the embedded superuser): the app's own role cannot read the table.
 */
export async function serverSigningKey(app: AppProcess, ownerUrl: string | undefined, kid: string, kek?: Buffer): Promise<{ privateKey: CryptoKey; privateJwk: JWK }> {
  const client = new Client({ connectionString: ownerUrl ?? embeddedDatabaseUrl(app) });
  await client.connect();
  try {
    const { rows } = await client.query<{ private_jwk_sealed: string | null }>(`SELECT private_jwk_sealed FROM signing_keys WHERE kid = $1`, [kid]);
    const sealed = rows[0]?.private_jwk_sealed;
    if (!sealed) throw new Error(`no sealed signing key ${kid}`);
    const key = kek ?? Buffer.from(readFileSync(join(app.dataDir, KEY_ENCRYPTION_KEY_FILE), 'utf8').trim(), 'base64url');
    const privateJwk = openPrivateKey({ key, source: 'the test' }, kid, sealed);
    return { privateKey: (await importJWK(privateJwk, 'ES256')) as CryptoKey, privateJwk };
  } finally {
    await client.end();
  }
}

export const kidOf = (token: string) => decodeProtectedHeader(token).kid!;

/** Claims as the product issues them (src/modules/auth/application/tokens.service.ts). */
export interface ClaimSet {
  iss?: string;
  aud?: string;
  sub?: string;
  tenant_id?: string | null;
  scope?: string;
  client_id?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  jti?: string;
}

/** Signs `claims` exactly as given (no defaults added) with an ES256 key. */
export function signEs256(claims: ClaimSet, key: CryptoKey, header: Record<string, unknown>): Promise<string> {
  return new SignJWT({ ...claims } as Record<string, unknown>).setProtectedHeader({ alg: 'ES256', ...header }).sign(key);
}

/** An attacker's own ES256 key pair, with its public JWK. */
export async function attackerKey(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' } };
}

/**
 * An attacker's web server on loopback (for `jku` / `x5u` headers): serves the attacker's JWKS
 * and counts the requests it gets, so a test can prove the product never fetched it.
 */
export async function attackerServer(jwks: { keys: JWK[] }): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
