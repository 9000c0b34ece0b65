import { DetailType } from '../../lib/contract/events';
import { PollerErrorName } from '../../lib/contract/errors';
import type { LocalDeployment } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';
import type { AsyncInvocationRecord } from '../../local/stand-ins/lambda/lambda-stand-in';
import type { RunResult } from '../../local/runtime/runtime';
import { runLocally } from './support/local-run';

// Automatic discovery through the local runtime: the sweeper schedule and the CloudTrail rule of
// the synthesized template run the real starter, which starts runs over the Step Functions API.
let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
});

const statusesOf = (events: readonly { envelope: { 'detail-type': string; detail: Record<string, unknown> } }[], id: string) =>
  events
    .filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE && e.envelope.detail.batchPredictionId === id)
    .map((e) => e.envelope.detail.status);

describe('discovery', () => {
  it('tracks a batch prediction nobody started: the sweeper finds it PENDING and starts its run', async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [
        {
          id: 'bp-swept',
          starts: 0,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 1200, status: 'INPROGRESS' },
            { at: 5400, status: 'COMPLETED' },
          ],
        },
      ],
    });
    expect(result.executions.map((e) => [e.name, e.status])).toEqual([['bp-swept', 'SUCCEEDED']]);
    expect(statusesOf(result.events, 'bp-swept')).toEqual(['PENDING', 'INPROGRESS', 'COMPLETED']);
    // Found by the first sweep, 15 minutes in (the schedule's rate), not before.
    const first = result.events[0].envelope.detail.observedAt as string;
    expect(Date.parse(first) - runtime.clock.startMs).toBe(15 * 60 * 1000);
    expect(runtime.discovery.invocations.every((i) => i.outcome === 'returned')).toBe(true);
  });

  it('tracks a batch prediction announced by CloudTrail at once, and a later sweep starts no second run', async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [
        {
          id: 'bp-trailed',
          starts: 0,
          cloudTrail: true,
          timeline: [
            { at: 300, status: 'PENDING' },
            { at: 3600, status: 'COMPLETED' },
          ],
        },
      ],
    });
    expect(result.executions.map((e) => e.name)).toEqual(['bp-trailed']);
    expect(Date.parse(result.events[0].envelope.detail.observedAt as string) - runtime.clock.startMs).toBe(300 * 1000);
    expect(statusesOf(result.events, 'bp-trailed')).toEqual(['PENDING', 'COMPLETED']);
    // The sweeps met the running execution: StartExecution with the same name and input is a no-op.
    expect(runtime.discovery.invocations.filter((i) => i.target.includes('Sweeper')).length).toBeGreaterThan(1);
  });

  it('starts nothing for a failed CreateBatchPrediction call (a CloudTrail record with errorCode)', async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [{ id: 'bp-never-created', starts: 0, missing: true, cloudTrailFailedCall: 'ValidationException' }],
    });
    expect(result.executions).toEqual([]);
    expect(result.events).toEqual([]);
    // The record reached the default bus, but the discovery rule did not invoke the starter.
    expect(runtime.discovery.invocations.filter((i) => i.target.includes('Discovery'))).toEqual([]);
  });

  it('a failed call does not take the id: when the id is created later, its run starts then and is polled to the end', async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [
        {
          id: 'bp-retried-create',
          starts: 0,
          cloudTrail: true,
          cloudTrailFailedCall: 'ThrottlingException',
          timeline: [
            { at: 600, status: 'PENDING' },
            { at: 3600, status: 'COMPLETED' },
          ],
        },
      ],
    });
    expect(result.executions.map((e) => [e.name, e.status])).toEqual([['bp-retried-create', 'SUCCEEDED']]);
    expect(result.events.map((e) => e.envelope['detail-type'])).not.toContain(DetailType.POLLING_FAILED);
    expect(statusesOf(result.events, 'bp-retried-create')).toEqual(['PENDING', 'COMPLETED']);
    // Started by the successful call's record at 600 s (before the first sweep at 900 s).
    expect(Date.parse(result.events[0].envelope.detail.observedAt as string) - runtime.clock.startMs).toBe(600 * 1000);
    expect(runtime.discovery.invocations.filter((i) => i.target.includes('Discovery')).map((i) => i.atMs - runtime.clock.startMs)).toEqual([
      600 * 1000,
    ]);
  });

  it('starts one run per id however many starters see it (scenario start, CloudTrail, sweeps)', async () => {
    const { result } = await runLocally(deployment, {
      batchPredictions: [
        {
          id: 'bp-everywhere',
          starts: 2,
          cloudTrail: true,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 2700, status: 'INPROGRESS' },
            { at: 7200, status: 'FAILED' },
          ],
        },
      ],
    });
    expect(result.executions).toHaveLength(1);
    expect(statusesOf(result.events, 'bp-everywhere')).toEqual(['PENDING', 'INPROGRESS', 'FAILED']);
    expect(new Set(result.events.map((e) => e.envelope.detail.eventId)).size).toBe(result.events.length);
  });

  it('leaves finished batch predictions alone', async () => {
    const { result } = await runLocally(deployment, {
      batchPredictions: [{ id: 'bp-old', starts: 0, timeline: [{ at: 0, status: 'COMPLETED' }] }],
    });
    expect(result.executions).toHaveLength(0);
    expect(result.events).toHaveLength(0);
  });
});

/** The on-failure records in the queue the template's dead-letter-queue alarm watches, and that alarm. */
function deadLetters(result: RunResult): { records: AsyncInvocationRecord[]; alarm: Record<string, any> } {
  const resources = deployment.template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
  const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Namespace === 'AWS/SQS');
  expect(alarms).toHaveLength(1);
  const [alarm] = alarms;
  const [dimension] = alarm.Properties.Dimensions as { Name: string; Value: { 'Fn::GetAtt': [string, string] } }[];
  const watched = result.queues.filter((q) => q.logicalId === dimension.Value['Fn::GetAtt'][0]);
  expect(watched).toHaveLength(1);
  // Every message sent anywhere went to that queue: there is no other.
  expect(result.queues.flatMap((q) => q.messages)).toEqual(watched[0].messages);
  return { records: watched[0].messages.map((m) => JSON.parse(m.body) as AsyncInvocationRecord), alarm: alarm.Properties };
}

describe("a starter that fails after Lambda accepted the event (EventBridge's retries are over by then)", () => {
  // Faults name functions by construct id.
  const STARTER = 'StarterFunction';

  it('a CloudTrail start that fails every time: 3 attempts, 1 and 2 minutes apart, then the invocation record lands in the dead-letter queue, which the alarm watches', async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [
        {
          id: 'bp-lost',
          starts: 0,
          cloudTrail: true,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 3600, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [{ operation: 'Invoke', function: STARTER, id: 'bp-lost', error: 'Sandbox.Timedout', times: 3 }],
    });
    const attempts = runtime.discovery.invocations.filter((i) => i.target.includes('DiscoveryRule'));
    expect(attempts.map((a) => [(a.atMs - runtime.clock.startMs) / 1000, a.attempt, a.outcome])).toEqual([
      [0, 1, 'Sandbox.Timedout'],
      [60, 2, 'Sandbox.Timedout'],
      [180, 3, 'Sandbox.Timedout'],
    ]);
    expect(new Set(attempts.map((a) => a.requestId)).size).toBe(1);
    const { records, alarm } = deadLetters(result);
    const starterArn = deployment.functions.find((f) => f.constructId === STARTER)!.arn;
    expect(records).toEqual([
      {
        version: '1.0',
        timestamp: new Date(runtime.clock.startMs + 180_000).toISOString(),
        requestContext: {
          requestId: attempts[0].requestId,
          functionArn: `${starterArn}:$LATEST`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: { source: 'cloudtrail', batchPredictionId: 'bp-lost' },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/Sandbox.Timedout/), trace: [] },
      },
    ]);
    // The alarm fires on one visible message: this one.
    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(records.length).toBeGreaterThanOrEqual(alarm.Threshold);
    expect(runtime.discovery.failures).toMatchObject([
      { condition: 'RetriesExhausted', attempts: 3, destinationArn: deployment.queues[0].arn },
    ]);
    expect(result.totals.queuedMessages).toBe(1);
    // And the sweeper still finds the job: the run the lost start should have begun polls it to the end.
    expect(result.executions.map((e) => [e.name, e.status])).toEqual([['bp-lost', 'SUCCEEDED']]);
    expect(statusesOf(result.events, 'bp-lost')).toEqual(['PENDING', 'COMPLETED']);
  });

  it('a sweep whose DescribeBatchPredictions keeps failing: the real handler error is in the record; the next sweep starts the run', async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [
        {
          id: 'bp-unswept',
          starts: 0,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 7200, status: 'COMPLETED' },
          ],
        },
      ],
      // Each sweep lists PENDING and INPROGRESS: two calls per attempt, three attempts.
      faults: [{ operation: 'DescribeBatchPredictions', error: 'ThrottlingException', times: 6 }],
    });
    const sweeps = runtime.discovery.invocations.filter((i) => i.target.includes('Sweeper'));
    expect(sweeps.slice(0, 4).map((s) => [(s.atMs - runtime.clock.startMs) / 1000, s.attempt, s.outcome])).toEqual([
      [900, 1, PollerErrorName.MACHINE_LEARNING_UNAVAILABLE],
      [960, 2, PollerErrorName.MACHINE_LEARNING_UNAVAILABLE],
      [1080, 3, PollerErrorName.MACHINE_LEARNING_UNAVAILABLE],
      [1800, 1, 'returned'],
    ]);
    const { records } = deadLetters(result);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { source: 'sweeper' },
      responsePayload: {
        errorType: PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
        errorMessage: expect.stringMatching(/DescribeBatchPredictions failed: ThrottlingException/),
      },
    });
    expect(result.executions.map((e) => [e.name, e.status])).toEqual([['bp-unswept', 'SUCCEEDED']]);
  });

  it("a start that fails once succeeds on Lambda's first retry, a minute later: nothing is dead-lettered", async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [
        {
          id: 'bp-retried',
          starts: 0,
          cloudTrail: true,
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 1800, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [{ operation: 'Invoke', function: STARTER, id: 'bp-retried', error: 'Lambda.Unknown', times: 1 }],
    });
    expect(runtime.discovery.invocations.filter((i) => i.target.includes('DiscoveryRule')).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'Lambda.Unknown'],
      [2, 'returned'],
    ]);
    expect(result.queues.flatMap((q) => q.messages)).toEqual([]);
    expect(runtime.discovery.failures).toEqual([]);
    expect(Date.parse(result.events[0].envelope.detail.observedAt as string) - runtime.clock.startMs).toBe(60_000);
  });

  it('a fault naming a function the template does not have is refused in one line', async () => {
    await expect(
      runLocally(deployment, {
        batchPredictions: [{ id: 'bp-1', timeline: [{ at: 0, status: 'COMPLETED' }] }],
        faults: [{ operation: 'Invoke', function: 'StartrFunction', error: 'Lambda.Unknown', times: 1 }],
      }),
    ).rejects.toThrow(/^faults: "function": "StartrFunction" names no function of the deployment; it has .*"StarterFunction"/);
  });
});
