import { canonicalStartupPacket, scramVerifier, StartupHandshake, type HandshakeStep } from './pglite-wire-auth';

// pg's own client side of SCRAM-SHA-256, so the server is checked against what the app's clients send.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- pg publishes this module without types
const sasl = require('pg/lib/crypto/sasl') as {
  startSession(mechanisms: string[], stream?: unknown): { response: string };
  continueSession(session: object, password: string, serverData: string): Promise<void>;
  finalizeSession(session: object, serverData: string): void;
};

const PASSWORD = 'a-generated-password-0123456789';

function startup(params: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`);
  const packet = Buffer.alloc(8 + body.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(196608, 4);
  body.copy(packet, 8);
  return packet;
}

function passwordMessage(body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write('p');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function saslInitial(response: string): Buffer {
  const data = Buffer.from(response);
  const length = Buffer.alloc(4);
  length.writeInt32BE(data.length);
  return passwordMessage(Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), length, data]));
}

/** The SASL data of an Authentication message ('R', length, code, data). */
const saslData = (step: HandshakeStep) => ('bytes' in step && step.bytes ? step.bytes.subarray(9).toString() : '');
/** The SQLSTATE of a refusal's ErrorResponse. */
const sqlState = (step: HandshakeStep) => ('bytes' in step && step.bytes ? /C([0-9A-Z]{5})\0/.exec(step.bytes.toString('latin1'))?.[1] : undefined);

async function authenticate(params: Record<string, string>, password: string): Promise<HandshakeStep> {
  const handshake = new StartupHandshake(scramVerifier(PASSWORD));
  const offer = handshake.feed(startup(params));
  expect(offer.kind).toBe('reply');
  const session = sasl.startSession(['SCRAM-SHA-256']);
  const serverFirst = handshake.feed(saslInitial(session.response));
  await sasl.continueSession(session, password, saslData(serverFirst));
  const final = handshake.feed(passwordMessage(Buffer.from((session as { response: string }).response)));
  if (final.kind === 'done') sasl.finalizeSession(session, saslData(final));
  return final;
}

describe('StartupHandshake (SCRAM-SHA-256 before PGlite)', () => {
  it('authenticates pg with the password, and proves the server knows it too', async () => {
    const step = await authenticate({ user: 'postgres', database: 'postgres', client_encoding: 'UTF8' }, PASSWORD);
    expect(step.kind).toBe('done');
  });

  it('refuses a wrong password, and a wrong user with the right one, alike (28P01)', async () => {
    for (const [user, password] of [
      ['postgres', 'postgres'],
      ['logisynapse_app', PASSWORD],
    ] as const) {
      const step = await authenticate({ user, database: 'postgres' }, password);
      expect({ user, kind: step.kind, code: sqlState(step) }).toEqual({ user, kind: 'close', code: '28P01' });
    }
  });

  it('refuses a database other than the one there is (3D000), after authentication', async () => {
    const step = await authenticate({ user: 'postgres', database: 'other' }, PASSWORD);
    expect({ kind: step.kind, code: sqlState(step) }).toEqual({ kind: 'close', code: '3D000' });
  });

  it('takes its input in any fragments, and keeps what follows authentication for the session', async () => {
    const handshake = new StartupHandshake(scramVerifier(PASSWORD));
    const packet = startup({ user: 'postgres' });
    expect(handshake.feed(packet.subarray(0, 3)).kind).toBe('more');
    expect(handshake.feed(packet.subarray(3)).kind).toBe('reply');
    const session = sasl.startSession(['SCRAM-SHA-256']);
    const serverFirst = handshake.feed(saslInitial(session.response));
    await sasl.continueSession(session, PASSWORD, saslData(serverFirst));
    const query = Buffer.from('Q\0\0\0\x0dSELECT 1\0', 'latin1');
    const step = handshake.feed(Buffer.concat([passwordMessage(Buffer.from((session as { response: string }).response)), query]));
    expect(step.kind).toBe('done');
    expect(step.kind === 'done' && step.rest.equals(query)).toBe(true);
  });

  it('refuses a client first message without a nonce, not SCRAM, or binding a channel it was not offered', async () => {
    for (const response of ['p=tls-server-end-point,,n=*,r=abc', 'n,,n=*', 'garbage']) {
      const handshake = new StartupHandshake(scramVerifier(PASSWORD));
      handshake.feed(startup({ user: 'postgres' }));
      const step = handshake.feed(saslInitial(response));
      expect({ response, kind: step.kind, code: sqlState(step) }).toEqual({ response, kind: 'close', code: '08P01' });
    }
  });

  it('gives PGlite one fixed startup packet: its user and database, nothing the client chose', () => {
    expect(canonicalStartupPacket().subarray(8).toString()).toBe('user\0postgres\0database\0postgres\0\0');
  });
});
