import { DomainError } from '../errors/domain-error';
import { assertStorableText, capErrorMessage, clientValue, findUnstorableText, postgresTextProblem } from './postgres-text';

describe('postgresTextProblem', () => {
  it('accepts any well-formed text, surrogate pairs and other control characters included', () => {
    for (const ok of ['', 'Mr Hippo', 'Zürich', '東京都', 'emoji 📦', 'tab\tnew\nline', '\u0001\u001f\u007f', '\uFFFD', '\uD83D\uDCE6']) {
      expect(postgresTextProblem(ok)).toBeNull();
    }
  });

  it('refuses NUL anywhere in the string', () => {
    for (const bad of ['\u0000', 'Nul\u0000Co', 'end\u0000', '\u0000start']) expect(postgresTextProblem(bad)).toMatch(/NUL/);
  });

  it('refuses a lone high or low surrogate, wherever it is', () => {
    for (const bad of ['\uD800', 'a\uD83Db', 'x\uDC00', '\uDCE6\uD83D', 'ok 📦 then \uDBFF']) expect(postgresTextProblem(bad)).toMatch(/surrogate/);
  });
});

describe('findUnstorableText', () => {
  const request = {
    idempotencyKey: 'k-1',
    fromAddress: { name: 'A', street1: 'S' },
    toAddress: { name: 'B', street1: 'Main\u0000St' },
    parcel: { length: 1, distanceUnit: 'in' },
    shipmentIds: ['ok', 'also-ok', '\uDFFF'],
  };

  it('names the first field that PostgreSQL cannot hold, through objects and arrays', () => {
    expect(findUnstorableText(request)).toEqual({ path: 'toAddress.street1', problem: expect.stringMatching(/NUL/) });
    expect(findUnstorableText({ ...request, toAddress: {} })).toEqual({ path: 'shipmentIds[2]', problem: expect.stringMatching(/surrogate/) });
    expect(findUnstorableText('\u0000', 'name')).toEqual({ path: 'name', problem: expect.stringMatching(/NUL/) });
  });

  it('passes clean values, numbers, booleans, null and buffers', () => {
    expect(findUnstorableText({ ...request, toAddress: {}, shipmentIds: [] })).toBeNull();
    expect(findUnstorableText({ a: 1, b: true, c: null, d: undefined, e: Buffer.from([0]) })).toBeNull();
  });

  it('refuses strings over maxLength when asked, and nesting deeper than any request of ours', () => {
    expect(findUnstorableText({ id: 'x'.repeat(11) }, '', { maxLength: 10 })).toEqual({ path: 'id', problem: 'must be at most 10 characters' });
    expect(findUnstorableText({ id: 'x'.repeat(10) }, '', { maxLength: 10 })).toBeNull();
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i += 1) deep = { deep };
    expect(findUnstorableText(deep)?.problem).toBe('is nested too deeply');
  });
});

describe('assertStorableText', () => {
  it('throws BAD_USER_INPUT naming the field, without repeating the value', () => {
    const secret = `Nul\u0000${'x'.repeat(1000)}`;
    let thrown: unknown;
    try {
      assertStorableText({ name: secret });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'BAD_USER_INPUT', message: 'name contains a NUL character (U+0000)', details: { field: 'name' } });
    expect(() => assertStorableText({ name: 'fine' })).not.toThrow();
  });
});

describe('clientValue and capErrorMessage', () => {
  it('repeats at most 64 characters of a client value, quoted, then "…"', () => {
    expect(clientValue('short')).toBe('"short"');
    expect(clientValue('y'.repeat(3_000_000))).toBe(`"${'y'.repeat(64)}…"`);
    expect(clientValue('a\u0000b')).toBe('"a\\u0000b"');
  });

  it('cuts every quoted value in a message to 64 characters and the whole message to its maximum', () => {
    const huge = 'z'.repeat(3_000_000);
    const message = `Variable "$id" got invalid value "${huge}"; Expected type "Int".`;
    expect(capErrorMessage(message)).toBe(`Variable "$id" got invalid value "${'z'.repeat(64)}…"; Expected type "Int".`);
    expect(capErrorMessage('plain message')).toBe('plain message');
    expect(capErrorMessage('w'.repeat(5000)).length).toBe(2001);
  });
});
