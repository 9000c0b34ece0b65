/**
 * The poll use case, run against in-memory fakes of the ports. The fakes keep the ports' semantics
 * (conditional write, outbox flag), so crash-and-retry can be replayed.
 */
import { type BatchPredictionStatus, DetailType, type StatusChangeDetail } from '../../lib/contract/events';
import type { PollState } from '../../lib/contract/loop-state';
import { PollerErrorName } from '../../lib/contract/errors';
import {
  BatchPredictionNotFoundError,
  EventPublishError,
  InvalidBatchPredictionInputError,
  PollingDeadlineExceededError,
} from '../../lambda/shared/domain/errors';
import { statusChangeEntryOf } from '../../lambda/shared/domain/events';
import { statusChangeEventId } from '../../lambda/shared/domain/identifiers';
import { pollBatchPrediction } from '../../lambda/poll/poll-batch-prediction';
import { transitionKeyOf } from '../../lib/contract/history';
import type { AttemptContext, ExecutionContext } from '../../lambda/shared/ports';
import { START_TIME, TARGET, executionFor, fakePollDependencies } from './support/fakes';
import { ARN, EXECUTION, ID, RUN_ID, detailsOf, inProgressRecordedButNotPublished, poll, pollAfter } from './support/poll-helpers';

describe('pollBatchPrediction', () => {
  it('publishes null → PENDING as transition 1 on the first poll', async () => {
    // Prepare
    const deps = fakePollDependencies();
    deps.source.status = 'PENDING';

    // Act
    const { state, published } = await poll(deps, { batchPredictionId: ID });

    // Assess: the loop state
    expect(state).toEqual<PollState>({
      batchPredictionId: ID,
      runId: RUN_ID,
      runStartedAt: START_TIME,
      lastStatus: 'PENDING',
      lastTransitionAt: START_TIME,
      sequence: 1,
      generation: 1,
      polls: 1,
      pollsThisExecution: 1,
      waitSeconds: 30,
      terminal: false,
      continueAsNew: false,
    });
    // Assess: the event
    expect(deps.source.requestedIds).toEqual([ID]);
    expect(deps.sink.published).toHaveLength(1);
    const [entry] = deps.sink.published;
    expect(entry).toMatchObject({
      Source: TARGET.source,
      DetailType: DetailType.STATUS_CHANGE,
      Resources: [ARN],
      Time: START_TIME,
      EventBusName: TARGET.eventBusName,
    });
    expect(JSON.parse(entry.Detail)).toEqual<StatusChangeDetail>({
      batchPredictionId: ID,
      previousStatus: null,
      status: 'PENDING',
      eventId: statusChangeEventId(RUN_ID, 1, 'PENDING'),
      sequence: 1,
      observedAt: START_TIME,
      runId: RUN_ID,
      batchPrediction: { batchPredictionId: ID, status: 'PENDING' },
    });
    // Assess: the history, flagged as published
    expect(deps.history.all()).toEqual([
      expect.objectContaining({
        transitionKey: `${RUN_ID}#000001`,
        sequence: 1,
        status: 'PENDING',
        previousStatus: null,
        published: true,
        // The envelope alone: the snapshot is stored once, and the Detail is rebuilt from the item.
        event: {
          Source: entry.Source,
          DetailType: entry.DetailType,
          Resources: entry.Resources,
          Time: entry.Time,
          EventBusName: entry.EventBusName,
        },
        snapshot: { batchPredictionId: ID, status: 'PENDING' },
      }),
    ]);
    expect(statusChangeEntryOf(deps.history.all()[0])).toEqual(entry);
    expect(published).toEqual([expect.objectContaining({ sequence: 1, status: 'PENDING' })]);
  });

  it('takes the run id from the execution start time and name, not from the clock', async () => {
    // Prepare: the first poll runs 5 s after the execution started.
    const deps = fakePollDependencies();
    deps.clock.advanceSeconds(5);
    const execution: ExecutionContext = { id: 'exec-arn', name: 'custom-name', startTime: '2024-04-30T08:00:00.000Z' };

    // Act
    const { state } = await poll(deps, { batchPredictionId: ID }, execution);

    // Assess
    expect(state.runId).toBe('2024-04-30T08:00:00.000Z/custom-name');
    expect(state.runStartedAt).toBe('2024-04-30T08:00:00.000Z');
    expect(state.lastTransitionAt).toBe('2024-05-01T10:00:05.000Z');
    expect(detailsOf(deps)[0].runId).toBe('2024-04-30T08:00:00.000Z/custom-name');
  });

  it('publishes nothing while the status stays the same, and waits longer and longer', async () => {
    // Prepare
    const deps = fakePollDependencies();
    let state = (await poll(deps, { batchPredictionId: ID })).state;
    const waits = [state.waitSeconds];

    // Act: 40 more polls of an unchanged PENDING, each after the wait the previous one chose.
    for (let i = 0; i < 40; i++) {
      state = await pollAfter(deps, state.waitSeconds, state, 'PENDING');
      waits.push(state.waitSeconds);
    }

    // Assess
    expect(deps.sink.published).toHaveLength(1);
    expect(deps.history.items.size).toBe(1);
    expect(state).toMatchObject({ lastStatus: 'PENDING', sequence: 1, polls: 41, pollsThisExecution: 41, lastTransitionAt: START_TIME });
    for (const [i, wait] of waits.slice(1).entries()) expect(wait).toBeGreaterThanOrEqual(waits[i]);
    expect(waits[0]).toBe(30);
    expect(waits[waits.length - 1]).toBe(300);
  });

  it('jitters each wait by a hash of the run and poll: a retried poll waits what its first attempt chose', async () => {
    const deps = fakePollDependencies({ policy: { kind: 'adaptive', initialSeconds: 30, maxSeconds: 300, jitterRatio: 0.5 } });
    const first = (await poll(deps, { batchPredictionId: ID })).state;
    deps.clock.advanceSeconds(first.waitSeconds);

    const attempt = (await poll(deps, first)).state;
    const retry = (await poll(deps, first)).state;
    // Twenty runs started in the same millisecond under other names.
    const others = await Promise.all(
      Array.from(
        { length: 20 },
        async (_, i) => (await poll(deps, { batchPredictionId: `bp-${i + 2}` }, executionFor(`bp-${i + 2}`))).state.waitSeconds,
      ),
    );

    expect(retry.waitSeconds).toBe(attempt.waitSeconds);
    expect(attempt.waitSeconds).toBeGreaterThanOrEqual(15);
    expect(attempt.waitSeconds).toBeLessThanOrEqual(30);
    // They spread out over the jitter range rather than polling again together.
    expect(new Set(others).size).toBeGreaterThan(5);
  });

  it('resets the wait to the initial interval after a transition', async () => {
    // Prepare: let the wait grow for a while.
    const deps = fakePollDependencies();
    let state = (await poll(deps, { batchPredictionId: ID })).state;
    state = await pollAfter(deps, 2000, state, 'PENDING');
    expect(state.waitSeconds).toBe(200);

    // Act
    state = await pollAfter(deps, 200, state, 'INPROGRESS');

    // Assess
    expect(state).toMatchObject({ lastStatus: 'INPROGRESS', sequence: 2, waitSeconds: 30 });
  });

  it.each<BatchPredictionStatus>(['COMPLETED', 'FAILED', 'DELETED'])('stops at terminal status %s', async (terminalStatus) => {
    // Prepare
    const deps = fakePollDependencies({ maxPollsPerExecution: 2 });
    const first = (await poll(deps, { batchPredictionId: ID })).state;

    // Act: the second poll would also be the last of the execution; terminal wins.
    const state = await pollAfter(deps, 30, first, terminalStatus);

    // Assess
    expect(state).toMatchObject({ terminal: true, continueAsNew: false, lastStatus: terminalStatus, sequence: 2 });
    expect(state.continuation).toBeUndefined();
    expect(detailsOf(deps).map((d) => [d.previousStatus, d.status, d.sequence])).toEqual([
      [null, 'PENDING', 1],
      ['PENDING', terminalStatus, 2],
    ]);
  });

  it('reports a job already finished when polling begins as one terminal transition', async () => {
    const deps = fakePollDependencies();
    deps.source.status = 'COMPLETED';
    const { state } = await poll(deps, { batchPredictionId: ID });
    expect(state).toMatchObject({ terminal: true, sequence: 1, lastStatus: 'COMPLETED' });
    expect(detailsOf(deps)).toEqual([expect.objectContaining({ previousStatus: null, status: 'COMPLETED' })]);
  });

  it('republishes the same stored event once when the previous attempt crashed between the write and PutEvents', async () => {
    // Prepare: the first attempt writes the record, then PutEvents fails.
    const deps = fakePollDependencies();
    const input = { batchPredictionId: ID };
    deps.sink.failNext(1);
    await expect(poll(deps, input)).rejects.toBeInstanceOf(EventPublishError);
    expect(deps.sink.published).toHaveLength(0);
    const [stored] = deps.history.all();
    expect(stored.published).toBe(false);

    // Act: Step Functions retries the task with the same input, 7 s later.
    deps.clock.advanceSeconds(7);
    const { state, published } = await poll(deps, input);

    // Assess: the stored event went out unchanged, exactly once, and nothing was written twice.
    expect(deps.sink.published).toHaveLength(1);
    expect(stored.event).not.toHaveProperty('Detail');
    expect(deps.sink.published[0]).toEqual(statusChangeEntryOf(stored));
    expect(detailsOf(deps)[0]).toMatchObject({ eventId: statusChangeEventId(RUN_ID, 1, 'PENDING'), observedAt: START_TIME });
    expect(published).toHaveLength(1);
    expect(deps.history.items.size).toBe(1);
    expect(deps.history.all()[0].published).toBe(true);
    expect(state).toMatchObject({ lastStatus: 'PENDING', sequence: 1, lastTransitionAt: START_TIME, polls: 1 });
  });

  it('after a crash, publishes the stored transition first, then the one that happened since', async () => {
    // Prepare: poll 1 sees PENDING; poll 2 sees INPROGRESS, writes transition 2 and crashes.
    const deps = fakePollDependencies();
    const afterFirst = await inProgressRecordedButNotPublished(deps);
    const storedInProgress = deps.history.all()[1];
    expect(storedInProgress).toMatchObject({ sequence: 2, status: 'INPROGRESS', published: false });

    // Act: by the retry, the job has completed.
    deps.clock.advanceSeconds(60);
    deps.source.status = 'COMPLETED';
    const { state, published } = await poll(deps, afterFirst);

    // Assess
    expect(detailsOf(deps).map((d) => [d.previousStatus, d.status, d.sequence])).toEqual([
      [null, 'PENDING', 1],
      ['PENDING', 'INPROGRESS', 2],
      ['INPROGRESS', 'COMPLETED', 3],
    ]);
    expect(deps.sink.published[1]).toEqual(statusChangeEntryOf(storedInProgress));
    expect(detailsOf(deps)[2].eventId).toBe(statusChangeEventId(RUN_ID, 3, 'COMPLETED'));
    expect(published.map((r) => r.sequence)).toEqual([2, 3]);
    expect(deps.history.all().map((r) => [r.sequence, r.status, r.published])).toEqual([
      [1, 'PENDING', true],
      [2, 'INPROGRESS', true],
      [3, 'COMPLETED', true],
    ]);
    expect(state).toMatchObject({ lastStatus: 'COMPLETED', sequence: 3, terminal: true });
  });

  const FIRST_ATTEMPT = { retryCount: 0, redriveCount: 0 };
  it.each<[string, AttemptContext | undefined, AttemptContext | undefined]>([
    ['the attempt context says it is a retry', FIRST_ATTEMPT, { retryCount: 1, redriveCount: 0 }],
    ['the execution was redriven', FIRST_ATTEMPT, { retryCount: 0, redriveCount: 1 }],
    ['there is no attempt context (an older definition)', undefined, undefined],
  ])(
    'after a crash, publishes the stored transition even when the status has gone back to the one before it: %s',
    async (_label, crashed, retried) => {
      // Prepare: poll 1 sees PENDING; poll 2 sees INPROGRESS, writes transition 2 and crashes.
      const deps = fakePollDependencies();
      const afterFirst = (await poll(deps, { batchPredictionId: ID })).state;
      deps.clock.advanceSeconds(30);
      deps.source.status = 'INPROGRESS';
      deps.sink.failNext(1);
      await expect(pollBatchPrediction({ state: afterFirst, execution: EXECUTION, attempt: crashed }, deps)).rejects.toBeInstanceOf(
        EventPublishError,
      );

      // Act: by the retry, the job reads PENDING again, which is the retried state's lastStatus.
      deps.clock.advanceSeconds(20);
      deps.source.status = 'PENDING';
      const { state, published } = await pollBatchPrediction({ state: afterFirst, execution: EXECUTION, attempt: retried }, deps);

      // Assess: the observed INPROGRESS is not left in the outbox, and going back is a transition too.
      expect(detailsOf(deps).map((d) => [d.previousStatus, d.status, d.sequence])).toEqual([
        [null, 'PENDING', 1],
        ['PENDING', 'INPROGRESS', 2],
        ['INPROGRESS', 'PENDING', 3],
      ]);
      expect(published.map((r) => r.sequence)).toEqual([2, 3]);
      expect(deps.history.all().map((r) => [r.sequence, r.status, r.published])).toEqual([
        [1, 'PENDING', true],
        [2, 'INPROGRESS', true],
        [3, 'PENDING', true],
      ]);
      expect(state).toMatchObject({ lastStatus: 'PENDING', sequence: 3 });
    },
  );

  it.each<[string, AttemptContext | undefined, number]>([
    ['a first attempt skips the read', { retryCount: 0, redriveCount: 0 }, 0],
    ['a retry reads the next key', { retryCount: 1, redriveCount: 0 }, 1],
    ['a redriven execution reads the next key', { retryCount: 0, redriveCount: 2 }, 1],
    ['no attempt context (an older definition) reads the next key', undefined, 1],
  ])("when nothing changed, looks for a crashed attempt's write only if one can exist: %s", async (_label, attempt, reads) => {
    const deps = fakePollDependencies();
    const afterFirst = (await poll(deps, { batchPredictionId: ID })).state;
    deps.history.getCalls = 0;
    deps.clock.advanceSeconds(30);

    const { state, published } = await pollBatchPrediction({ state: afterFirst, execution: EXECUTION, attempt }, deps);

    expect(deps.history.getCalls).toBe(reads);
    expect(published).toEqual([]);
    expect(state).toMatchObject({ lastStatus: 'PENDING', sequence: 1, polls: 2 });
  });

  it('publishes nothing again when a retried poll finds the transition already published', async () => {
    // Prepare: the poll succeeded, but its answer was lost and Step Functions retries it.
    const deps = fakePollDependencies();
    const input = { batchPredictionId: ID };
    const first = await poll(deps, input);

    // Act
    deps.clock.advanceSeconds(3);
    const retried = await poll(deps, input);

    // Assess
    expect(deps.sink.published).toHaveLength(1);
    expect(deps.sink.attempts).toBe(1);
    expect(retried.published).toEqual([]);
    expect(deps.history.items.size).toBe(1);
    expect(retried.state).toMatchObject({ lastStatus: 'PENDING', sequence: 1, lastTransitionAt: first.state.lastTransitionAt });
  });

  it('sends the same event id twice when the crash fell between PutEvents and the flag', async () => {
    // Prepare
    const deps = fakePollDependencies();
    deps.history.failMarkPublished(1);
    await expect(poll(deps, { batchPredictionId: ID })).rejects.toThrow('crash after PutEvents');

    // Act
    await poll(deps, { batchPredictionId: ID });

    // Assess: at-least-once delivery; subscribers dedupe on the identical event.
    expect(deps.sink.published).toHaveLength(2);
    expect(deps.sink.published[1]).toEqual(deps.sink.published[0]);
    expect(deps.history.items.size).toBe(1);
  });

  it('fails with PollingDeadlineExceededError once the run outlives maxRunSeconds, after reading Amazon ML', async () => {
    // Prepare
    const deps = fakePollDependencies({ maxRunSeconds: 3600 });
    const first = (await poll(deps, { batchPredictionId: ID })).state;

    // Act: exactly at the limit is still allowed; one second later is not.
    const atLimit = await pollAfter(deps, 3600, first, 'PENDING');
    deps.clock.advanceSeconds(1);
    const late = poll(deps, atLimit);

    // Assess: the late poll read the job (3 reads) before failing.
    await expect(late).rejects.toBeInstanceOf(PollingDeadlineExceededError);
    await expect(late).rejects.toMatchObject({
      name: PollerErrorName.DEADLINE_EXCEEDED,
      message: expect.stringContaining(`started at ${START_TIME}`),
    });
    expect(deps.source.requestedIds).toHaveLength(3);
  });

  it.each([
    ['COMPLETED', 'terminal: the run ends with it, not TIMED_OUT', { terminal: true }],
    ['INPROGRESS', 'not terminal: published and handed back, so the failure names it', { terminal: false }],
  ] as const)('past the deadline, a status read as %s is recorded and published first (%s)', async (status, _why, ending) => {
    // Prepare: the job changed after the last poll before the deadline; the next poll comes after it.
    const deps = fakePollDependencies({ maxRunSeconds: 3600 });
    const first = (await poll(deps, { batchPredictionId: ID })).state;
    deps.clock.advanceSeconds(3601);
    deps.source.status = status;

    // Act
    const late = await poll(deps, first);

    // Assess
    expect(late.state).toMatchObject({ ...ending, lastStatus: status, sequence: 2 });
    expect(detailsOf(deps).map((d) => [d.previousStatus, d.status])).toEqual([
      [null, 'PENDING'],
      ['PENDING', status],
    ]);
    expect(deps.history.all().map((r) => [r.status, r.published])).toEqual([
      ['PENDING', true],
      [status, true],
    ]);
  });

  it('past the deadline, the poll after the one that published a transition fails, its state naming that status', async () => {
    // Prepare: INPROGRESS is read (and published) past the deadline; the job has not changed since.
    const deps = fakePollDependencies({ maxRunSeconds: 3600 });
    const first = (await poll(deps, { batchPredictionId: ID })).state;
    deps.clock.advanceSeconds(3601);
    deps.source.status = 'INPROGRESS';
    const handedBack = (await poll(deps, first)).state;
    deps.clock.advanceSeconds(handedBack.waitSeconds);

    // Act
    const next = poll(deps, handedBack);

    // Assess: the state the failure path receives is the one with INPROGRESS.
    await expect(next).rejects.toBeInstanceOf(PollingDeadlineExceededError);
    expect(handedBack).toMatchObject({ lastStatus: 'INPROGRESS', terminal: false });
    expect(detailsOf(deps)).toHaveLength(2);
  });

  it('continues as new after maxPollsPerExecution polls, handing over the run', async () => {
    // Prepare
    const deps = fakePollDependencies({ maxPollsPerExecution: 3 });
    let state = (await poll(deps, { batchPredictionId: ID })).state;
    state = await pollAfter(deps, state.waitSeconds, state, 'PENDING');
    expect(state.continueAsNew).toBe(false);

    // Act
    state = await pollAfter(deps, state.waitSeconds, state, 'PENDING');

    // Assess
    expect(state).toMatchObject({ continueAsNew: true, terminal: false, pollsThisExecution: 3, polls: 3 });
    expect(state.continuation).toEqual({
      executionName: `${ID}+g2`,
      input: {
        batchPredictionId: ID,
        runId: RUN_ID,
        runStartedAt: START_TIME,
        lastStatus: 'PENDING',
        lastTransitionAt: START_TIME,
        sequence: 1,
        generation: 2,
        polls: 3,
      },
    });
  });

  it('keeps the run id, numbering and deadline in the execution that continues the run', async () => {
    // Prepare: generation 1 hands over after 2 polls; generation 2 starts an hour later.
    const deps = fakePollDependencies({ maxPollsPerExecution: 2, maxRunSeconds: 2 * 3600 });
    let state = (await poll(deps, { batchPredictionId: ID })).state;
    state = await pollAfter(deps, 30, state, 'PENDING');
    const handOver = state.continuation;
    expect(handOver).toBeDefined();
    deps.clock.advanceSeconds(3600);
    const generation2: ExecutionContext = { ...executionFor(ID, 2), startTime: deps.now().toISOString() };

    // Act
    deps.source.status = 'INPROGRESS';
    const next = (await poll(deps, handOver?.input, generation2)).state;

    // Assess
    expect(next).toMatchObject({
      runId: RUN_ID,
      runStartedAt: START_TIME,
      generation: 2,
      sequence: 2,
      polls: 3,
      pollsThisExecution: 1,
      continueAsNew: false,
    });
    expect(detailsOf(deps)[1]).toMatchObject({
      runId: RUN_ID,
      sequence: 2,
      previousStatus: 'PENDING',
      eventId: statusChangeEventId(RUN_ID, 2, 'INPROGRESS'),
    });
    // The deadline still counts from the run's start, not generation 2's.
    deps.clock.advanceSeconds(3600);
    await expect(poll(deps, next, generation2)).rejects.toBeInstanceOf(PollingDeadlineExceededError);
  });

  it('names the third generation +g3', async () => {
    const deps = fakePollDependencies({ maxPollsPerExecution: 1 });
    const { state } = await poll(
      deps,
      { batchPredictionId: ID, runId: RUN_ID, runStartedAt: START_TIME, lastStatus: 'PENDING', sequence: 1, generation: 2, polls: 9 },
      executionFor(ID, 2),
    );
    expect(state.continuation).toMatchObject({ executionName: `${ID}+g3`, input: { generation: 3, polls: 10 } });
  });

  it.each<[string, string, number, string]>([
    ['a restart hands over within its own run', `${ID}+r2`, 1, `${ID}+r2+g2`],
    ['a restart keeps its restart number across generations', `${ID}+r1+g4`, 4, `${ID}+r1+g5`],
    ['a first run hands over as before', ID, 1, `${ID}+g2`],
    ['an execution named otherwise hands over as the first run', 'custom-name', 1, `${ID}+g2`],
  ])('%s: execution %s, generation %p → %s', async (_what, executionName, generation, expected) => {
    // Prepare
    const deps = fakePollDependencies({ maxPollsPerExecution: 1 });
    const execution: ExecutionContext = { ...EXECUTION, name: executionName };

    // Act
    const { state } = await poll(deps, { batchPredictionId: ID, generation }, execution);

    // Assess
    expect(state.continuation?.executionName).toBe(expected);
    expect(state.runId).toBe(`${START_TIME}/${executionName}`);
  });

  it('rejects bad input before calling anything', async () => {
    const deps = fakePollDependencies();
    await expect(poll(deps, { batchPredictionID: ID })).rejects.toBeInstanceOf(InvalidBatchPredictionInputError);
    expect(deps.source.requestedIds).toEqual([]);
    expect(deps.history.recordCalls).toBe(0);
    expect(deps.sink.attempts).toBe(0);
  });

  it('lets a source error through unchanged and records nothing', async () => {
    const deps = fakePollDependencies();
    const notFound = new BatchPredictionNotFoundError(ID);
    deps.source.error = notFound;
    await expect(poll(deps, { batchPredictionId: ID })).rejects.toBe(notFound);
    expect(deps.history.recordCalls).toBe(0);
  });
});

describe('transitionKeyOf', () => {
  it.each([
    [1, `${RUN_ID}#000001`],
    [42, `${RUN_ID}#000042`],
    [123456, `${RUN_ID}#123456`],
  ])('pads sequence %p', (sequence, expected) => {
    expect(transitionKeyOf(RUN_ID, sequence)).toBe(expected);
  });

  it('sorts keys of one run numerically', () => {
    const keys = [10, 9, 100, 1].map((s) => transitionKeyOf(RUN_ID, s));
    expect([...keys].sort()).toEqual([1, 9, 10, 100].map((s) => transitionKeyOf(RUN_ID, s)));
  });
});
