import { DetailType } from '../../lib/contract';
import { LocalDeployment, synthesizeDeployment } from '../../local/deployment';
import { LocalRuntime } from '../../local/runtime';
import { runLocally } from './support/local-run';

// Automatic discovery through the local runtime: the sweeper schedule and the CloudTrail rule of
// the synthesized template run the real starter, which starts runs over the Step Functions API.
let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
});

afterAll(() => LocalRuntime.shutdown());

const statusesOf = (events: readonly { envelope: { 'detail-type': string; detail: Record<string, unknown> } }[], id: string) =>
  events.filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE && e.envelope.detail.batchPredictionId === id).map((e) => e.envelope.detail.status);

describe('discovery', () => {
  it('tracks a batch prediction nobody started: the sweeper finds it PENDING and starts its run', async () => {
    const { result, runtime } = await runLocally(deployment, {
      batchPredictions: [{ id: 'bp-swept', starts: 0, timeline: [{ at: 0, status: 'PENDING' }, { at: 1200, status: 'INPROGRESS' }, { at: 5400, status: 'COMPLETED' }] }],
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
      batchPredictions: [{ id: 'bp-trailed', starts: 0, cloudTrail: true, timeline: [{ at: 300, status: 'PENDING' }, { at: 3600, status: 'COMPLETED' }] }],
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
        { id: 'bp-retried-create', starts: 0, cloudTrail: true, cloudTrailFailedCall: 'ThrottlingException', timeline: [{ at: 600, status: 'PENDING' }, { at: 3600, status: 'COMPLETED' }] },
      ],
    });
    expect(result.executions.map((e) => [e.name, e.status])).toEqual([['bp-retried-create', 'SUCCEEDED']]);
    expect(result.events.map((e) => e.envelope['detail-type'])).not.toContain(DetailType.POLLING_FAILED);
    expect(statusesOf(result.events, 'bp-retried-create')).toEqual(['PENDING', 'COMPLETED']);
    // Started by the successful call's record at 600 s (before the first sweep at 900 s).
    expect(Date.parse(result.events[0].envelope.detail.observedAt as string) - runtime.clock.startMs).toBe(600 * 1000);
    expect(runtime.discovery.invocations.filter((i) => i.target.includes('Discovery')).map((i) => i.atMs - runtime.clock.startMs)).toEqual([600 * 1000]);
  });

  it('starts one run per id however many starters see it (scenario start, CloudTrail, sweeps)', async () => {
    const { result } = await runLocally(deployment, {
      batchPredictions: [{ id: 'bp-everywhere', starts: 2, cloudTrail: true, timeline: [{ at: 0, status: 'PENDING' }, { at: 2700, status: 'INPROGRESS' }, { at: 7200, status: 'FAILED' }] }],
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
