/**
 * End to end on the local runtime: the synthesized state machine, run by the ASL interpreter on
 * simulated time, with the real handlers talking HTTP to the Amazon ML, EventBridge and DynamoDB
 * stand-ins. Each scenario gets a fresh runtime; the stack is synthesized once for the file.
 */
import { DEFAULT_EVENT_SOURCE, DetailType, PollingFailureReason } from '../../lib/contract/events';
import { PollerErrorName } from '../../lib/contract/errors';
import type { LocalDeployment } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';
import type { DeliveredEvent } from '../../local/stand-ins/event-bridge/event-bridge-stand-in';
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';

const START_MS = Date.parse('2026-01-05T00:00:00.000Z');
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
});

/** Runs a scenario (given as its JSON form) on a fresh runtime. */
async function run(scenario: unknown): Promise<RunResult> {
  const runtime = await LocalRuntime.start(validateScenario(scenario, 'test scenario'), { deployment });
  try {
    return await runtime.run();
  } finally {
    await runtime.stop();
  }
}

type Timeline = { at: number; status: string; [field: string]: unknown }[];
type Transition = [previousStatus: string | null, status: string];

const COMPLETED_TIMELINE: Timeline = [
  { at: 0, status: 'PENDING' },
  { at: 600, status: 'INPROGRESS' },
  { at: 7200, status: 'COMPLETED', totalRecordCount: 120000, invalidRecordCount: 3 },
];

/** Events about one batch prediction, in delivery order. */
function eventsOf(result: RunResult, id: string): DeliveredEvent[] {
  return result.events.filter((e) => e.envelope.detail.batchPredictionId === id);
}

function statusChangesOf(result: RunResult, id: string): DeliveredEvent[] {
  return eventsOf(result, id).filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE);
}

/** Deliveries of an event by the rule whose logical name contains `rule`. */
function deliveriesBy(event: DeliveredEvent, rule: 'FailedStatusRule' | 'PollingFailedRule') {
  return event.deliveries.filter((d) => d.ruleName.includes(rule));
}

function executionOf(result: RunResult, name: string) {
  const execution = result.executions.find((e) => e.name === name);
  if (execution === undefined) throw new Error(`no execution named ${name}; have ${result.executions.map((e) => e.name).join(', ')}`);
  return execution;
}

/** Seconds after the scenario's start. */
const offset = (iso: unknown) => (Date.parse(String(iso)) - START_MS) / 1000;

/**
 * Asserts the one polling run of `id`: its status-change events are exactly `transitions`, numbered
 * 1..n, of one run, with unique ids, well-formed envelopes, and a history item per event.
 */
function expectRun(result: RunResult, id: string, transitions: readonly Transition[]): DeliveredEvent[] {
  const events = statusChangesOf(result, id);
  const details = events.map((e) => e.envelope.detail);
  expect(events.map((e) => e.envelope['detail-type'])).toEqual(transitions.map(() => DetailType.STATUS_CHANGE));
  expect(details.map((d) => [d.previousStatus, d.status])).toEqual(transitions);
  expect(details.map((d) => d.sequence)).toEqual(transitions.map((_, i) => i + 1));
  expect(new Set(details.map((d) => d.runId)).size).toBe(1);
  expect(String(details[0].runId)).toMatch(new RegExp(`/${id.replace(/[.]/g, '\\.')}$`));
  expect(new Set(details.map((d) => d.eventId)).size).toBe(details.length);
  for (const e of events) {
    expect(e.envelope).toMatchObject({
      version: '0',
      source: DEFAULT_EVENT_SOURCE,
      account: ACCOUNT,
      region: REGION,
      resources: [`arn:aws:machinelearning:${REGION}:${ACCOUNT}:batchprediction/${id}`],
    });
    expect(e.envelope.detail.batchPrediction).toMatchObject({ batchPredictionId: id, status: e.envelope.detail.status });
    // observedAt is the envelope's time, to the second.
    expect(Math.floor(offset(e.envelope.detail.observedAt))).toBe(offset(e.envelope.time));
  }
  // One history item per status change, and none besides.
  const history = result.history.filter((h) => h.batchPredictionId === id);
  expect(history.map((h) => h.eventId)).toEqual(details.map((d) => d.eventId));
  for (const [i, item] of history.entries()) {
    expect(item).toMatchObject({
      batchPredictionId: id,
      status: details[i].status,
      previousStatus: details[i].previousStatus,
      sequence: details[i].sequence,
      runId: details[i].runId,
      observedAt: details[i].observedAt,
      published: true,
    });
  }
  return events;
}

/** Asserts that the events of `result` and `history` never carry the presigned log URL's signature. */
function expectNoPresignedUrls(result: RunResult): void {
  const text = JSON.stringify(result.events.map((e) => e.envelope)) + JSON.stringify(result.history);
  expect(text).not.toContain('X-Amz-Signature');
  expect(text).not.toContain('X-Amz-Credential');
}

let baseline: Promise<RunResult> | undefined;
/** The completed job without faults (shared by the cases that compare against it). */
const completedJob = () => (baseline ??= run({ batchPredictions: [{ id: 'bp-x', timeline: COMPLETED_TIMELINE }] }));

describe('LocalRuntime', () => {
  it('publishes PENDING, INPROGRESS and COMPLETED of a completed job, each soon after it happened', async () => {
    const result = await completedJob();
    const events = expectRun(result, 'bp-x', [
      [null, 'PENDING'],
      ['PENDING', 'INPROGRESS'],
      ['INPROGRESS', 'COMPLETED'],
    ]);
    // Detection delay: the adaptive wait is a tenth of the time since the last change, between
    // 30 s and 300 s, so a change is seen within that (plus a little) of when it happened.
    for (const [i, e] of events.entries()) {
      const happened = COMPLETED_TIMELINE[i].at;
      const sincePrevious = i === 0 ? 0 : happened - COMPLETED_TIMELINE[i - 1].at;
      const observed = offset(e.envelope.detail.observedAt);
      expect(observed).toBeGreaterThanOrEqual(happened);
      expect(observed - happened).toBeLessThanOrEqual(Math.min(300, Math.max(30, sincePrevious / 10)) + 2);
    }
    expect(offset(events[0].envelope.detail.observedAt)).toBe(0);

    const completed = events[2].envelope.detail.batchPrediction as Record<string, unknown>;
    expect(completed).toMatchObject({
      batchPredictionId: 'bp-x',
      status: 'COMPLETED',
      mlModelId: 'ml-bp-x',
      totalRecordCount: 120000,
      invalidRecordCount: 3,
      computeTime: (7200 - 600) * 1000,
      startedAt: new Date(START_MS + 600_000).toISOString(),
      finishedAt: new Date(START_MS + 7_200_000).toISOString(),
      outputUri: 's3://local-ml-output/bp-x/',
    });
    // The presigned log URL is published without its query string (the signature).
    for (const e of events) {
      const logUri = String((e.envelope.detail.batchPrediction as Record<string, unknown>).logUri);
      expect(logUri).toBe('https://local-ml-logs.s3.amazonaws.com/bp-x/log.txt');
      expect(logUri).not.toContain('?');
    }
    expectNoPresignedUrls(result);
    // The alert rules leave PENDING, INPROGRESS and COMPLETED alone.
    expect(events.flatMap((e) => [...deliveriesBy(e, 'FailedStatusRule'), ...deliveriesBy(e, 'PollingFailedRule')])).toEqual([]);

    expect(result.executions).toHaveLength(1);
    const execution = executionOf(result, 'bp-x');
    expect(execution).toMatchObject({ batchPredictionId: 'bp-x', status: 'SUCCEEDED', error: null });
    expect(execution.polls).toBeGreaterThan(3);
    expect(execution.simulatedSeconds).toBeGreaterThanOrEqual(7200);
    expect(execution.simulatedSeconds).toBeLessThanOrEqual(7200 + 302);
    expect(result.totals).toMatchObject({ executions: 1, succeeded: 1, failed: 0, events: 3, historyItems: 3, faultsInjected: 0 });
    // Every poll is one GetBatchPrediction call.
    expect(result.calls.filter((c) => c.operation === 'GetBatchPrediction')).toHaveLength(execution.polls);
  });

  it('alerts on a FAILED job through the FailedStatusRule target', async () => {
    const message = 'Input data location s3://ml-input/churn/ is not accessible';
    const result = await run({
      batchPredictions: [
        {
          id: 'bp-churn',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 300, status: 'INPROGRESS' },
            { at: 2700, status: 'FAILED', message },
          ],
        },
      ],
    });
    const events = expectRun(result, 'bp-churn', [
      [null, 'PENDING'],
      ['PENDING', 'INPROGRESS'],
      ['INPROGRESS', 'FAILED'],
    ]);
    const failed = events[2];
    expect(failed.envelope.detail.batchPrediction).toMatchObject({ status: 'FAILED', message });
    expect(deliveriesBy(failed, 'FailedStatusRule')).toHaveLength(1);
    const [delivery] = deliveriesBy(failed, 'FailedStatusRule');
    expect(delivery.targetArn).toMatch(/^arn:aws:sns:/);
    expect(typeof delivery.input).toBe('string');
    expect(delivery.input).toContain('bp-churn');
    expect(delivery.input).toContain('ml-bp-churn');
    expect(delivery.input).toContain(message);
    // Only the FAILED event is routed to the alert.
    expect(events.slice(0, 2).flatMap((e) => deliveriesBy(e, 'FailedStatusRule'))).toEqual([]);
    // Reaching FAILED ends polling normally: the run did its job.
    expect(executionOf(result, 'bp-churn')).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(eventsOf(result, 'bp-churn').filter((e) => e.envelope['detail-type'] === DetailType.POLLING_FAILED)).toEqual([]);
  });

  it('reports PENDING → COMPLETED for a fast job whose INPROGRESS no poll saw', async () => {
    const result = await run({
      batchPredictions: [
        {
          id: 'bp-fast',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 5, status: 'INPROGRESS' },
            { at: 20, status: 'COMPLETED' },
          ],
        },
      ],
    });
    const events = expectRun(result, 'bp-fast', [
      [null, 'PENDING'],
      ['PENDING', 'COMPLETED'],
    ]);
    // The snapshot still tells when it started.
    expect(events[1].envelope.detail.batchPrediction).toMatchObject({ startedAt: new Date(START_MS + 5000).toISOString() });
    expect(executionOf(result, 'bp-fast')).toMatchObject({ status: 'SUCCEEDED', error: null, polls: 2 });
  });

  it('stops polling at DELETED', async () => {
    const result = await run({
      batchPredictions: [
        {
          id: 'bp-gone',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 100, status: 'DELETED' },
          ],
        },
      ],
    });
    const events = expectRun(result, 'bp-gone', [
      [null, 'PENDING'],
      ['PENDING', 'DELETED'],
    ]);
    const execution = executionOf(result, 'bp-gone');
    expect(execution).toMatchObject({ status: 'SUCCEEDED', error: null });
    // The last poll is the one that saw DELETED.
    expect(execution.simulatedSeconds).toBe(offset(events[1].envelope.detail.observedAt));
    expect(result.calls.filter((c) => c.operation === 'GetBatchPrediction')).toHaveLength(execution.polls);
  });

  it('fails the run of an unknown id with NOT_FOUND after one poll, and alerts', async () => {
    const result = await run({ batchPredictions: [{ id: 'bp-typo', missing: true }] });
    expect(result.executions).toHaveLength(1);
    const execution = executionOf(result, 'bp-typo');
    expect(execution).toMatchObject({ status: 'FAILED', error: PollerErrorName.NOT_FOUND, polls: 1 });
    expect(result.events).toHaveLength(1);
    const [event] = result.events;
    expect(event.envelope['detail-type']).toBe(DetailType.POLLING_FAILED);
    expect(event.envelope.detail).toMatchObject({
      batchPredictionId: 'bp-typo',
      reason: PollingFailureReason.NOT_FOUND,
      error: PollerErrorName.NOT_FOUND,
      lastStatus: null,
    });
    const [alert, ...others] = deliveriesBy(event, 'PollingFailedRule');
    expect(others).toEqual([]);
    expect(alert.targetArn).toMatch(/^arn:aws:sns:/);
    expect(alert.input).toEqual(expect.stringContaining('bp-typo'));
    expect(alert.input).toEqual(expect.stringContaining('NOT_FOUND'));
    expect(result.history).toEqual([]);
    // Not found is not retried.
    expect(result.calls.filter((c) => c.operation === 'GetBatchPrediction')).toEqual([
      { service: 'machinelearning', operation: 'GetBatchPrediction', resource: 'bp-typo' },
    ]);
  });

  it('retries through transient Amazon ML errors without losing or repeating an event', async () => {
    const result = await run({
      batchPredictions: [{ id: 'bp-x', timeline: COMPLETED_TIMELINE }],
      faults: [{ operation: 'GetBatchPrediction', error: 'InternalServerException', times: 2 }],
    });
    expectRun(result, 'bp-x', [
      [null, 'PENDING'],
      ['PENDING', 'INPROGRESS'],
      ['INPROGRESS', 'COMPLETED'],
    ]);
    const clean = await completedJob();
    expect(executionOf(result, 'bp-x')).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(executionOf(result, 'bp-x').polls).toBe(executionOf(clean, 'bp-x').polls + 2);
    expect(result.totals.faultsInjected).toBe(2);
    // Retries are immediate on the virtual clock: the same transitions are published.
    expect(result.events.map((e) => e.envelope.detail.eventId)).toEqual(clean.events.map((e) => e.envelope.detail.eventId));
  });

  it('re-sends only the failed entry when PutEvents partly fails: no event lost, none duplicated', async () => {
    const result = await run({
      batchPredictions: [{ id: 'bp-x', timeline: COMPLETED_TIMELINE }],
      faults: [{ operation: 'PutEvents', failedEntries: 1, times: 1 }],
    });
    const transitions: Transition[] = [
      [null, 'PENDING'],
      ['PENDING', 'INPROGRESS'],
      ['INPROGRESS', 'COMPLETED'],
    ];
    // Deduplicated by eventId the events are exactly the transitions ...
    const unique = [...new Map(result.events.map((e) => [e.envelope.detail.eventId, e])).values()];
    expect(unique.map((e) => [e.envelope.detail.previousStatus, e.envelope.detail.status])).toEqual(transitions);
    // ... and there is nothing to deduplicate.
    expect(result.events).toHaveLength(unique.length);
    expectRun(result, 'bp-x', transitions);
    expect(result.totals.faultsInjected).toBe(1);
    expect(result.calls.filter((c) => c.operation === 'PutEvents')).toHaveLength(transitions.length + 1);
    expect(executionOf(result, 'bp-x')).toMatchObject({ status: 'SUCCEEDED', error: null });
  });

  it('follows 50 batch predictions at once, each with its own event sequence', async () => {
    const jobs = Array.from({ length: 50 }, (_, i) => {
      const id = `bp-many-${String(i).padStart(2, '0')}`;
      // Every status lasts longer than the longest poll interval (300 s), so every one is seen.
      const started = 30 + 13 * i;
      const ended = started + 600 + 17 * i;
      const terminal = i % 7 === 3 ? 'FAILED' : i % 13 === 5 ? 'DELETED' : 'COMPLETED';
      // Every 11th skips INPROGRESS altogether.
      const timeline: Timeline =
        i % 11 === 4
          ? [
              { at: 0, status: 'PENDING' },
              { at: ended, status: terminal },
            ]
          : [
              { at: 0, status: 'PENDING' },
              { at: started, status: 'INPROGRESS' },
              { at: ended, status: terminal },
            ];
      return { id, timeline };
    });
    const result = await run({ batchPredictions: jobs });
    expect(result.executions).toHaveLength(50);
    for (const { id, timeline } of jobs) {
      const transitions = timeline.map((t, i): Transition => [i === 0 ? null : timeline[i - 1].status, t.status]);
      expectRun(result, id, transitions);
      expect(executionOf(result, id)).toMatchObject({ status: 'SUCCEEDED', error: null });
    }
    const expectedEvents = jobs.reduce((sum, j) => sum + j.timeline.length, 0);
    expect(result.events).toHaveLength(expectedEvents);
    expect(result.history).toHaveLength(expectedEvents);
    expect(new Set(result.events.map((e) => e.envelope.detail.runId)).size).toBe(50);
    expect(new Set(result.events.map((e) => e.envelope.id)).size).toBe(expectedEvents);
    // Delivery order is by time.
    const times = result.events.map((e) => e.envelope.time);
    expect([...times].sort()).toEqual(times);
    // The FAILED ones (and only they) went to the alert topic.
    const alerted = result.events
      .filter((e) => deliveriesBy(e, 'FailedStatusRule').length > 0)
      .map((e) => e.envelope.detail.batchPredictionId);
    expect(alerted.sort()).toEqual(jobs.filter((j) => j.timeline[j.timeline.length - 1].status === 'FAILED').map((j) => j.id));
    expect(result.totals).toMatchObject({ executions: 50, succeeded: 50, events: expectedEvents });
  });

  it('runs one execution for duplicate starts of the same id', async () => {
    const result = await run({ batchPredictions: [{ id: 'bp-x', starts: 2, timeline: COMPLETED_TIMELINE }] });
    expect(result.executions.map((e) => e.name)).toEqual(['bp-x']);
    expectRun(result, 'bp-x', [
      [null, 'PENDING'],
      ['PENDING', 'INPROGRESS'],
      ['INPROGRESS', 'COMPLETED'],
    ]);
    expect(result.events).toHaveLength(3);
    expect(result.history).toHaveLength(3);
  });

  it('fails a run with an invalid id as INVALID_INPUT without asking Amazon ML', async () => {
    const result = await run({ batchPredictions: [{ id: 'bad id!', timeline: COMPLETED_TIMELINE }] });
    expect(result.executions).toHaveLength(1);
    const [execution] = result.executions;
    expect(execution.name).toMatch(/^invalid-[0-9a-f-]{36}$/);
    expect(execution).toMatchObject({ batchPredictionId: 'bad id!', status: 'FAILED', error: PollerErrorName.INVALID_INPUT });
    expect(result.events).toHaveLength(1);
    const [event] = result.events;
    expect(event.envelope['detail-type']).toBe(DetailType.POLLING_FAILED);
    expect(event.envelope.detail).toMatchObject({
      batchPredictionId: 'bad id!',
      reason: PollingFailureReason.INVALID_INPUT,
      error: PollerErrorName.INVALID_INPUT,
    });
    expect(deliveriesBy(event, 'PollingFailedRule')).toHaveLength(1);
    expect(deliveriesBy(event, 'PollingFailedRule')[0].input).toEqual(expect.stringContaining('INVALID_INPUT'));
    expect(result.calls.filter((c) => c.operation === 'GetBatchPrediction')).toEqual([]);
    expect(result.history).toEqual([]);
  });

  it('gives the same events and summaries for the same scenario', async () => {
    const scenario = {
      batchPredictions: [
        { id: 'bp-a', timeline: COMPLETED_TIMELINE },
        {
          id: 'bp-b',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 300, status: 'INPROGRESS' },
            { at: 2700, status: 'FAILED', message: 'boom' },
          ],
        },
        { id: 'bp-c', missing: true },
      ],
      faults: [{ operation: 'GetBatchPrediction', id: 'bp-a', error: 'InternalServerException', times: 2 }],
    };
    const first = await run(scenario);
    const second = await run(scenario);
    expect(first.events).toHaveLength(7);
    expect(second.events.map((e) => e.envelope)).toEqual(first.events.map((e) => e.envelope));
    expect(second.events.map((e) => e.deliveries)).toEqual(first.events.map((e) => e.deliveries));
    expect(second.executions).toEqual(first.executions);
    expect(second.totals).toEqual(first.totals);
    expect(second.history).toEqual(first.history);
  });

  it('hands a 7-day job over to new executions and keeps one run with 3 events', async () => {
    const result = await run({
      batchPredictions: [
        {
          id: 'bp-x',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 3600, status: 'INPROGRESS' },
            { at: 601200, status: 'COMPLETED' },
          ],
        },
      ],
    });
    const names = result.executions.map((e) => e.name);
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(names).toEqual(names.map((_, i) => (i === 0 ? 'bp-x' : `bp-x+g${i + 1}`)));
    for (const execution of result.executions) {
      expect(execution).toMatchObject({ batchPredictionId: 'bp-x', status: 'SUCCEEDED', error: null });
      expect(execution.historyEvents).toBeLessThan(20000);
    }
    expect(result.totals.maxHistoryEventsPerExecution).toBeLessThan(20000);
    expectRun(result, 'bp-x', [
      [null, 'PENDING'],
      ['PENDING', 'INPROGRESS'],
      ['INPROGRESS', 'COMPLETED'],
    ]);
    expect(result.events).toHaveLength(3);
    const completedAt = offset(result.events[2].envelope.detail.observedAt);
    expect(completedAt).toBeGreaterThanOrEqual(601200);
    expect(completedAt).toBeLessThanOrEqual(601200 + 302);
  });
});
