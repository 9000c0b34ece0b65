/**
 * The poll use case across runs (what earlier runs recorded and could not send) and with a message
 * longer than an event holds, against in-memory fakes of the ports.
 */
import type { StatusChangeDetail } from '../../lib/contract/events';
import { EventPublishError } from '../../lambda/shared/domain/errors';
import { PUT_EVENTS_ENTRY_LIMIT_BYTES, putEventsEntrySize } from '../../lambda/shared/domain/event-size';
import { statusChangeEventId } from '../../lambda/shared/domain/identifiers';
import type { ExecutionContext } from '../../lambda/shared/ports';
import { executionFor, fakePollDependencies } from './support/fakes';
import { ID, RUN_ID, detailsOf, inProgressRecordedButNotPublished, poll, pollAfter } from './support/poll-helpers';

describe('pollBatchPrediction across runs: the outbox', () => {
  const RESTART: ExecutionContext = { id: 'exec-r1', name: `${ID}+r1`, startTime: '2024-05-01T11:00:00.000Z' };
  const RESTART_RUN_ID = `${RESTART.startTime}/${ID}+r1`;

  it("a run's first poll publishes what earlier runs recorded and could not send, oldest first, then its own transition", async () => {
    // Prepare: run 1 records PENDING, then INPROGRESS, and fails to publish INPROGRESS (PutEvents denied, not retried).
    const deps = fakePollDependencies();
    await inProgressRecordedButNotPublished(deps);
    expect(deps.history.all().map((r) => [r.runId, r.status, r.published])).toEqual([
      [RUN_ID, 'PENDING', true],
      [RUN_ID, 'INPROGRESS', false],
    ]);

    // Act: the restart (a new run) polls after the job completed.
    deps.clock.advanceSeconds(3600);
    deps.source.status = 'COMPLETED';
    const { state } = await poll(deps, { batchPredictionId: ID }, RESTART);

    // Assess: run 1's INPROGRESS went out (its own eventId), then the restart's first observation.
    expect(detailsOf(deps).map((d) => [d.runId, d.sequence, d.previousStatus, d.status, d.eventId])).toEqual([
      [RUN_ID, 1, null, 'PENDING', statusChangeEventId(RUN_ID, 1, 'PENDING')],
      [RUN_ID, 2, 'PENDING', 'INPROGRESS', statusChangeEventId(RUN_ID, 2, 'INPROGRESS')],
      [RESTART_RUN_ID, 1, null, 'COMPLETED', statusChangeEventId(RESTART_RUN_ID, 1, 'COMPLETED')],
    ]);
    expect(deps.history.all().every((r) => r.published)).toBe(true);
    expect(state).toMatchObject({ terminal: true, runId: RESTART_RUN_ID, sequence: 1 });
  });

  it('only a run’s first poll (and its retries) reads the outbox: later polls and hand-overs do not', async () => {
    // Prepare / Act: three polls of one run, then the first poll of its generation 2.
    const deps = fakePollDependencies({ maxPollsPerExecution: 2 });
    let state = (await poll(deps, { batchPredictionId: ID })).state;
    state = await pollAfter(deps, 30, state, 'PENDING');
    expect(deps.history.unpublishedCalls).toBe(1);
    await poll(deps, state.continuation?.input, executionFor(ID, 2));

    // Assess
    expect(deps.history.unpublishedCalls).toBe(1);
  });

  it('a run that cannot publish the outbox fails its poll before reading or recording anything of its own', async () => {
    // Prepare: an unpublished item of run 1.
    const deps = fakePollDependencies();
    deps.sink.failNext(1);
    await expect(poll(deps, { batchPredictionId: ID })).rejects.toBeInstanceOf(EventPublishError);
    deps.sink.failNext(1);

    // Act
    await expect(poll(deps, { batchPredictionId: ID }, RESTART)).rejects.toBeInstanceOf(EventPublishError);

    // Assess: still one unpublished item, none of the restart's, one read (run 1's).
    expect(deps.history.all().map((r) => [r.runId, r.published])).toEqual([[RUN_ID, false]]);
    expect(deps.source.requestedIds).toHaveLength(1);
  });
});

describe('pollBatchPrediction: a FAILED job with a message longer than an event holds', () => {
  it('stores the snapshot once, cut as the event is, and publishes an event under the PutEvents limit that says it was cut', async () => {
    // Prepare: 300,000 bytes of message (DynamoDB takes 400 KB an item; EventBridge 256 KB an entry).
    const deps = fakePollDependencies();
    deps.source.status = 'FAILED';
    deps.source.extra = { message: 'm'.repeat(300_000) };

    // Act
    await poll(deps, { batchPredictionId: ID });

    // Assess: the event fits and says how the message was cut.
    const [entry] = deps.sink.published;
    expect(putEventsEntrySize(entry)).toBeLessThan(PUT_EVENTS_ENTRY_LIMIT_BYTES);
    const detail = JSON.parse(entry.Detail) as StatusChangeDetail;
    expect(detail.messageTruncation).toEqual({ originalBytes: 300_000, keptBytes: detail.batchPrediction.message?.length });
    // The item: the snapshot once (no Detail), with the same cut: about the event's size, far under
    // 400 KB (its JSON is a little larger than DynamoDB's count, names plus values).
    const [item] = deps.history.all();
    expect(item.event).not.toHaveProperty('Detail');
    expect(item.snapshot).toEqual(detail.batchPrediction);
    expect(item.messageTruncation).toEqual(detail.messageTruncation);
    expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(PUT_EVENTS_ENTRY_LIMIT_BYTES + 4_096);
  });
});
