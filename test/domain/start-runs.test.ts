import fc from 'fast-check';
import { PollerErrorName } from '../../lib/contract/errors';
import type { StarterRequest } from '../../lib/contract/loop-state';
import {
  InvalidBatchPredictionInputError,
  MachineLearningUnavailableError,
  PollerAccessDeniedError,
} from '../../lambda/shared/domain/errors';
import { startRuns } from '../../lambda/starter/start-runs';
import { FakeLister, FakeStarter } from './support/starter-fakes';

describe('startRuns: CloudTrail (one announced id)', () => {
  it('starts a run for the id, without listing anything', async () => {
    // Prepare
    const lister = new FakeLister({ PENDING: ['bp-other'] });
    const starter = new FakeStarter();

    // Act
    const result = await startRuns({ source: 'cloudtrail', batchPredictionId: 'bp-1' }, { lister, starter });

    // Assess
    expect(result).toEqual({ running: ['bp-1'], finished: [], restarted: [], deferred: [], exhausted: [] });
    expect(starter.started).toEqual(['bp-1']);
    expect(lister.requestedStatuses).toEqual([]);
    expect(starter.listCalls).toBe(0);
  });

  it('reports an id whose run already ended as finished', async () => {
    const starter = new FakeStarter(new Set(['bp-1']));
    const result = await startRuns({ source: 'cloudtrail', batchPredictionId: 'bp-1' }, { lister: new FakeLister(), starter });
    expect(result).toEqual({ running: [], finished: ['bp-1'], restarted: [], deferred: [], exhausted: [] });
  });

  it.each<[string, unknown]>([
    ['an id with a space', 'bp 1'],
    ['an id with a slash', 'bp/1'],
    ['an empty id', ''],
    ['an id longer than 64 characters', 'x'.repeat(65)],
    ['a number', 42],
    ['null (CloudTrail without requestParameters.batchPredictionId)', null],
    ['a missing id', undefined],
  ])('rejects %s with InvalidBatchPredictionInputError, starting nothing', async (_what, id) => {
    // Prepare
    const lister = new FakeLister();
    const starter = new FakeStarter();
    const request = { source: 'cloudtrail', batchPredictionId: id } as unknown as StarterRequest;

    // Act
    const failure = startRuns(request, { lister, starter });

    // Assess
    await expect(failure).rejects.toBeInstanceOf(InvalidBatchPredictionInputError);
    await expect(failure).rejects.toHaveProperty('name', PollerErrorName.INVALID_INPUT);
    expect(starter.started).toEqual([]);
    expect(lister.requestedStatuses).toEqual([]);
  });

  it('accepts the longest valid id (64 characters of letters, digits, "_", "." and "-")', async () => {
    const id = `a_b.c-${'9'.repeat(58)}`;
    expect(id).toHaveLength(64);
    const result = await startRuns(
      { source: 'cloudtrail', batchPredictionId: id },
      { lister: new FakeLister(), starter: new FakeStarter() },
    );
    expect(result.running).toEqual([id]);
  });
});

describe('startRuns: sweeper (every PENDING and INPROGRESS batch prediction)', () => {
  it('lists both statuses, merges, dedupes and sorts the ids, and starts each once in that order', async () => {
    // Prepare: an id may move from PENDING to INPROGRESS between the two listings and appear in both.
    const lister = new FakeLister({ PENDING: ['bp-c', 'bp-a', 'bp-b'], INPROGRESS: ['bp-b', 'bp-d', 'bp-a'] });
    const starter = new FakeStarter();

    // Act
    const result = await startRuns({ source: 'sweeper' }, { lister, starter });

    // Assess
    expect([...lister.requestedStatuses].sort()).toEqual(['INPROGRESS', 'PENDING']);
    expect(starter.started).toEqual(['bp-a', 'bp-b', 'bp-c', 'bp-d']);
    expect(result).toEqual({ running: ['bp-a', 'bp-b', 'bp-c', 'bp-d'], finished: [], restarted: [], deferred: [], exhausted: [] });
  });

  it('buckets each id by what starting it did: running (started or already running) or finished', async () => {
    // Prepare
    const lister = new FakeLister({ PENDING: ['bp-new', 'bp-done-1'], INPROGRESS: ['bp-done-2', 'bp-polled'] });
    const starter = new FakeStarter(new Set(['bp-done-1', 'bp-done-2']));

    // Act
    const result = await startRuns({ source: 'sweeper' }, { lister, starter });

    // Assess
    expect(result).toEqual({
      running: ['bp-new', 'bp-polled'],
      finished: ['bp-done-1', 'bp-done-2'],
      restarted: [],
      deferred: [],
      exhausted: [],
    });
  });

  it('skips the ids a running execution polls already: one listing instead of a start per job in flight', async () => {
    // Prepare: bp-a and bp-c are polled (ListExecutions says RUNNING); bp-b and bp-d are not.
    const lister = new FakeLister({ PENDING: ['bp-a', 'bp-b'], INPROGRESS: ['bp-c', 'bp-d'] });
    const starter = new FakeStarter(new Set(['bp-d']), ['bp-a', 'bp-c']);

    // Act
    const result = await startRuns({ source: 'sweeper' }, { lister, starter });

    // Assess
    expect(starter.listCalls).toBe(1);
    expect(starter.started).toEqual(['bp-b', 'bp-d']);
    expect(result).toEqual({ running: ['bp-a', 'bp-b', 'bp-c'], finished: ['bp-d'], restarted: [], deferred: [], exhausted: [] });
  });

  it('a second sweep starts nothing that the first one started', async () => {
    const lister = new FakeLister({ PENDING: ['bp-1', 'bp-2'] });
    const starter = new FakeStarter();
    await startRuns({ source: 'sweeper' }, { lister, starter });
    const second = await startRuns({ source: 'sweeper' }, { lister, starter });
    expect(starter.started).toEqual(['bp-1', 'bp-2']);
    expect(second).toEqual({ running: ['bp-1', 'bp-2'], finished: [], restarted: [], deferred: [], exhausted: [] });
  });

  it('starts nothing when listing the running executions fails, and rethrows the error unchanged', async () => {
    const starter = new FakeStarter();
    const error = new PollerAccessDeniedError('states:ListExecutions');
    starter.listError = error;
    const failure = startRuns({ source: 'sweeper' }, { lister: new FakeLister({ PENDING: ['bp-1'] }), starter });
    await expect(failure).rejects.toBe(error);
    expect(starter.started).toEqual([]);
  });

  it('does nothing when no batch prediction is pending or in progress', async () => {
    const starter = new FakeStarter();
    const result = await startRuns({ source: 'sweeper' }, { lister: new FakeLister(), starter });
    expect(result).toEqual({ running: [], finished: [], restarted: [], deferred: [], exhausted: [] });
    expect(starter.started).toEqual([]);
  });

  it('sorts by code unit (deterministic, independent of locale)', async () => {
    const lister = new FakeLister({ PENDING: ['b', 'B', '_x', '1', 'a.b', 'a-b'] });
    const result = await startRuns({ source: 'sweeper' }, { lister, starter: new FakeStarter() });
    expect(result.running).toEqual(['1', 'B', '_x', 'a-b', 'a.b', 'b']);
  });

  it('starts nothing when a listing fails, and rethrows the error unchanged', async () => {
    // Prepare
    const lister = new FakeLister({ PENDING: ['bp-1'] });
    const error = new MachineLearningUnavailableError('DescribeBatchPredictions failed: ThrottlingException: slow down');
    lister.error = error;
    const starter = new FakeStarter();

    // Act
    const failure = startRuns({ source: 'sweeper' }, { lister, starter });

    // Assess
    await expect(failure).rejects.toBe(error);
    expect(starter.started).toEqual([]);
  });

  it('stops at the first start that fails, and rethrows it unchanged', async () => {
    const starter = new FakeStarter();
    const error = new PollerAccessDeniedError('states:StartExecution');
    starter.error = error;
    const failure = startRuns({ source: 'sweeper' }, { lister: new FakeLister({ PENDING: ['bp-1', 'bp-2'] }), starter });
    await expect(failure).rejects.toBe(error);
    expect(starter.started).toEqual(['bp-1']);
  });
});

describe('startRuns: sweeper restarts a run that ended before a terminal status', () => {
  const STOPPED_AT = '2024-05-01T10:00:00.000Z';
  const at = (seconds: number) => () => new Date(Date.parse(STOPPED_AT) + seconds * 1000);
  const POLICY = { maxRestarts: 3, backoffBaseSeconds: 900 };
  const NOTHING = { running: [], finished: [], restarted: [], deferred: [], exhausted: [] };

  it('starts restart 1 (<id>+r1) for an INPROGRESS id whose first run FAILED 15 min ago, and says so', async () => {
    // Prepare
    const starter = new FakeStarter().end('bp-1', 0, 'FAILED', STOPPED_AT, 'MachineLearningUnavailableError');

    // Act
    const result = await startRuns(
      { source: 'sweeper' },
      { lister: new FakeLister({ INPROGRESS: ['bp-1'] }), starter, restarts: POLICY, now: at(900) },
    );

    // Assess
    expect(starter.startedNames).toEqual(['bp-1', 'bp-1+r1']);
    expect(result).toEqual({
      ...NOTHING,
      running: ['bp-1'],
      restarted: [
        {
          batchPredictionId: 'bp-1',
          restart: 1,
          executionName: 'bp-1+r1',
          previousExecutionName: 'bp-1',
          previousStatus: 'FAILED',
          previousStoppedAt: STOPPED_AT,
          previousError: 'MachineLearningUnavailableError',
        },
      ],
    });
  });

  it('two sweeps start one restart: the second finds it running', async () => {
    const starter = new FakeStarter().end('bp-1', 0, 'TIMED_OUT', STOPPED_AT);
    const deps = { lister: new FakeLister({ PENDING: ['bp-1'] }), starter, restarts: POLICY, now: at(3600) };
    const first = await startRuns({ source: 'sweeper' }, deps);
    const second = await startRuns({ source: 'sweeper' }, deps);
    expect(first.restarted.map((r) => r.executionName)).toEqual(['bp-1+r1']);
    expect(second).toEqual({ ...NOTHING, running: ['bp-1'] });
    expect(starter.startedNames.filter((n) => n === 'bp-1+r1')).toHaveLength(1);
  });

  it('two sweeps that both miss the running restart in ListExecutions still start one run (same name, idempotent start)', async () => {
    const starter = new FakeStarter().end('bp-1', 0, 'FAILED', STOPPED_AT);
    const deps = { lister: new FakeLister({ PENDING: ['bp-1'] }), starter, restarts: POLICY, now: at(3600) };
    await startRuns({ source: 'sweeper' }, deps);
    starter.running.clear(); // ListExecutions is eventually consistent
    const second = await startRuns({ source: 'sweeper' }, deps);
    expect(second).toEqual({ ...NOTHING, running: ['bp-1'] });
    expect([...starter.executions.keys()]).toEqual(['bp-1', 'bp-1+r1']);
  });

  it.each<[string, number, number, string]>([
    ['restart 1 fifteen minutes after the first run', 0, 900, 'bp-1+r1'],
    ['restart 2 thirty minutes after restart 1', 1, 1800, 'bp-1+r2'],
    ['restart 3 an hour after restart 2', 2, 3600, 'bp-1+r3'],
  ])('starts %s', async (_what, failedRestart, secondsLater, expected) => {
    const starter = new FakeStarter();
    for (let r = 0; r <= failedRestart; r++) starter.end('bp-1', r, 'FAILED', STOPPED_AT);
    const result = await startRuns(
      { source: 'sweeper' },
      { lister: new FakeLister({ PENDING: ['bp-1'] }), starter, restarts: POLICY, now: at(secondsLater) },
    );
    expect(result.restarted.map((r) => r.executionName)).toEqual([expected]);
  });

  it('defers a restart that is not due yet, starting nothing', async () => {
    const starter = new FakeStarter().end('bp-1', 0, 'FAILED', STOPPED_AT).end('bp-1', 1, 'FAILED', STOPPED_AT);
    const result = await startRuns(
      { source: 'sweeper' },
      { lister: new FakeLister({ PENDING: ['bp-1'] }), starter, restarts: POLICY, now: at(1799) },
    );
    expect(result).toEqual({ ...NOTHING, deferred: [{ batchPredictionId: 'bp-1', restart: 2, notBefore: '2024-05-01T10:30:00.000Z' }] });
    expect(starter.startedNames).toEqual(['bp-1']);
  });

  it('past the bound starts nothing more and reports the id as exhausted', async () => {
    const starter = new FakeStarter();
    for (let r = 0; r <= 3; r++) starter.end('bp-1', r, 'FAILED', STOPPED_AT);
    const result = await startRuns(
      { source: 'sweeper' },
      { lister: new FakeLister({ PENDING: ['bp-1'] }), starter, restarts: POLICY, now: at(86_400) },
    );
    expect(result).toEqual({
      ...NOTHING,
      exhausted: [{ batchPredictionId: 'bp-1', restarts: 3, lastExecutionName: 'bp-1+r3', lastStatus: 'FAILED' }],
    });
    expect(starter.startedNames).toEqual(['bp-1']);
  });

  it('never restarts a run that SUCCEEDED (it saw a terminal status; the listing is older)', async () => {
    const starter = new FakeStarter().end('bp-1', 0, 'SUCCEEDED', STOPPED_AT);
    const result = await startRuns(
      { source: 'sweeper' },
      { lister: new FakeLister({ PENDING: ['bp-1'] }), starter, restarts: POLICY, now: at(86_400) },
    );
    expect(result).toEqual({ ...NOTHING, finished: ['bp-1'] });
    expect(starter.startedNames).toEqual(['bp-1']);
  });

  it.each(['bp-1', 'bp-1+r1'])(
    'never restarts a run someone stopped (latest execution %s ABORTED by StopExecution)',
    async (executionName) => {
      const starter = new FakeStarter().end('bp-1', 0, executionName === 'bp-1' ? 'ABORTED' : 'FAILED', STOPPED_AT);
      if (executionName !== 'bp-1') starter.end('bp-1', 1, 'ABORTED', STOPPED_AT);
      const result = await startRuns(
        { source: 'sweeper' },
        { lister: new FakeLister({ INPROGRESS: ['bp-1'] }), starter, restarts: POLICY, now: at(86_400) },
      );
      expect(result).toEqual({ ...NOTHING, finished: ['bp-1'] });
      expect(starter.startedNames).toEqual(['bp-1']);
    },
  );

  it.each([
    ['FAILED', 'MachineLearningUnavailableError'],
    ['TIMED_OUT', undefined],
    ['ABORTED', undefined],
  ])('a CloudTrail request does not restart a run that ended %s (%s): that is the sweep’s to judge', async (status, error) => {
    const starter = new FakeStarter().end('bp-1', 0, status, STOPPED_AT, error);
    const result = await startRuns(
      { source: 'cloudtrail', batchPredictionId: 'bp-1' },
      { lister: new FakeLister(), starter, restarts: POLICY, now: at(86_400) },
    );
    expect(result).toEqual({ ...NOTHING, finished: ['bp-1'] });
    expect(starter.startedNames).toEqual(['bp-1']);
  });

  it('a CloudTrail request restarts at once a run that ended NOT_FOUND: it started before Amazon ML knew the id', async () => {
    // Prepare: an early start (a sweep's or a user's) ended NOT_FOUND one second ago.
    const starter = new FakeStarter().end('bp-1', 0, 'FAILED', STOPPED_AT, PollerErrorName.NOT_FOUND);

    // Act: CloudTrail's CreateBatchPrediction for the id arrives.
    const result = await startRuns(
      { source: 'cloudtrail', batchPredictionId: 'bp-1' },
      { lister: new FakeLister(), starter, restarts: POLICY, now: at(1) },
    );

    // Assess: restart 1 now, no backoff.
    expect(starter.startedNames).toEqual(['bp-1', 'bp-1+r1']);
    expect(result.restarted).toEqual([
      expect.objectContaining({ batchPredictionId: 'bp-1', restart: 1, previousError: PollerErrorName.NOT_FOUND }),
    ]);
  });

  it.each([0, 3])(
    'with maxRestarts %i, NOT_FOUND runs of a listed id are restarted at once, up to maxRestarts + 3',
    async (maxRestarts) => {
      // Prepare: every run so far ended NOT_FOUND; the listing names the id.
      const starter = new FakeStarter();
      const lister = new FakeLister({ PENDING: ['bp-1'] });
      const policy = { maxRestarts, backoffBaseSeconds: 900 };
      const restarts: number[] = [];
      for (let sweep = 0; sweep < maxRestarts + 6; sweep++) {
        for (const name of starter.startedNames.splice(0)) {
          if (starter.executions.get(name)?.status === 'RUNNING') {
            const restart = Number(/\+r(\d+)$/.exec(name)?.[1] ?? 0);
            starter.end('bp-1', restart, 'FAILED', at(sweep * 60)().toISOString(), PollerErrorName.NOT_FOUND);
          }
        }
        // Act: one sweep a minute after the last failure.
        const result = await startRuns({ source: 'sweeper' }, { lister, starter, restarts: policy, now: at(sweep * 60 + 1) });
        restarts.push(...result.restarted.map((r) => r.restart));
      }
      // Assess: no backoff, and the allowance bounds them.
      expect(restarts).toEqual(Array.from({ length: maxRestarts + 3 }, (_, i) => i + 1));
    },
  );

  it('a run that ended NOT_FOUND for an id nothing says exists is left alone (a typo stays one failed run)', async () => {
    const starter = new FakeStarter().end('bp-typo', 0, 'FAILED', STOPPED_AT, PollerErrorName.NOT_FOUND);
    const result = await startRuns({ source: 'sweeper' }, { lister: new FakeLister(), starter, restarts: POLICY, now: at(86_400) });
    expect(result).toEqual({ ...NOTHING, finished: ['bp-typo'] });
    expect(starter.startedNames).toEqual([]);
  });

  it('revisits a run that failed lately whatever the job’s status now (it completed meanwhile): restarted on the policy, without a first start', async () => {
    // Prepare: the run failed; Amazon ML no longer lists the job as unfinished.
    const starter = new FakeStarter().end('bp-done', 0, 'FAILED', STOPPED_AT, 'EventPublishError');
    const lister = new FakeLister();

    // Act: a sweep before the backoff, one after.
    const early = await startRuns({ source: 'sweeper' }, { lister, starter, restarts: POLICY, now: at(600) });
    const due = await startRuns({ source: 'sweeper' }, { lister, starter, restarts: POLICY, now: at(900) });

    // Assess
    expect(early.deferred).toEqual([{ batchPredictionId: 'bp-done', restart: 1, notBefore: at(900)().toISOString() }]);
    expect(due.restarted).toEqual([
      expect.objectContaining({ batchPredictionId: 'bp-done', restart: 1, previousError: 'EventPublishError' }),
    ]);
    expect(starter.startedNames).toEqual(['bp-done+r1']);
  });

  it('revisits only runs that ended within the revisit window (the last restart’s spacing and a day)', async () => {
    // Prepare / Act
    const starter = new FakeStarter();
    await startRuns({ source: 'sweeper' }, { lister: new FakeLister(), starter, restarts: POLICY, now: at(0) });

    // Assess: 900 s × 2^(3-1) + 1 day before now.
    expect(starter.failedSinceCalls).toEqual([new Date(Date.parse(STOPPED_AT) - (3600 + 86_400) * 1000)]);
  });

  it('looks up the latest run only for ids whose start was refused, not for new or running ones', async () => {
    const starter = new FakeStarter(new Set(), ['bp-running']).end('bp-failed', 0, 'FAILED', STOPPED_AT);
    await startRuns(
      { source: 'sweeper' },
      { lister: new FakeLister({ PENDING: ['bp-new', 'bp-running', 'bp-failed'] }), starter, restarts: POLICY, now: at(900) },
    );
    expect(starter.latestRunCalls).toBe(1);
    expect(starter.startedNames).toEqual(['bp-failed', 'bp-failed+r1', 'bp-new']);
  });

  it('rethrows a failing latest-run lookup unchanged', async () => {
    const starter = new FakeStarter().end('bp-1', 0, 'FAILED', STOPPED_AT);
    const error = new PollerAccessDeniedError('states:DescribeExecution');
    starter.latestRunError = error;
    await expect(
      startRuns({ source: 'sweeper' }, { lister: new FakeLister({ PENDING: ['bp-1'] }), starter, restarts: POLICY, now: at(900) }),
    ).rejects.toBe(error);
  });
});

describe('startRuns: restarts over many sweeps (property)', () => {
  it('restarts when due, never more than maxRestarts per id, never before their spacing, and one run per name even with concurrent sweeps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 60, max: 3600 }),
        // Per sweep: seconds since the previous sweep, whether the current run fails just before it, and whether two sweeps run at once.
        fc.array(fc.record({ gapSeconds: fc.integer({ min: 60, max: 7200 }), failsBefore: fc.boolean(), concurrent: fc.boolean() }), {
          minLength: 1,
          maxLength: 25,
        }),
        async (maxRestarts, backoffBaseSeconds, sweeps) => {
          const starter = new FakeStarter();
          const lister = new FakeLister({ INPROGRESS: ['bp-1'] });
          const startedAt = new Map<string, number>();
          const sweepTimesMs: number[] = [];
          let nowMs = Date.parse('2024-05-01T00:00:00.000Z');
          const deps = { lister, starter, restarts: { maxRestarts, backoffBaseSeconds }, now: () => new Date(nowMs) };
          for (const sweep of sweeps) {
            nowMs += sweep.gapSeconds * 1000;
            if (sweep.failsBefore) {
              // The running run (if any) fails a second before this sweep.
              for (const [name, execution] of starter.executions) {
                if (execution.status === 'RUNNING') {
                  const restart = /\+r(\d+)$/.exec(name)?.[1];
                  starter.end('bp-1', restart === undefined ? 0 : Number(restart), 'FAILED', new Date(nowMs - 1000).toISOString());
                }
              }
            }
            sweepTimesMs.push(nowMs);
            await Promise.all((sweep.concurrent ? [1, 2] : [1]).map(() => startRuns({ source: 'sweeper' }, deps)));
            for (const name of starter.executions.keys()) if (!startedAt.has(name)) startedAt.set(name, nowMs);
          }
          const names = [...starter.executions.keys()];
          // One execution per name, names in restart order, never past the bound.
          expect(names).toEqual(names.map((_, n) => (n === 0 ? 'bp-1' : `bp-1+r${n}`)));
          expect(names.length - 1).toBeLessThanOrEqual(maxRestarts);
          // Restart N started no earlier than base × 2^(N-1) after run N-1 stopped.
          for (let n = 1; n < names.length; n++) {
            const previousStop = Date.parse(starter.executions.get(names[n - 1])!.stoppedAt!);
            expect(startedAt.get(names[n])! - previousStop).toBeGreaterThanOrEqual(backoffBaseSeconds * 2 ** (n - 1) * 1000);
          }
          // Liveness: a failed last run under the bound was not restarted only because no sweep came once it was due.
          const last = starter.executions.get(names[names.length - 1])!;
          if (last.status === 'FAILED' && names.length - 1 < maxRestarts) {
            const dueMs = Date.parse(last.stoppedAt!) + backoffBaseSeconds * 2 ** (names.length - 1) * 1000;
            expect(sweepTimesMs.filter((t) => t >= dueMs)).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
