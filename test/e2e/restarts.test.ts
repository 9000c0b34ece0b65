import { DEFAULT_MAX_RESTARTS } from '../../lib/contract/defaults';
import { DetailType } from '../../lib/contract/events';
import type { LocalDeployment } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';
import type { LocalRuntime } from '../../local/runtime/runtime';
import { pollingFailures, runLocally, statusChanges } from './support/local-run';

// Restarts through the local runtime: a run that fails while Amazon ML still reports the batch
// prediction PENDING or INPROGRESS is restarted by the real sweeper (the template's schedule, the
// real starter over the local Step Functions API), as a new run.
let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
});

/** The Poll task retries MachineLearningUnavailableError 6 times: 7 failing calls end the run. */
const EXHAUSTS_RETRIES = 7;
const SWEEP_SECONDS = 15 * 60;

const sweeps = (runtime: LocalRuntime) => runtime.discovery.invocations.filter((i) => i.target.includes('Sweeper'));

describe('restarts', () => {
  it('restarts a run whose retries ran out while the job is still in progress; the restart publishes the later transitions as a new run', async () => {
    // Prepare: the first poll sees PENDING; the next one (about 30 s later) meets 7 Amazon ML errors and the run fails.
    const scenario = {
      batchPredictions: [
        {
          id: 'bp-flaky',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 1200, status: 'INPROGRESS' },
            { at: 5400, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [{ operation: 'GetBatchPrediction', id: 'bp-flaky', error: 'InternalServerException', skip: 1, times: EXHAUSTS_RETRIES }],
    };

    // Act
    const { result, runtime } = await runLocally(deployment, scenario);

    // Assess: one failed run, one restart that polled to the end.
    expect(result.executions.map((e) => [e.name, e.status, e.error])).toEqual([
      ['bp-flaky', 'FAILED', 'MachineLearningUnavailableError'],
      ['bp-flaky+r1', 'SUCCEEDED', null],
    ]);
    const failures = pollingFailures(result);
    expect(failures.map((e) => [e.envelope.detail.reason, e.envelope.detail.lastStatus])).toEqual([['ERROR', 'PENDING']]);
    const failedAt = Date.parse(failures[0].envelope.detail.observedAt as string) - runtime.clock.startMs;
    // At the second poll: the first wait is 30 s less up to 10 % of jitter.
    expect(failedAt).toBeGreaterThanOrEqual(27_000);
    expect(failedAt).toBeLessThanOrEqual(30_000);

    // The sweep at 15 min comes less than 15 min after the failure: too early (restart 1 waits 15 min). The
    // sweep at 30 min restarts it.
    const restart = runtime.stepFunctions.executions.find((e) => e.name === 'bp-flaky+r1')!;
    expect(restart.startMs - runtime.clock.startMs).toBe(2 * SWEEP_SECONDS * 1000);

    const changes = statusChanges(result, 'bp-flaky').map((e) => e.envelope.detail);
    const firstRunId = changes[0].runId as string;
    expect(firstRunId).toMatch(/\/bp-flaky$/);
    const restartRunId = `${new Date(restart.startMs).toISOString()}/bp-flaky+r1`;
    expect(changes.map((d) => [d.runId, d.sequence, d.previousStatus, d.status])).toEqual([
      [firstRunId, 1, null, 'PENDING'],
      // A new run: new runId, sequence from 1, previousStatus null on its first observation.
      [restartRunId, 1, null, 'INPROGRESS'],
      [restartRunId, 2, 'INPROGRESS', 'COMPLETED'],
    ]);
    // The history table keeps both runs apart, in order.
    const history = result.history.filter((h) => h.batchPredictionId === 'bp-flaky').map((h) => [h.runId, h.sequence, h.status]);
    expect(history).toEqual([
      [firstRunId, 1, 'PENDING'],
      [restartRunId, 1, 'INPROGRESS'],
      [restartRunId, 2, 'COMPLETED'],
    ]);
    expect(sweeps(runtime).every((i) => i.outcome === 'returned')).toBe(true);
  });

  it('two sweeps at the same instant start one restart (the name is deterministic)', async () => {
    const scenario = {
      // Found by the sweeper (a scenario start would come after the extra schedules' first sleep).
      batchPredictions: [
        {
          id: 'bp-twice',
          starts: 0,
          timeline: [
            { at: 0, status: 'INPROGRESS' },
            { at: 7200, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [{ operation: 'GetBatchPrediction', id: 'bp-twice', error: 'InternalServerException', times: EXHAUSTS_RETRIES }],
    };

    // Act: a second copy of the schedules, so every sweep runs twice, concurrently.
    const { result, runtime } = await runLocally(deployment, scenario, (r) => r.discovery.start());

    // Assess
    const sweepTimes = sweeps(runtime).map((i) => i.atMs - runtime.clock.startMs);
    expect(sweepTimes.slice(0, 2)).toEqual([SWEEP_SECONDS * 1000, SWEEP_SECONDS * 1000]);
    expect(result.executions.map((e) => [e.name, e.status])).toEqual([
      ['bp-twice', 'FAILED'],
      ['bp-twice+r1', 'SUCCEEDED'],
    ]);
    // The sweeps at 15 min started the first run, which failed at once; the sweeps at 30 min found
    // the restart due.
    const [first, restart] = runtime.stepFunctions.executions;
    expect([first.startMs - runtime.clock.startMs, first.stopMs! - runtime.clock.startMs]).toEqual([
      SWEEP_SECONDS * 1000,
      SWEEP_SECONDS * 1000,
    ]);
    expect(restart.startMs - runtime.clock.startMs).toBe(2 * SWEEP_SECONDS * 1000);
    expect(sweepTimes.filter((t) => t === 2 * SWEEP_SECONDS * 1000)).toHaveLength(2);
    // Whether the second sweep at 30 min already lists the restart as RUNNING or starts it again
    // (a no-op: same name, same input) depends on how their calls interleave; either way, one run.
    // (The use-case tests pin the case where both starts go out: test/domain/start-runs.test.ts.)
    expect(statusChanges(result, 'bp-twice').map((e) => [e.envelope.detail.sequence, e.envelope.detail.status])).toEqual([
      [1, 'INPROGRESS'],
      [2, 'COMPLETED'],
    ]);
    expect(sweeps(runtime).every((i) => i.outcome === 'returned')).toBe(true);
  });

  it(`stops after ${DEFAULT_MAX_RESTARTS} restarts, 15 min, 30 min and 1 h after each failure, and starts nothing more`, async () => {
    // Prepare: Amazon ML fails every call about this job for six hours.
    const scenario = {
      batchPredictions: [
        {
          id: 'bp-broken',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 6 * 3600, status: 'COMPLETED' },
          ],
        },
      ],
      faults: [{ operation: 'GetBatchPrediction', id: 'bp-broken', error: 'InternalServerException', times: 1000 }],
    };

    // Act
    const { result, runtime } = await runLocally(deployment, scenario);

    // Assess: the first run and three restarts, each failing at once, then nothing.
    const started = runtime.stepFunctions.executions.map((e) => [e.name, e.status, (e.startMs - runtime.clock.startMs) / 1000]);
    expect(started).toEqual([
      ['bp-broken', 'FAILED', 0],
      ['bp-broken+r1', 'FAILED', SWEEP_SECONDS],
      ['bp-broken+r2', 'FAILED', SWEEP_SECONDS + 1800],
      ['bp-broken+r3', 'FAILED', SWEEP_SECONDS + 1800 + 3600],
    ]);
    expect(pollingFailures(result)).toHaveLength(4);
    expect(result.events.filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE)).toEqual([]);
    // The sweeper kept sweeping until the job finished, and never failed.
    expect(sweeps(runtime).length).toBeGreaterThanOrEqual((6 * 3600) / SWEEP_SECONDS);
    expect(sweeps(runtime).every((i) => i.outcome === 'returned')).toBe(true);
  });
});
