/**
 * Input validation of a polling run: the id must follow Amazon ML's rule (1–64 characters of
 * `[a-zA-Z0-9_.-]`) and no unknown key may slip through.
 */
import fc from 'fast-check';
import { PollerErrorName } from '../../lib/contract/errors';
import { InvalidBatchPredictionInputError, RunInputNotAnObjectError } from '../../lambda/shared/domain/errors';
import { parsePollStateInput, validateBatchPredictionId } from '../../lambda/shared/domain/poll-state';

/** Runs `act`, expects it to throw the poller's invalid-input error, and returns that error. */
function invalidInputErrorOf(act: () => unknown): InvalidBatchPredictionInputError {
  let caught: unknown;
  try {
    act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidBatchPredictionInputError);
  const error = caught as InvalidBatchPredictionInputError;
  expect(error.name).toBe('InvalidBatchPredictionInputError');
  expect(error.name).toBe(PollerErrorName.INVALID_INPUT);
  return error;
}

describe('validateBatchPredictionId', () => {
  it.each([
    ['one character', 'a'],
    ['64 characters', 'x'.repeat(64)],
    ['underscore, dot and dash', 'bp_2024.05-01'],
    ['only the punctuation', '_.-'],
    ['an Amazon ML style id', 'bp-dvZ0eXEbzYq'],
    ['digits only', '0123456789'],
  ])('accepts %s', (_label, id) => {
    expect(() => validateBatchPredictionId(id)).not.toThrow();
  });

  it.each<[string, unknown, RegExp]>([
    ['missing', undefined, /no "batchPredictionId"/],
    ['a number', 42, /"batchPredictionId" must be a string, got number 42/],
    ['null', null, /"batchPredictionId" must be a string, got null/],
    ['an array', ['bp-1'], /"batchPredictionId" must be a string, got an array/],
    ['an object', { id: 'bp-1' }, /"batchPredictionId" must be a string, got object/],
    ['the empty string', '', /"batchPredictionId" "" is not an Amazon ML id.*got 0 characters/],
    ['65 characters', 'y'.repeat(65), /"y{65}" is not an Amazon ML id.*got 65 characters/],
    ['a space', 'bp 1', /"bp 1" is not an Amazon ML id/],
    ['a slash', 'bp/1', /"bp\/1" is not an Amazon ML id/],
    ['unicode', 'bp-é', /"bp-é" is not an Amazon ML id/],
    ['an emoji', 'bp-🚀', /"bp-🚀" is not an Amazon ML id/],
    ['a trailing newline', 'bp-1\n', /"bp-1\\n" is not an Amazon ML id/],
    ['a colon (an ARN)', 'arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-1', /is not an Amazon ML id/],
  ])('rejects %s, naming the value', (_label, id, message) => {
    const error = invalidInputErrorOf(() => validateBatchPredictionId(id));
    expect(error.message).toMatch(message);
  });

  it('truncates a very long bad id in the message', () => {
    const error = invalidInputErrorOf(() => validateBatchPredictionId('z'.repeat(500)));
    expect(error.message).toContain(`${'z'.repeat(77)}...`);
    expect(error.message).not.toContain('z'.repeat(78));
    expect(error.message).toContain('got 500 characters');
  });

  it('accepts every string of 1 to 64 allowed characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9_.-]{1,64}$/), (id) => {
        expect(() => validateBatchPredictionId(id)).not.toThrow();
      }),
    );
  });

  it('rejects every string that holds a character outside the allowed set', () => {
    const allowed = fc.stringMatching(/^[a-zA-Z0-9_.-]{0,30}$/);
    const disallowed = fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).filter((s) => /[^a-zA-Z0-9_.-]/.test(s));
    fc.assert(
      fc.property(allowed, disallowed, allowed, (prefix, bad, suffix) => {
        const id = `${prefix}${bad}${suffix}`;
        expect(() => validateBatchPredictionId(id)).toThrow(InvalidBatchPredictionInputError);
      }),
    );
  });

  it('rejects every string of allowed characters longer than 64', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9_.-]{65,200}$/), (id) => {
        expect(() => validateBatchPredictionId(id)).toThrow(InvalidBatchPredictionInputError);
      }),
    );
  });
});

describe('parsePollStateInput', () => {
  it('returns the input of a run started with only an id', () => {
    expect(parsePollStateInput({ batchPredictionId: 'bp-1' })).toEqual({ batchPredictionId: 'bp-1' });
  });

  it('accepts the full state handed over by a previous poll or execution', () => {
    // Prepare
    const state = {
      batchPredictionId: 'bp-1',
      runId: '2024-05-01T10:00:00.000Z/bp-1',
      runStartedAt: '2024-05-01T10:00:00.000Z',
      lastStatus: 'INPROGRESS',
      lastTransitionAt: '2024-05-01T10:05:00.000Z',
      sequence: 2,
      generation: 1,
      polls: 17,
      pollsThisExecution: 17,
      waitSeconds: 30,
      terminal: false,
      continueAsNew: false,
    };

    // Act
    const parsed = parsePollStateInput(state);

    // Assess
    expect(parsed).toEqual(state);
  });

  it.each<[string, unknown, RegExp]>([
    ['null', null, /must be a JSON object.*got null/],
    ['a string', 'bp-1', /must be a JSON object.*got the string "bp-1"/],
    ['a number', 7, /must be a JSON object.*got number 7/],
    ['an array', [{ batchPredictionId: 'bp-1' }], /must be a JSON object.*got an array/],
    ['undefined', undefined, /must be a JSON object.*got undefined/],
  ])(
    'rejects %s as input with RunInputNotAnObjectError (the state machine catches it apart: no ResultPath fits such an input)',
    (_label, input, message) => {
      let caught: unknown;
      try {
        parsePollStateInput(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RunInputNotAnObjectError);
      expect((caught as Error).name).toBe(PollerErrorName.INPUT_NOT_AN_OBJECT);
      expect((caught as Error).name).toBe('RunInputNotAnObjectError');
      expect((caught as Error).message).toMatch(message);
    },
  );

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a mis-cased id key', { batchPredictionID: 'bp-1' }, /unknown key\(s\) "batchPredictionID"/],
    ['an id key in snake case', { batch_prediction_id: 'bp-1' }, /"batch_prediction_id"/],
    ['an extra key beside the id', { batchPredictionId: 'bp-1', region: 'eu-west-1' }, /unknown key\(s\) "region"/],
    ['several unknown keys', { batchPredictionId: 'bp-1', a: 1, b: 2 }, /unknown key\(s\) "a", "b"/],
  ])('rejects %s, naming the key', (_label, input, message) => {
    const error = invalidInputErrorOf(() => parsePollStateInput(input));
    expect(error.message).toMatch(message);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no id', {}, /no "batchPredictionId"/],
    ['a bad id', { batchPredictionId: 'bp 1' }, /"bp 1" is not an Amazon ML id/],
    [
      'an unknown lastStatus',
      { batchPredictionId: 'bp-1', lastStatus: 'RUNNING' },
      /"lastStatus" must be a batch prediction status or null, got the string "RUNNING"/,
    ],
    ['a lowercase lastStatus', { batchPredictionId: 'bp-1', lastStatus: 'pending' }, /"lastStatus".*"pending"/],
    ['a negative sequence', { batchPredictionId: 'bp-1', sequence: -1 }, /"sequence" must be a whole number ≥ 0, got number -1/],
    ['a fractional generation', { batchPredictionId: 'bp-1', generation: 1.5 }, /"generation" must be a whole number ≥ 1, got number 1.5/],
    ['polls as a string', { batchPredictionId: 'bp-1', polls: '3' }, /"polls" must be a whole number ≥ 0, got the string "3"/],
    ['a numeric runId', { batchPredictionId: 'bp-1', runId: 5 }, /"runId" must be a string, got number 5/],
    [
      'a boolean runStartedAt',
      { batchPredictionId: 'bp-1', runStartedAt: true },
      /"runStartedAt" must be an ISO-8601 time .*, got boolean true/,
    ],
    [
      'an object lastTransitionAt',
      { batchPredictionId: 'bp-1', lastTransitionAt: {} },
      /"lastTransitionAt" must be an ISO-8601 time .*, got object/,
    ],
    [
      'a runStartedAt that is not a date',
      { batchPredictionId: 'bp-1', runStartedAt: 'last week' },
      /"runStartedAt" must be an ISO-8601 time .*, got the string "last week"/,
    ],
    [
      'a lastTransitionAt that is not a date',
      { batchPredictionId: 'bp-1', lastTransitionAt: 'yesterday' },
      /"lastTransitionAt" must be an ISO-8601 time .*, got the string "yesterday"/,
    ],
    [
      'generation 0 (a run starts at generation 1)',
      { batchPredictionId: 'bp-1', generation: 0 },
      /"generation" must be a whole number ≥ 1, got number 0/,
    ],
  ])('rejects %s, naming the key and value', (_label, input, message) => {
    const error = invalidInputErrorOf(() => parsePollStateInput(input));
    expect(error.message).toMatch(message);
  });

  it.each([null, undefined])('accepts lastStatus and lastTransitionAt of %p (no observation yet)', (value) => {
    const input = { batchPredictionId: 'bp-1', lastStatus: value, lastTransitionAt: value };
    expect(parsePollStateInput(input)).toEqual(input);
  });
});
