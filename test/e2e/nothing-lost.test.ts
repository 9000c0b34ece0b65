/**
 * Nothing recorded is left unpublished, through the local runtime (the synthesized state machine,
 * the real handlers and SDK clients, the sweeper on its schedule): a run that fails with
 * transitions in its outbox is followed by one that sends them, whatever the job's status by then;
 * an early start that ends NOT_FOUND does not block the real one; a message longer than an event
 * holds does not lose the FAILED event; the deadline is checked after the read.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { BatchPredictionPoller } from '../../lib';
import { DetailType, PollingFailureReason } from '../../lib/contract/events';
import { PollerErrorName } from '../../lib/contract/errors';
import { statusChangeEventId } from '../../lambda/shared/domain/identifiers';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalDeployment, deploymentFromTemplate } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { historyOf, pollingFailures, runLocally, statusChanges } from './support/local-run';

let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
});

const runIdOf = (events: ReturnType<typeof statusChanges>, executionName: string) =>
  String(events.find((e) => String(e.envelope.detail.runId).endsWith(`/${executionName}`))?.envelope.detail.runId);

describe('a run that fails with transitions in its outbox', () => {
  it('PutEvents denied at the start: the run fails, its restart sends the first run’s PENDING before its own', async () => {
    // Prepare: the first PutEvents about the job is denied (not retried: the run fails at once).
    const id = 'bp-denied';
    const scenario = {
      batchPredictions: [
        {
          id,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 1200, status: 'INPROGRESS' },
            { at: 5400, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [{ operation: 'PutEvents', id, error: 'AccessDeniedException', times: 1 }],
    };

    // Act
    const { result } = await runLocally(deployment, scenario);

    // Assess: the first run failed on the denial; the sweeper's restart polled to the end.
    expect(result.executions.map((e) => [e.name, e.status, e.error])).toEqual([
      [id, 'FAILED', PollerErrorName.ACCESS_DENIED],
      [`${id}+r1`, 'SUCCEEDED', null],
    ]);
    const events = statusChanges(result, id);
    const firstRun = String(historyOf(result, id)[0].runId);
    const restartRun = runIdOf(events, `${id}+r1`);
    expect(
      events.map((e) => [e.envelope.detail.runId, e.envelope.detail.sequence, e.envelope.detail.status, e.envelope.detail.eventId]),
    ).toEqual([
      // The first run's transition, with its own eventId, sent by the restart before anything else.
      [firstRun, 1, 'PENDING', statusChangeEventId(firstRun, 1, 'PENDING')],
      [restartRun, 1, 'PENDING', statusChangeEventId(restartRun, 1, 'PENDING')],
      [restartRun, 2, 'INPROGRESS', statusChangeEventId(restartRun, 2, 'INPROGRESS')],
      [restartRun, 3, 'COMPLETED', statusChangeEventId(restartRun, 3, 'COMPLETED')],
    ]);
    expect(historyOf(result, id).map((h) => [h.runId, h.status, h.published])).toEqual([
      [firstRun, 'PENDING', true],
      [restartRun, 'PENDING', true],
      [restartRun, 'INPROGRESS', true],
      [restartRun, 'COMPLETED', true],
    ]);
  });

  it('PutEvents fails past the retries as the job completes: the sweeper revisits the failed run (the job is no longer listed) and COMPLETED goes out', async () => {
    // Prepare: PENDING is published; every attempt of the poll that sees COMPLETED is throttled
    // (7 attempts: the Poll task's 6 retries), so the run fails with COMPLETED in its outbox.
    const id = 'bp-completes-unsent';
    const scenario = {
      batchPredictions: [
        {
          id,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 20, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [{ operation: 'PutEvents', id, error: 'ThrottlingException', skip: 1, times: 7 }],
    };

    // Act
    const { result, runtime } = await runLocally(deployment, scenario);

    // Assess: the run failed; Amazon ML lists the job as COMPLETED, so only the revisit of the failed
    // run can come back for it: restart 1, once its 15-minute backoff has passed.
    expect(result.executions.map((e) => [e.name, e.status, e.error])).toEqual([
      [id, 'FAILED', PollerErrorName.EVENT_PUBLISH],
      [`${id}+r1`, 'SUCCEEDED', null],
    ]);
    const restart = runtime.stepFunctions.executions.find((e) => e.name === `${id}+r1`);
    expect(((restart?.startMs ?? 0) - runtime.clock.startMs) / 1000).toBe(1800);
    const events = statusChanges(result, id);
    const firstRun = String(historyOf(result, id)[0].runId);
    const restartRun = runIdOf(events, `${id}+r1`);
    expect(events.map((e) => [e.envelope.detail.runId, e.envelope.detail.previousStatus, e.envelope.detail.status])).toEqual([
      [firstRun, null, 'PENDING'],
      // The failed run's COMPLETED, as it was recorded (its eventId), sent by the restart.
      [firstRun, 'PENDING', 'COMPLETED'],
      [restartRun, null, 'COMPLETED'],
    ]);
    expect(events[1].envelope.detail.eventId).toBe(statusChangeEventId(firstRun, 2, 'COMPLETED'));
    expect(historyOf(result, id).every((h) => h.published === true)).toBe(true);
    // One alert for the failed run (Polling Failed), none for the restart.
    expect(pollingFailures(result).map((e) => [e.envelope.detail.batchPredictionId, e.envelope.detail.reason])).toEqual([
      [id, PollingFailureReason.ERROR],
    ]);
  });
});

describe('an early start that ends NOT_FOUND', () => {
  it('does not block the real start: CloudTrail’s CreateBatchPrediction restarts it at once, and a job that finishes before any sweep is tracked', async () => {
    // Prepare: a start at 0 s, before Amazon ML knows the id (created at 120 s, announced by
    // CloudTrail, COMPLETED at 300 s: before the first sweep at 900 s).
    const id = 'bp-early';
    const scenario = {
      batchPredictions: [
        {
          id,
          cloudTrail: true,
          timeline: [
            { at: 120, status: 'PENDING' },
            { at: 300, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [],
    };

    // Act
    const { result, runtime } = await runLocally(deployment, scenario);

    // Assess: the early run failed NOT_FOUND; the CloudTrail start ran restart 1 at creation.
    expect(result.executions.map((e) => [e.name, e.status, e.error])).toEqual([
      [id, 'FAILED', PollerErrorName.NOT_FOUND],
      [`${id}+r1`, 'SUCCEEDED', null],
    ]);
    const restart = runtime.stepFunctions.executions.find((e) => e.name === `${id}+r1`);
    expect(((restart?.startMs ?? 0) - runtime.clock.startMs) / 1000).toBeLessThan(300);
    expect(statusChanges(result, id).map((e) => [e.envelope.detail.previousStatus, e.envelope.detail.status])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'COMPLETED'],
    ]);
    expect(pollingFailures(result).map((e) => e.envelope.detail.reason)).toEqual([PollingFailureReason.NOT_FOUND]);
  });
});

describe('a FAILED job whose message is longer than an event holds', () => {
  it('publishes FAILED (and alerts) with the message cut to fit, and records it once, under DynamoDB’s 400 KB', async () => {
    // Prepare: a 300,000-byte message (EventBridge takes 256 KB an entry, DynamoDB 400 KB an item).
    const id = 'bp-long-message';
    const message = `Record 1: ${'x'.repeat(300_000 - 10)}`;
    const scenario = {
      batchPredictions: [
        {
          id,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 600, status: 'FAILED', message },
          ],
        },
      ],
      faults: [],
    };

    // Act
    const { result } = await runLocally(deployment, scenario);

    // Assess: the run succeeded, and FAILED was delivered to the alert rule's topic.
    expect(result.executions.map((e) => [e.status, e.error])).toEqual([['SUCCEEDED', null]]);
    const failed = statusChanges(result, id).find((e) => e.envelope.detail.status === 'FAILED');
    expect(failed?.deliveries.map((d) => d.ruleLogicalId)).toEqual(expect.arrayContaining([expect.stringMatching(/FailedStatusRule/)]));
    const detail = failed?.envelope.detail as {
      batchPrediction: { message: string };
      messageTruncation: { originalBytes: number; keptBytes: number };
    };
    expect(detail.messageTruncation).toEqual({ originalBytes: 300_000, keptBytes: detail.batchPrediction.message.length });
    expect(message.startsWith(detail.batchPrediction.message)).toBe(true);
    expect(detail.batchPrediction.message.length).toBeGreaterThan(250_000);
    // The item holds the snapshot once, cut the same way, and is published.
    const item = historyOf(result, id).find((h) => h.status === 'FAILED') as Record<string, unknown>;
    expect(item).toMatchObject({
      published: true,
      messageTruncation: detail.messageTruncation,
      snapshot: { message: detail.batchPrediction.message },
    });
    expect(item.event).not.toHaveProperty('Detail');
    expect(result.events.filter((e) => e.envelope['detail-type'] === DetailType.POLLING_FAILED)).toHaveLength(0);
  });
});

describe('the run deadline, checked after the read', () => {
  let shortDeadline: LocalDeployment;

  beforeAll(() => {
    // A poller whose runs may last 10 minutes (the construct's `maxRunDuration`), bundling skipped.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'ShortDeadline', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
    new BatchPredictionPoller(stack, 'Poller', { maxRunDuration: Duration.minutes(10), discovery: false });
    shortDeadline = deploymentFromTemplate(
      app.synth().getStackByName('ShortDeadline').template as Record<string, unknown>,
      'ShortDeadline',
    );
  });

  it('a job that completed before the deadline, read by the first poll after it, ends COMPLETED, not TIMED_OUT', async () => {
    // Prepare: the waits grow past the adaptive policy's 30 s; COMPLETED at 590 s, the deadline at 600 s.
    const id = 'bp-just-in-time';
    const scenario = {
      batchPredictions: [
        {
          id,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 590, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [],
    };

    // Act
    const { result } = await runLocally(shortDeadline, scenario);

    // Assess
    expect(result.executions.map((e) => [e.status, e.error])).toEqual([['SUCCEEDED', null]]);
    const completed = statusChanges(result, id).find((e) => e.envelope.detail.status === 'COMPLETED');
    expect(
      Date.parse(String(completed?.envelope.detail.observedAt)) -
        Date.parse(String(statusChanges(result, id)[0].envelope.detail.observedAt)),
    ).toBeGreaterThan(600_000);
    expect(pollingFailures(result)).toHaveLength(0);
  });

  it('a job still running past the deadline: what was read is published, then the run fails TIMED_OUT', async () => {
    const id = 'bp-too-long';
    const scenario = {
      batchPredictions: [
        {
          id,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 590, status: 'INPROGRESS' },
            { at: 7200, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [],
    };

    const { result } = await runLocally(shortDeadline, scenario);

    expect(result.executions.map((e) => [e.status, e.error])).toEqual([['FAILED', PollerErrorName.DEADLINE_EXCEEDED]]);
    expect(statusChanges(result, id).map((e) => e.envelope.detail.status)).toEqual(['PENDING', 'INPROGRESS']);
    expect(pollingFailures(result).map((e) => [e.envelope.detail.reason, e.envelope.detail.lastStatus])).toEqual([
      [PollingFailureReason.TIMED_OUT, 'INPROGRESS'],
    ]);
  });
});
