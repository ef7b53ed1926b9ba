import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The startup handshake of the embedded database's wire server, done before any byte reaches
 * PGlite: the startup packet is parsed and checked here, the client authenticates with
 * SCRAM-SHA-256 (as a PostgreSQL server with `password_encryption = scram-sha-256` asks `pg`,
 * psql and every libpq client), and only then does the connection get the shared session. PGlite
 * itself trusts whoever sends it a startup packet, and one it cannot parse (an empty user name)
 * ends its backend mid-call and leaves the shared session unusable (ADR 0023).
 */

/** The only user and database the embedded server has: PGlite's single superuser session. */
export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_DATABASE = 'postgres';

/** PostgreSQL's own limit on a startup packet (`MAX_STARTUP_PACKET_LENGTH`). */
const MAX_STARTUP_LENGTH = 10_000;
/** SCRAM messages are a few hundred bytes; anything longer is not a client following the protocol. */
const MAX_SASL_MESSAGE_LENGTH = 2_000;
/** SSL or GSS encryption requests a client may make before its startup packet (each refused). */
const MAX_NEGOTIATIONS = 2;
const SCRAM_ITERATIONS = 4096;
const MECHANISM = 'SCRAM-SHA-256';

const PROTOCOL_3 = 3;
const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;

/** What the server keeps of the password: SCRAM's stored and server keys, derived once. */
export interface ScramVerifier {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function scramVerifier(password: string): ScramVerifier {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { salt, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

/** What a step of the handshake asks the connection to do. */
export type HandshakeStep =
  | { kind: 'more' }
  | { kind: 'reply'; bytes: Buffer }
  /** Answer `bytes` (if any) and close: refused, or a cancel request (which this server ignores). */
  | { kind: 'close'; bytes?: Buffer }
  /** Authenticated: answer `bytes`, then the session is the client's; `rest` is what it sent after. */
  | { kind: 'done'; bytes: Buffer; rest: Buffer };

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One connection's handshake, fed the bytes the client sends until it is done or refused. */
export class StartupHandshake {
  private buffer: Buffer = Buffer.alloc(0);
  private state: 'startup' | 'sasl-initial' | 'sasl-final' = 'startup';
  private negotiations = 0;
  private user = '';
  private database = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2Header = '';

  constructor(private readonly verifier: ScramVerifier) {}

  feed(data: Buffer): HandshakeStep {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    try {
      const steps: Buffer[] = [];
      for (;;) {
        const message = this.nextMessage();
        if (!message) return steps.length ? { kind: 'reply', bytes: Buffer.concat(steps) } : { kind: 'more' };
        const step = this.handle(message);
        if (step.kind === 'close' || step.kind === 'done') {
          const bytes = Buffer.concat([...steps, step.bytes ?? Buffer.alloc(0)]);
          return step.kind === 'done' ? { kind: 'done', bytes, rest: this.buffer } : { kind: 'close', bytes };
        }
        if (step.kind === 'reply') steps.push(step.bytes);
      }
    } catch (error) {
      if (error instanceof Refusal) return { kind: 'close', bytes: errorResponse(error.code, error.message) };
      throw error;
    }
  }

  /** The next whole message: the startup packet has no type byte, SASL messages are `p`. */
  private nextMessage(): Buffer | null {
    const typed = this.state !== 'startup';
    const header = typed ? 5 : 4;
    if (this.buffer.length < header) return null;
    if (typed && this.buffer[0] !== 0x70) throw new Refusal('08P01', 'expected a password message');
    const length = this.buffer.readInt32BE(typed ? 1 : 0);
    const max = typed ? MAX_SASL_MESSAGE_LENGTH : MAX_STARTUP_LENGTH;
    if (length < (typed ? 4 : 8) || length > max) throw new Refusal('08P01', 'invalid length of startup packet');
    const total = length + (typed ? 1 : 0);
    if (this.buffer.length < total) return null;
    const message = this.buffer.subarray(header, total);
    this.buffer = this.buffer.subarray(total);
    return message;
  }

  private handle(body: Buffer): HandshakeStep {
    if (this.state === 'startup') return this.startup(body);
    if (this.state === 'sasl-initial') return this.saslInitial(body);
    return this.saslFinal(body);
  }

  private startup(body: Buffer): HandshakeStep {
    const code = body.readInt32BE(0);
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      if (++this.negotiations > MAX_NEGOTIATIONS) throw new Refusal('08P01', 'too many encryption requests');
      return { kind: 'reply', bytes: Buffer.from('N') };
    }
    if (code === CANCEL_REQUEST_CODE) return { kind: 'close' };
    if (code >>> 16 !== PROTOCOL_3) throw new Refusal('0A000', 'unsupported frontend protocol');
    const params = parseParameters(body.subarray(4));
    const user = params.get('user') ?? '';
    if (user === '') throw new Refusal('28000', 'no PostgreSQL user name specified in startup packet');
    this.user = user;
    this.database = params.get('database') || user;
    this.state = 'sasl-initial';
    return { kind: 'reply', bytes: message('R', int32(AUTH_SASL), cstring(MECHANISM), Buffer.from([0])) };
  }

  private saslInitial(body: Buffer): HandshakeStep {
    const end = body.indexOf(0);
    if (end < 0 || body.toString('utf8', 0, end) !== MECHANISM) throw new Refusal('28000', 'unsupported SASL authentication mechanism');
    if (body.length < end + 5) throw new Refusal('08P01', 'malformed SASL message');
    const length = body.readInt32BE(end + 1);
    const data = body.subarray(end + 5).toString('utf8');
    if (length !== Buffer.byteLength(data)) throw new Refusal('08P01', 'malformed SASL message');
    // gs2-header: no channel binding ("n"), or the client supports it and we did not offer it ("y").
    const match = /^([ny]),,(n=[^,]*,r=([\x21-\x2b\x2d-\x7e]+)(?:,.*)?)$/.exec(data);
    if (!match) throw new Refusal('08P01', 'malformed SCRAM message');
    this.gs2Header = `${match[1]},,`;
    this.clientFirstBare = match[2]!;
    this.nonce = match[3]! + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
    this.state = 'sasl-final';
    return { kind: 'reply', bytes: message('R', int32(AUTH_SASL_CONTINUE), Buffer.from(this.serverFirst)) };
  }

  private saslFinal(body: Buffer): HandshakeStep {
    const data = body.toString('utf8');
    const match = /^(c=([^,]*),r=([^,]*)(?:,[^p][^,]*)*),p=([A-Za-z0-9+/=]+)$/.exec(data);
    if (!match) throw new Refusal('08P01', 'malformed SCRAM message');
    const [, withoutProof, binding, nonce, proofText] = match;
    const proof = Buffer.from(proofText!, 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientKey = xor(proof, hmac(this.verifier.storedKey, authMessage));
    const proven =
      proof.length === 32 &&
      binding === Buffer.from(this.gs2Header).toString('base64') &&
      nonce === this.nonce &&
      timingSafeEqual(sha256(clientKey), this.verifier.storedKey);
    // The same refusal for a wrong user as for a wrong password, as PostgreSQL does: no enumeration.
    if (!proven || this.user !== EMBEDDED_USER) throw new Refusal('28P01', `password authentication failed for user "${this.user}"`);
    if (this.database !== EMBEDDED_DATABASE) throw new Refusal('3D000', `database "${this.database}" does not exist`);
    const serverFinal = `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
    return { kind: 'done', bytes: message('R', int32(AUTH_SASL_FINAL), Buffer.from(serverFinal)), rest: Buffer.alloc(0) };
  }
}

/**
 * The startup packet PGlite gets for every authenticated connection: the one user and database,
 * and nothing the client chose (PGlite's backend ends on a parameter it refuses).
 */
export function canonicalStartupPacket(): Buffer {
  const body = Buffer.concat([int32(PROTOCOL_3 << 16), cstring('user'), cstring(EMBEDDED_USER), cstring('database'), cstring(EMBEDDED_DATABASE), Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
}

function parseParameters(bytes: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  let offset = 0;
  const next = () => {
    const end = bytes.indexOf(0, offset);
    if (end < 0) throw new Refusal('08P01', 'invalid startup packet layout: expected terminator as last byte');
    const text = bytes.toString('utf8', offset, end);
    offset = end + 1;
    return text;
  };
  for (;;) {
    const name = next();
    if (name === '') break;
    params.set(name, next());
  }
  if (offset !== bytes.length) throw new Refusal('08P01', 'invalid startup packet layout: expected terminator as last byte');
  return params;
}

/** A fatal ErrorResponse, as PostgreSQL sends before it closes a connection it refuses. */
export function errorResponse(code: string, text: string): Buffer {
  return message('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', text), Buffer.from([0])]));
}

function field(type: string, value: string): Buffer {
  return Buffer.concat([Buffer.from(type), cstring(value)]);
}

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

function cstring(value: string): Buffer {
  return Buffer.from(`${value}\0`);
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(b.length);
  for (let i = 0; i < b.length; i++) out[i] = (a[i] ?? 0) ^ b[i]!;
  return out;
}
