import fc from 'fast-check';
import { ALL_STATUSES, BATCH_PREDICTION_ID_PATTERN } from '../../lib/contract/events';
import { batchPredictionIdOfExecutionName, executionNameFor, MAX_RESTART_NUMBER, parseExecutionName } from '../../lib/contract/runs';
import {
  executionNameForInvalidId,
  jitterFractionFor,
  pollingFailedEventId,
  runIdFor,
  statusChangeEventId,
} from '../../lambda/shared/domain/identifiers';

/** RFC 4122 layout with version nibble 5 and the 10xx variant. */
const UUID_V5_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RUN_ID = '2024-05-01T10:00:00.000Z/bp-1';

describe('statusChangeEventId', () => {
  it('is the same for the same run, sequence and status', () => {
    expect(statusChangeEventId(RUN_ID, 2, 'INPROGRESS')).toBe(statusChangeEventId(RUN_ID, 2, 'INPROGRESS'));
  });

  it('is UUID-shaped', () => {
    expect(statusChangeEventId(RUN_ID, 1, 'PENDING')).toMatch(UUID_V5_SHAPE);
  });

  it.each<[string, [string, number, string]]>([
    ['another run', ['2024-05-02T10:00:00.000Z/bp-1', 2, 'INPROGRESS']],
    ['another sequence', [RUN_ID, 3, 'INPROGRESS']],
    ['another status', [RUN_ID, 2, 'COMPLETED']],
  ])('differs for %s', (_label, [runId, sequence, status]) => {
    expect(statusChangeEventId(runId, sequence, status)).not.toBe(statusChangeEventId(RUN_ID, 2, 'INPROGRESS'));
  });

  it('cannot be confused by separators inside the parts', () => {
    // Joining with a separator would make these equal; the parts are JSON-encoded instead.
    expect(statusChangeEventId('a#1', 2, 'PENDING')).not.toBe(statusChangeEventId('a', 12, 'PENDING'));
  });

  it('is UUID-shaped for any input and different for different inputs', () => {
    const part = fc.tuple(fc.string(), fc.nat(), fc.constantFrom(...ALL_STATUSES));
    fc.assert(
      fc.property(part, part, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        const idA = statusChangeEventId(...a);
        expect(idA).toMatch(UUID_V5_SHAPE);
        expect(idA).not.toBe(statusChangeEventId(...b));
      }),
    );
  });
});

describe('pollingFailedEventId', () => {
  const executionId = 'arn:aws:states:us-east-1:123456789012:execution:poller:bp-1';

  it('is deterministic, UUID-shaped and specific to the execution and error', () => {
    const id = pollingFailedEventId(executionId, 'BatchPredictionNotFoundError');
    expect(id).toBe(pollingFailedEventId(executionId, 'BatchPredictionNotFoundError'));
    expect(id).toMatch(UUID_V5_SHAPE);
    expect(id).not.toBe(pollingFailedEventId(executionId, 'States.Timeout'));
    expect(id).not.toBe(pollingFailedEventId(`${executionId}+g2`, 'BatchPredictionNotFoundError'));
  });
});

describe('jitterFractionFor', () => {
  it('is a number in [0, 1), the same for the same run and poll', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (runId, poll) => {
        const fraction = jitterFractionFor(runId, poll);
        expect(fraction).toBeGreaterThanOrEqual(0);
        expect(fraction).toBeLessThan(1);
        expect(jitterFractionFor(runId, poll)).toBe(fraction);
      }),
    );
  });

  it('spreads evenly over runs started together and over the polls of one run', () => {
    // 10,000 runs of the same second (ids differ), and 10,000 polls of one run: each decile holds
    // about a tenth. The hash is fixed, so these counts are too.
    const deciles = (values: number[]) =>
      values.reduce((counts, v) => {
        counts[Math.floor(v * 10)]++;
        return counts;
      }, new Array<number>(10).fill(0));
    const acrossRuns = deciles(
      Array.from({ length: 10_000 }, (_, i) => jitterFractionFor(runIdFor('2024-05-01T10:00:00.000Z', `bp-${i}`), 1)),
    );
    const acrossPolls = deciles(Array.from({ length: 10_000 }, (_, poll) => jitterFractionFor(RUN_ID, poll)));
    for (const count of [...acrossRuns, ...acrossPolls]) {
      expect(count).toBeGreaterThan(900);
      expect(count).toBeLessThan(1100);
    }
  });
});

describe('runIdFor', () => {
  it.each([
    ['2024-05-01T10:00:00.000Z', 'bp-1', '2024-05-01T10:00:00.000Z/bp-1'],
    ['2024-12-31T23:59:59.999Z', 'bp_2.x', '2024-12-31T23:59:59.999Z/bp_2.x'],
  ])('joins start time %s and name %s', (startTime, name, expected) => {
    expect(runIdFor(startTime, name)).toBe(expected);
  });

  it('sorts runs of one id chronologically', () => {
    const earlier = runIdFor('2024-05-01T09:59:59.999Z', 'bp-1');
    const later = runIdFor('2024-05-01T10:00:00.000Z', 'bp-1');
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });
});

describe('batchPredictionIdOfExecutionName', () => {
  it.each<[string, string | undefined]>([
    ['bp-1', 'bp-1'],
    ['bp-1+g2', 'bp-1'],
    ['bp-1+g12', 'bp-1'],
    ['a_b.c-9', 'a_b.c-9'],
    ['bp-1+gx', undefined],
    ['+g2', undefined],
    ['invalid-0123abcd', 'invalid-0123abcd'],
    ['other name', undefined],
    ['bp-1+r1', 'bp-1'],
    ['bp-1+r3+g2', 'bp-1'],
    ['bp-1+g2+r3', undefined],
    ['bp-1+r0', undefined],
    ['bp-1+r01', undefined],
    ['bp-1+g1', undefined],
    ['bp-1+r', undefined],
    ['+r1', undefined],
  ])('%s → %p', (name, id) => {
    expect(batchPredictionIdOfExecutionName(name)).toBe(id);
  });

  it('inverts executionNameFor for every valid id and generation', () => {
    fc.assert(
      fc.property(fc.stringMatching(BATCH_PREDICTION_ID_PATTERN), fc.integer({ min: 1, max: 10_000 }), (id, generation) => {
        expect(batchPredictionIdOfExecutionName(executionNameFor(id, generation))).toBe(id);
      }),
    );
  });
});

describe('parseExecutionName', () => {
  it.each<[string, ReturnType<typeof parseExecutionName>]>([
    ['bp-1', { batchPredictionId: 'bp-1', restart: 0, generation: 1 }],
    ['bp-1+g2', { batchPredictionId: 'bp-1', restart: 0, generation: 2 }],
    ['bp-1+r1', { batchPredictionId: 'bp-1', restart: 1, generation: 1 }],
    ['bp-1+r12+g345', { batchPredictionId: 'bp-1', restart: 12, generation: 345 }],
    ['bp-1+r1+r2', undefined],
    ['bp 1+r1', undefined],
  ])('%s → %p', (name, parts) => {
    expect(parseExecutionName(name)).toEqual(parts);
  });

  it('inverts executionNameFor for every valid id, restart and generation, within 80 characters', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(BATCH_PREDICTION_ID_PATTERN),
        fc.integer({ min: 0, max: MAX_RESTART_NUMBER }),
        fc.integer({ min: 1, max: 9_999_999_999 }),
        (id, restart, generation) => {
          const name = executionNameFor(id, generation, restart);
          expect(parseExecutionName(name)).toEqual({ batchPredictionId: id, restart, generation });
          // Step Functions limits execution names to 80 characters.
          expect(name.length).toBeLessThanOrEqual(80);
        },
      ),
    );
  });

  it('gives every run of an id, and every execution of a run, its own name', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(BATCH_PREDICTION_ID_PATTERN),
        fc.tuple(fc.integer({ min: 0, max: MAX_RESTART_NUMBER }), fc.integer({ min: 1, max: 10_000 })),
        fc.tuple(fc.integer({ min: 0, max: MAX_RESTART_NUMBER }), fc.integer({ min: 1, max: 10_000 })),
        (id, [r1, g1], [r2, g2]) => {
          fc.pre(r1 !== r2 || g1 !== g2);
          expect(executionNameFor(id, g1, r1)).not.toBe(executionNameFor(id, g2, r2));
        },
      ),
    );
  });
});

describe('executionNameFor', () => {
  it.each<[string, number | undefined, string]>([
    ['bp-1', undefined, 'bp-1'],
    ['bp-1', 1, 'bp-1'],
    ['bp-1', 2, 'bp-1+g2'],
    ['bp-1', 10, 'bp-1+g10'],
    ['x'.repeat(64), 3, `${'x'.repeat(64)}+g3`],
  ])('names id %s, generation %p, %s', (id, generation, expected) => {
    expect(executionNameFor(id, generation)).toBe(expected);
  });

  it.each<[string, number, number, string]>([
    ['bp-1', 1, 0, 'bp-1'],
    ['bp-1', 1, 1, 'bp-1+r1'],
    ['bp-1', 2, 1, 'bp-1+r1+g2'],
    ['bp-1', 7, 3, 'bp-1+r3+g7'],
    ['x'.repeat(64), 10_000, MAX_RESTART_NUMBER, `${'x'.repeat(64)}+r99+g10000`],
  ])('names id %s, generation %p, restart %p: %s', (id, generation, restart, expected) => {
    expect(executionNameFor(id, generation, restart)).toBe(expected);
  });

  it('gives hand-over executions names no batch prediction id can take', () => {
    fc.assert(
      fc.property(fc.stringMatching(BATCH_PREDICTION_ID_PATTERN), fc.integer({ min: 2, max: 10_000 }), (id, generation) => {
        const name = executionNameFor(id, generation);
        expect(BATCH_PREDICTION_ID_PATTERN.test(name)).toBe(false);
        // Step Functions limits execution names to 80 characters.
        expect(name.length).toBeLessThanOrEqual(80);
      }),
    );
  });
});

describe('executionNameForInvalidId', () => {
  it.each<[string, unknown]>([
    ['a string with a space', 'bp 1'],
    ['a number', 42],
    ['undefined', undefined],
    ['null', null],
  ])('names %s deterministically with an "invalid-" prefix', (_label, rawId) => {
    const name = executionNameForInvalidId(rawId);
    expect(name).toBe(executionNameForInvalidId(rawId));
    expect(name).toMatch(/^invalid-[0-9a-f-]{36}$/);
  });

  it('differs for different raw ids', () => {
    expect(executionNameForInvalidId('bp 1')).not.toBe(executionNameForInvalidId('bp 2'));
    expect(executionNameForInvalidId(undefined)).not.toBe(executionNameForInvalidId(null));
  });
});
