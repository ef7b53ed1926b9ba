import { describeError } from './describe-error';

describe('describeError', () => {
  it("gives an Error's message, or its stack when asked", () => {
    const error = new TypeError('boom');
    expect(describeError(error)).toBe('boom');
    expect(describeError(error, { stack: true })).toBe(error.stack);
  });

  it('falls back to the message when an Error has no stack', () => {
    const error = new Error('no stack');
    error.stack = undefined;
    expect(describeError(error, { stack: true })).toBe('no stack');
  });

  it('gives anything else through String', () => {
    expect(describeError('text')).toBe('text');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined, { stack: true })).toBe('undefined');
  });
});
