/**
 * Reliability through the local runtime: the synthesized state machine (its real Retry and Catch),
 * the real handlers and SDK clients, and stand-ins that fail on purpose. Every test here would fail
 * without the mechanism it names: the outbox flag on the history item, the conditional write, the
 * partial-failure handling of PutEvents, the named errors and the state machine's failure path.
 */
import { DetailType, PollingFailureReason } from '../../lib/contract/events';
import { LAMBDA_CRASH_ERROR_NAMES, LAMBDA_SERVICE_ERROR_NAMES, PollerErrorName, TRANSIENT_ERROR_NAMES } from '../../lib/contract/errors';
import { pollingFailedEventId } from '../../lambda/shared/domain/identifiers';
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ServiceError } from '../../local/core/service-error';
import { validateScenario } from '../../local/scenarios/scenario';
import type { LocalDeployment } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';
import {
  callsOf,
  distinctEventIds,
  historyOf,
  pollingFailures,
  runLocally,
  standardTimeline,
  statusChanges,
  transitionsOf,
} from './support/local-run';
import { collapse } from '../../scripts/soak/delivery-model';

const ID = 'bp-reliable';
const TRANSITIONS = [
  [null, 'PENDING', 1],
  ['PENDING', 'INPROGRESS', 2],
  ['INPROGRESS', 'COMPLETED', 3],
];

/**
 * A run's result, plus how its poll task went: `loops` wait-loop iterations (retries here take no
 * simulated time, so each iteration answers Amazon ML at its own instant) and `retried` handler runs
 * that failed and were retried or caught. Counted this way, not against the baseline's poll count,
 * because the jitter of the waits (and so the number of polls) shifts with every SDK error.
 */
type FaultyRun = RunResult & { readonly loops: number; readonly retried: number };

let deployment: LocalDeployment;
/** The same job without faults: what every faulty run must end up delivering. */
let baseline: FaultyRun;

beforeAll(async () => {
  // These tests follow one run through its failure path; the sweeper's restarts of a failed run are
  // covered in restarts.test.ts, so they are off here (the sweeper still sweeps).
  deployment = synthesizeDeployment({ maxRestarts: 0 });
  baseline = await run([]);
});

async function run(faults: unknown[], timeline = standardTimeline()): Promise<FaultyRun> {
  const { result, runtime } = await runLocally(deployment, { batchPredictions: [{ id: ID, timeline }], faults });
  const loops = new Set(runtime.machineLearning.answered.filter((a) => a.id === ID).map((a) => a.atMs)).size;
  return { ...result, loops, retried: result.totals.polls - loops };
}

/** `[previous, status, sequence]` of each distinct event (first delivery of each eventId). */
function distinctTransitions(result: RunResult): unknown[][] {
  const seen = new Set<unknown>();
  return transitionsOf(statusChanges(result, ID))
    .filter(([, , , eventId]) => !seen.has(eventId) && seen.add(eventId))
    .map(([previous, status, sequence]) => [previous, status, sequence]);
}

/** Every transition once in history, published, with the eventId subscribers received. */
function expectHistoryMatchesEvents(result: RunResult): void {
  const history = historyOf(result, ID);
  expect(history.map((h) => [h.previousStatus, h.status, h.sequence, h.published])).toEqual(TRANSITIONS.map((t) => [...t, true]));
  expect(history.map((h) => h.eventId)).toEqual(distinctEventIds(statusChanges(result, ID)));
}

/** The poll task's invocations (each retry is one). */
function polls(result: RunResult): number {
  return result.totals.polls;
}

describe('the baseline run (no faults)', () => {
  it('publishes each transition once and records it once', () => {
    expect(baseline.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(transitionsOf(statusChanges(baseline, ID)).map((t) => t.slice(0, 3))).toEqual(TRANSITIONS);
    expectHistoryMatchesEvents(baseline);
    expect(callsOf(baseline, 'GetBatchPrediction')).toHaveLength(polls(baseline));
    expect(baseline.retried).toBe(0);
    // No poll was a retry, so none looked for a crashed attempt's leftover: no read at all.
    expect(callsOf(baseline, 'GetItem')).toHaveLength(0);
  });
});

describe('a crash between the history write and the publish (outbox flag on the history item)', () => {
  it('PutEvents fails once after the write: the retried poll publishes the stored event once, same eventId, no second item', async () => {
    const result = await run([{ operation: 'PutEvents', error: 'InternalFailure', times: 1 }]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(result.totals.faultsInjected).toBe(1);
    const events = statusChanges(result, ID);
    expect(transitionsOf(events)).toEqual(transitionsOf(statusChanges(baseline, ID)));
    expectHistoryMatchesEvents(result);
    // The failed attempt wrote transition 1 (published: false); the retry's write found it, read it
    // back and sent it, then, being a retry ($$.State.RetryCount 1), looked for a later leftover
    // (none): two reads, where a clean run makes none.
    expect(callsOf(result, 'PutItem')).toHaveLength(3 + 1);
    expect(callsOf(result, 'GetItem')).toHaveLength(2);
    expect(result.retried).toBe(1);
  });

  it('the flag write is lost after PutEvents (UpdateItem fails): delivered twice with the same eventId, identical, one item', async () => {
    const result = await run([{ operation: 'UpdateItem', error: 'InternalServerError', times: 1 }]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const events = statusChanges(result, ID);
    expect(events).toHaveLength(4);
    expect(events[0].envelope.detail).toEqual(events[1].envelope.detail);
    expect(events[0].envelope.time).toBe(events[1].envelope.time);
    // At least once: subscribers dedupe by eventId and get exactly the transitions.
    expect(distinctEventIds(events)).toHaveLength(TRANSITIONS.length);
    expect(distinctTransitions(result)).toEqual(TRANSITIONS);
    expectHistoryMatchesEvents(result);
  });

  it('UpdateItem fails after the flag was written ("after": true): the retried poll sees the flag and does not publish again', async () => {
    const result = await run([{ operation: 'UpdateItem', error: 'InternalServerError', after: true, times: 1 }]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(transitionsOf(statusChanges(result, ID))).toEqual(transitionsOf(statusChanges(baseline, ID)));
    expectHistoryMatchesEvents(result);
    expect(result.retried).toBe(1);
  });

  it('PutEvents delivers and then fails ("after": true) on transition 2: delivered twice, same eventId, one item', async () => {
    const result = await run([{ operation: 'PutEvents', error: 'InternalFailure', after: true, skip: 1, times: 1 }]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const events = statusChanges(result, ID);
    expect(events.map((e) => e.envelope.detail.sequence)).toEqual([1, 2, 2, 3]);
    expect(events[1].envelope.detail).toEqual(events[2].envelope.detail);
    expect(distinctTransitions(result)).toEqual(TRANSITIONS);
    expectHistoryMatchesEvents(result);
  });

  it('PutItem is written and then fails ("after": true): no second history item, the event published once', async () => {
    const result = await run([{ operation: 'PutItem', error: 'InternalServerError', after: true, times: 1 }]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(transitionsOf(statusChanges(result, ID))).toEqual(transitionsOf(statusChanges(baseline, ID)));
    expectHistoryMatchesEvents(result);
    expect(result.history).toHaveLength(3);
  });

  it('every write of the run fails after taking effect: still one item per transition, every event delivered', async () => {
    const result = await run([
      { operation: 'PutItem', error: 'InternalServerError', after: true, times: 3 },
      { operation: 'UpdateItem', error: 'InternalServerError', after: true, times: 3 },
    ]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(result.totals.faultsInjected).toBe(6);
    expect(distinctTransitions(result)).toEqual(TRANSITIONS);
    expect(statusChanges(result, ID)).toHaveLength(3);
    expectHistoryMatchesEvents(result);
  });
});

describe('retries that take time (backoff simulated on the virtual clock)', () => {
  it('a status that goes back while a crashed poll is retried: the stored transition is published at once, then the change back', async () => {
    // INPROGRESS is seen by the poll at ~30 s and written; its publish fails 6 times; by the retry
    // that gets through (after 6 jittered backoffs), the job is PENDING again: the loop state's lastStatus.
    const timeline = [
      { at: 0, status: 'PENDING' },
      { at: 20, status: 'INPROGRESS' },
      { at: 40, status: 'PENDING' },
      { at: 600, status: 'COMPLETED' },
    ];
    const { result, runtime } = await runLocally(
      deployment,
      { batchPredictions: [{ id: ID, timeline }], faults: [{ operation: 'PutEvents', error: 'InternalFailure', skip: 1, times: 6 }] },
      undefined,
      { simulateRetryDelays: true },
    );
    const secondsOf = (ms: number) => (ms - runtime.clock.startMs) / 1000;
    const answered = runtime.machineLearning.answered;
    // The precondition: poll 1 and its 7 attempts (1 + 6 retries) saw PENDING, then INPROGRESS, then PENDING again.
    expect(collapse(answered.slice(0, 8).map((a) => a.status))).toEqual(['PENDING', 'INPROGRESS', 'PENDING']);
    const inProgressAt = secondsOf(answered[1].atMs);
    const retriedAt = secondsOf(answered[7].atMs);
    expect(result.totals.faultsInjected).toBe(6);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const events = statusChanges(result, ID);
    expect(transitionsOf(events).map((t) => t.slice(0, 3))).toEqual([
      [null, 'PENDING', 1],
      ['PENDING', 'INPROGRESS', 2],
      ['INPROGRESS', 'PENDING', 3],
      ['PENDING', 'COMPLETED', 4],
    ]);
    // Both published by the retry that got through: INPROGRESS as first observed, then the change back.
    expect(events.map((e) => secondsOf(Date.parse(String(e.envelope.detail.observedAt))))).toEqual([
      0,
      inProgressAt,
      retriedAt,
      expect.any(Number),
    ]);
    expect(historyOf(result, ID).map((h) => [h.sequence, h.status, h.published])).toEqual([
      [1, 'PENDING', true],
      [2, 'INPROGRESS', true],
      [3, 'PENDING', true],
      [4, 'COMPLETED', true],
    ]);
  });
});

describe('PutEvents partial failure', () => {
  it('re-sends only the failed entry within the call: no poll retry, no second write, no duplicate', async () => {
    const result = await run([{ operation: 'PutEvents', failedEntries: 1, times: 1 }]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    // One entry more than events (the failed one, re-sent), and nothing else repeated.
    expect(callsOf(result, 'PutEvents')).toHaveLength(3 + 1);
    expect(callsOf(result, 'PutItem')).toHaveLength(3);
    expect(callsOf(result, 'GetBatchPrediction')).toHaveLength(polls(result));
    expect(result.retried).toBe(0);
    expect(transitionsOf(statusChanges(result, ID))).toEqual(transitionsOf(statusChanges(baseline, ID)));
    expectHistoryMatchesEvents(result);
  });

  it('an entry that keeps failing ends the poll with EventPublishError; the retried poll sends it from the outbox, once', async () => {
    // The publisher sends 3 times per call (1 + 2 re-sends of the failed entries); the 4th send is the retried poll's.
    const result = await run([{ operation: 'PutEvents', failedEntries: 1, skip: 1, times: 3 }]);
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(callsOf(result, 'PutEvents')).toHaveLength(3 + 3);
    expect(result.retried).toBe(1);
    expect(transitionsOf(statusChanges(result, ID))).toEqual(transitionsOf(statusChanges(baseline, ID)));
    expectHistoryMatchesEvents(result);
  });
});

describe('a permanent PutEvents error', () => {
  it.each([
    ['ResourceNotFoundException', PollerErrorName.EVENT_BUS_NOT_FOUND],
    ['AccessDeniedException', PollerErrorName.ACCESS_DENIED],
  ])('%s becomes %s: not retried, the run FAILS through the failure path with a Polling Failed event', async (code, named) => {
    const result = await run([{ operation: 'PutEvents', error: code, times: 1 }]);
    expect(result.executions.map((e) => [e.status, e.error])).toEqual([['FAILED', named]]);
    expect(statusChanges(result, ID)).toHaveLength(0);
    const [failed, ...more] = pollingFailures(result);
    expect(more).toHaveLength(0);
    expect(failed.envelope.detail).toMatchObject({ batchPredictionId: ID, reason: PollingFailureReason.ERROR, error: named });
    expect(failed.deliveries.map((d) => d.ruleLogicalId)).toEqual([expect.stringMatching(/PollingFailedRule/)]);
    // No retry storm: one poll, one failed PutEvents, one for the alert.
    expect(polls(result)).toBe(1);
    expect(callsOf(result, 'GetBatchPrediction')).toHaveLength(1);
    expect(callsOf(result, 'PutEvents')).toHaveLength(2);
    // The transition stays in the outbox, unpublished: written once, never announced.
    expect(historyOf(result, ID).map((h) => [h.sequence, h.published])).toEqual([[1, false]]);
  });
});

describe('throttling and 5xx', () => {
  it('the poll task retries transient errors and Lambda service errors with exponential backoff and full jitter, bounded', () => {
    const poll = (deployment.stateMachines[0].definition.States as Record<string, { Retry?: Record<string, unknown>[] }>).Poll;
    const retrierFor = (name: string) => poll.Retry?.find((r) => (r.ErrorEquals as string[]).includes(name));
    for (const name of [...TRANSIENT_ERROR_NAMES, ...LAMBDA_SERVICE_ERROR_NAMES]) {
      expect(retrierFor(name)).toMatchObject({
        BackoffRate: 2,
        JitterStrategy: 'FULL',
        MaxAttempts: 6,
        MaxDelaySeconds: expect.any(Number),
      });
    }
    expect(retrierFor('Lambda.TooManyRequestsException')).toBeDefined();
    expect(retrierFor(PollerErrorName.NOT_FOUND)).toBeUndefined();
  });

  it('waits out the backoff between attempts: each delay within IntervalSeconds × 2^n capped by MaxDelaySeconds, drawn at random', async () => {
    const { result, runtime } = await runLocally(
      deployment,
      {
        batchPredictions: [{ id: ID, timeline: standardTimeline() }],
        faults: [{ operation: 'GetBatchPrediction', error: 'ThrottlingException', times: 6 }],
      },
      undefined,
      { simulateRetryDelays: true },
    );
    expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const attempts = runtime.invocations.slice(0, 7);
    expect(attempts.map((a) => a.outcome)).toEqual([...Array(6).fill(PollerErrorName.MACHINE_LEARNING_UNAVAILABLE), 'returned']);
    const delays = attempts.slice(1).map((a, n) => (a.atMs - attempts[n].atMs) / 1000);
    const caps = [5, 10, 20, 40, 80, 120];
    delays.forEach((delay, n) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(caps[n]);
    });
    // Full jitter: not the caps themselves, and not all zero.
    expect(delays).not.toEqual(caps);
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  const transient: [string, Record<string, unknown>, boolean][] = [
    ['Amazon ML ThrottlingException', { operation: 'GetBatchPrediction', error: 'ThrottlingException' }, true],
    ['Amazon ML InternalServerException', { operation: 'GetBatchPrediction', error: 'InternalServerException' }, true],
    ['DynamoDB ProvisionedThroughputExceededException', { operation: 'PutItem', error: 'ProvisionedThroughputExceededException' }, true],
    ['DynamoDB InternalServerError on the flag', { operation: 'UpdateItem', error: 'InternalServerError' }, true],
    ['EventBridge ThrottlingException', { operation: 'PutEvents', error: 'ThrottlingException' }, true],
    ['Lambda.TooManyRequestsException', { operation: 'Invoke', error: 'Lambda.TooManyRequestsException' }, false],
    ['Lambda.ServiceException', { operation: 'Invoke', error: 'Lambda.ServiceException' }, false],
  ];

  it.each(transient)(
    '%s 5 times in a row: recovered within the retry bounds, every transition published',
    async (_label, fault, reachesHandler) => {
      const result = await run([{ ...fault, times: 5 }]);
      expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
      expect(result.totals.faultsInjected).toBe(5);
      // The retries are visible as handler invocations, except Lambda's own errors (the handler never ran).
      expect(result.retried).toBe(reachesHandler ? 5 : 0);
      expect(distinctTransitions(result)).toEqual(TRANSITIONS);
      expectHistoryMatchesEvents(result);
    },
  );

  const exhausted: [string, Record<string, unknown>, string, number][] = [
    [
      'Amazon ML ThrottlingException',
      { operation: 'GetBatchPrediction', error: 'ThrottlingException' },
      PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
      7,
    ],
    [
      'DynamoDB ProvisionedThroughputExceededException',
      { operation: 'PutItem', error: 'ProvisionedThroughputExceededException' },
      PollerErrorName.HISTORY_STORE_UNAVAILABLE,
      7,
    ],
    [
      'Lambda.TooManyRequestsException on the poll task',
      { operation: 'Invoke', error: 'Lambda.TooManyRequestsException', state: 'Poll' },
      'Lambda.TooManyRequestsException',
      0,
    ],
    // EventBridge throttles the 7 poll attempts, then lets the alert through.
    [
      'EventBridge ThrottlingException',
      { operation: 'PutEvents', error: 'ThrottlingException', times: 7 },
      PollerErrorName.EVENT_PUBLISH,
      7,
    ],
  ];

  it.each(exhausted)(
    '%s without end: 1 + 6 attempts, then FAILED through the failure path with an alert',
    async (_label, fault, error, handlerRuns) => {
      const result = await run([{ times: 50, ...fault }]);
      expect(result.executions.map((e) => [e.status, e.error])).toEqual([['FAILED', error]]);
      expect(result.totals.faultsInjected).toBe(7);
      expect(polls(result)).toBe(handlerRuns);
      const [failed, ...more] = pollingFailures(result);
      expect(more).toHaveLength(0);
      expect(failed.envelope.detail).toMatchObject({ batchPredictionId: ID, reason: PollingFailureReason.ERROR, error });
      expect(failed.deliveries).toEqual([
        expect.objectContaining({
          ruleLogicalId: expect.stringMatching(/PollingFailedRule/),
          targetArn: expect.stringMatching(/^arn:aws:sns:/),
        }),
      ]);
      expect(statusChanges(result, ID)).toHaveLength(0);
      expect(historyOf(result, ID).filter((h) => h.published === true)).toHaveLength(0);
    },
  );

  it('EventBridge down for good: the run still FAILS with the original error after a bounded number of calls', async () => {
    const result = await run([{ operation: 'PutEvents', error: 'ThrottlingException', times: 50 }]);
    expect(result.executions.map((e) => [e.status, e.error])).toEqual([['FAILED', PollerErrorName.EVENT_PUBLISH]]);
    // 7 poll attempts, then the alert's own 1 + 5 attempts; then the execution fails without it.
    expect(callsOf(result, 'PutEvents')).toHaveLength(7 + 6);
    expect(result.events).toHaveLength(0);
  });
});

describe('a poll that crashes or times out (the function died: Lambda.Unknown, Sandbox.Timedout)', () => {
  it.each(LAMBDA_CRASH_ERROR_NAMES)(
    '%s 3 times in a row on the Poll task: retried, the run completes, every transition published once',
    async (error) => {
      const result = await run([{ operation: 'Invoke', error, state: 'Poll', times: 3 }]);
      expect(result.executions.map((e) => [e.status, e.error])).toEqual([['SUCCEEDED', null]]);
      expect(result.totals.faultsInjected).toBe(3);
      expect(distinctTransitions(result)).toEqual(TRANSITIONS);
      expectHistoryMatchesEvents(result);
      expect(pollingFailures(result)).toHaveLength(0);
    },
  );

  it.each(LAMBDA_CRASH_ERROR_NAMES)(
    '%s after the poll wrote and published each transition: the retry finds it, no second item, same eventId',
    async (error) => {
      // The first poll (which records and publishes PENDING) runs to its end, then "dies" before its
      // result reaches Step Functions, three times: the worst moment for a crash.
      const result = await run([{ operation: 'Invoke', error, state: 'Poll', after: true, times: 3 }]);
      expect(result.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
      expect(result.retried).toBe(3);
      expect(distinctTransitions(result)).toEqual(TRANSITIONS);
      expectHistoryMatchesEvents(result);
    },
  );

  it.each(LAMBDA_CRASH_ERROR_NAMES)(
    '%s without end: 1 + 3 attempts, then FAILED through the failure path with an alert naming it',
    async (error) => {
      const result = await run([{ operation: 'Invoke', error, state: 'Poll', times: 50 }]);
      expect(result.executions.map((e) => [e.status, e.error])).toEqual([['FAILED', error]]);
      expect(result.totals.faultsInjected).toBe(4);
      const [failed, ...more] = pollingFailures(result);
      expect(more).toHaveLength(0);
      expect(failed.envelope.detail).toMatchObject({ batchPredictionId: ID, reason: PollingFailureReason.ERROR, error });
    },
  );

  it('the report-failure function crashing twice still gets the alert out', async () => {
    const result = await run([
      { operation: 'GetBatchPrediction', error: 'AccessDeniedException', times: 1 },
      { operation: 'Invoke', error: 'Sandbox.Timedout', state: 'ReportFailure', times: 2 },
    ]);
    expect(result.executions.map((e) => [e.status, e.error])).toEqual([['FAILED', PollerErrorName.ACCESS_DENIED]]);
    expect(pollingFailures(result).map((e) => e.envelope.detail.error)).toEqual([PollerErrorName.ACCESS_DENIED]);
  });
});

describe('bad input', () => {
  const KNOWN = 'bp-known';
  const cases: [string, unknown, string, string, number][] = [
    ['missing id', {}, PollerErrorName.INVALID_INPUT, PollingFailureReason.INVALID_INPUT, 0],
    ['non-string id', { batchPredictionId: 42 }, PollerErrorName.INVALID_INPUT, PollingFailureReason.INVALID_INPUT, 0],
    ['65-character id', { batchPredictionId: 'b'.repeat(65) }, PollerErrorName.INVALID_INPUT, PollingFailureReason.INVALID_INPUT, 0],
    ['id with a space', { batchPredictionId: 'bp 1' }, PollerErrorName.INVALID_INPUT, PollingFailureReason.INVALID_INPUT, 0],
    [
      'extra key',
      { batchPredictionId: KNOWN, batchPredictionID: KNOWN },
      PollerErrorName.INVALID_INPUT,
      PollingFailureReason.INVALID_INPUT,
      0,
    ],
    ['unknown id', { batchPredictionId: 'bp-nobody-knows' }, PollerErrorName.NOT_FOUND, PollingFailureReason.NOT_FOUND, 1],
    ['unknown status', { batchPredictionId: 'bp-running' }, PollerErrorName.UNKNOWN_STATUS, PollingFailureReason.ERROR, 1],
  ];
  let result: RunResult;
  let arns: string[];

  beforeAll(async () => {
    const scenario = {
      batchPredictions: [
        // Already COMPLETED: it exists for Amazon ML, but the sweeper (which starts runs for PENDING
        // and INPROGRESS ones) leaves it alone, so any GetBatchPrediction on it comes from bad input.
        { id: KNOWN, starts: 0, timeline: [{ at: 0, status: 'COMPLETED' }] },
        { id: 'bp-running', starts: 0, timeline: [{ at: 0, status: 'RUNNING' }] },
      ],
    };
    ({ result } = await runLocally(deployment, scenario, (runtime) => {
      arns = cases.map(([, input], n) => runtime.stepFunctions.startExecution(runtime.stateMachineArn, `x-${n}`, input).executionArn);
    }));
  });

  it.each(cases.map((c, n) => [...c, n] as const))(
    '%s: %p fails with %s, a Polling Failed event (%s), no retry storm',
    (_label, _input, error, reason, mlCalls, n) => {
      const execution = result.executions.find((e) => e.name === `x-${n}`);
      expect(execution).toMatchObject({ status: 'FAILED', error });
      // One poll, not retried: the error is named and not transient.
      expect(execution?.polls).toBe(1);
      const id = (_input as { batchPredictionId?: unknown }).batchPredictionId;
      if (typeof id === 'string') expect(callsOf(result, 'GetBatchPrediction', id)).toHaveLength(mlCalls);
      const failed = pollingFailures(result).filter((e) => e.envelope.detail.eventId === pollingFailedEventId(arns[n], error));
      expect(failed).toHaveLength(1);
      expect(failed[0].envelope.detail).toMatchObject({ reason, error, lastStatus: null });
      expect(failed[0].deliveries).toHaveLength(1);
    },
  );

  it('writes nothing and publishes no status change for any of them', () => {
    expect(result.executions.map((e) => e.name)).toEqual(cases.map((_c, n) => `x-${n}`));
    expect(result.history).toEqual([]);
    expect(result.events.every((e) => e.envelope['detail-type'] === DetailType.POLLING_FAILED)).toBe(true);
    expect(result.events).toHaveLength(cases.length);
    expect(callsOf(result, 'PutItem')).toHaveLength(0);
    // Amazon ML was asked about the two well-formed ids only, once each.
    expect(
      callsOf(result, 'GetBatchPrediction')
        .map((c) => c.resource)
        .sort(),
    ).toEqual(['bp-nobody-knows', 'bp-running']);
  });
});

describe('input that is not a JSON object, started through the Step Functions API (StartExecution)', () => {
  // Step Functions takes any JSON value as an execution's input; the state machine must still end
  // such a run as bad input, with an alert, instead of an uncatchable States.Runtime and silence.
  const inputs: [string, string][] = [
    ['a string', '"bp-1"'],
    ['an array', '["bp-1"]'],
    ['a number', '42'],
    ['null', 'null'],
    ['a boolean', 'true'],
    ['an empty string', '""'],
  ];
  let result: RunResult;
  let arns: string[];
  let described: DescribeExecutionCommandOutput[];

  beforeAll(async () => {
    const scenario = validateScenario(
      { batchPredictions: [{ id: 'bp-1', starts: 0, timeline: [{ at: 0, status: 'COMPLETED' }] }] },
      'test scenario',
    );
    const runtime = await LocalRuntime.start(scenario, { deployment });
    try {
      // The real SDK client, as an operator's script would call it, against the local endpoint.
      const sfn = new SFNClient({ endpoint: runtime.endpoints.sfn, maxAttempts: 1 });
      arns = [];
      for (const [n, [, input]] of inputs.entries()) {
        arns.push(
          (await sfn.send(new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: `raw-${n}`, input }))).executionArn ??
            '',
        );
      }
      result = await runtime.run();
      described = await Promise.all(arns.map((executionArn) => sfn.send(new DescribeExecutionCommand({ executionArn }))));
    } finally {
      await runtime.stop();
    }
  });

  it.each(inputs.map(([label, input], n) => [label, input, n] as const))(
    '%s (%s): FAILED with InvalidBatchPredictionInputError, one Polling Failed event (INVALID_INPUT) delivered to the alert rule',
    (_label, input, n) => {
      expect(described[n]).toMatchObject({ status: 'FAILED', error: PollerErrorName.INVALID_INPUT, input });
      expect(described[n].cause).toMatch(/must be a JSON object/);
      const execution = result.executions.find((e) => e.name === `raw-${n}`);
      // One poll, not retried: the input is rejected before anything is called.
      expect(execution?.polls).toBe(1);
      const failed = pollingFailures(result).filter(
        (e) => e.envelope.detail.eventId === pollingFailedEventId(arns[n], PollerErrorName.INVALID_INPUT),
      );
      expect(failed).toHaveLength(1);
      expect(failed[0].envelope.detail).toMatchObject({
        batchPredictionId: '',
        reason: PollingFailureReason.INVALID_INPUT,
        error: PollerErrorName.INVALID_INPUT,
        lastStatus: null,
        runId: null,
      });
      // No id, so no batch prediction ARN: `resources` stays empty rather than naming a wrong one.
      expect(failed[0].envelope.resources).toEqual([]);
      expect(failed[0].deliveries).toEqual([expect.objectContaining({ ruleLogicalId: expect.stringMatching(/PollingFailedRule/) })]);
    },
  );

  it('calls nothing and writes nothing for any of them', () => {
    expect(result.executions).toHaveLength(inputs.length);
    expect(callsOf(result, 'GetBatchPrediction')).toHaveLength(0);
    expect(callsOf(result, 'PutItem')).toHaveLength(0);
    expect(result.events.every((e) => e.envelope['detail-type'] === DetailType.POLLING_FAILED)).toBe(true);
    expect(result.events).toHaveLength(inputs.length);
  });
});

describe('duplicate starts', () => {
  it('two starts for one id, and a start with other input while it runs: one polling run, one event per transition', async () => {
    let conflicting: unknown;
    const first: string[] = [];
    const { result, runtime } = await runLocally(
      deployment,
      { batchPredictions: [{ id: ID, starts: 2, timeline: standardTimeline() }] },
      (started) => {
        first.push(started.startRun(ID).executionArn, started.startRun(ID).executionArn);
        try {
          started.stepFunctions.startExecution(started.stateMachineArn, ID, { batchPredictionId: ID, generation: 1 });
        } catch (error) {
          conflicting = error;
        }
      },
    );
    expect(new Set(first).size).toBe(1);
    expect(conflicting).toBeInstanceOf(ServiceError);
    expect((conflicting as ServiceError).errorType).toBe('ExecutionAlreadyExists');
    // run() started it twice more (starts: 2): still the one execution.
    expect(result.executions.map((e) => [e.name, e.status])).toEqual([[ID, 'SUCCEEDED']]);
    expect(transitionsOf(statusChanges(result, ID))).toEqual(transitionsOf(statusChanges(baseline, ID)));
    expectHistoryMatchesEvents(result);
    expect(result.totals.polls).toBe(new Set(runtime.machineLearning.answered.map((a) => a.atMs)).size);
  });

  it('a start after the run ended is refused too: the id cannot be polled twice under its name', async () => {
    let refused: unknown;
    const { runtime } = await runLocally(deployment, { batchPredictions: [{ id: ID, timeline: standardTimeline() }] });
    try {
      runtime.startRun(ID);
    } catch (error) {
      refused = error;
    }
    expect((refused as ServiceError).errorType).toBe('ExecutionAlreadyExists');
  });
});
