import { DetailType, type MessageTruncation, isTerminalStatus } from '../../lib/contract/events';
import type { PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import type { PollState } from '../../lib/contract/loop-state';
import { transitionKeyOf } from '../../lib/contract/history';
import { executionNameFor, parseExecutionName } from '../../lib/contract/runs';
import { mayFollowFailedAttempt } from '../shared/domain/attempt';
import { PollingDeadlineExceededError } from '../shared/domain/errors';
import { fitSnapshotToEvent } from '../shared/domain/event-size';
import { type EventTarget, buildStatusChangeDetail, statusChangeEntryOf, toEventEntry } from '../shared/domain/events';
import { jitterFractionFor, runIdFor, statusChangeEventId } from '../shared/domain/identifiers';
import { nextWaitSeconds } from '../shared/domain/poll-interval';
import { parsePollStateInput } from '../shared/domain/poll-state';
import { type Transition, detectTransition } from '../shared/domain/transition';
import type {
  AttemptContext,
  BatchPredictionReader,
  EventPublisher,
  ExecutionContext,
  HistoryStore,
  TransitionRecord,
} from '../shared/ports';

/** What one poll needs besides its input. */
export interface PollDependencies {
  readonly source: BatchPredictionReader;
  readonly history: HistoryStore;
  readonly sink: EventPublisher;
  readonly target: EventTarget;
  readonly policy: PollIntervalPolicy;
  readonly maxRunSeconds: number;
  readonly maxPollsPerExecution: number;
  readonly now: () => Date;
}

/** What the state machine hands the poll task. */
export interface PollRequest {
  readonly state: unknown;
  readonly execution: ExecutionContext;
  /** Which attempt this is. When absent, the poll assumes it may be a retry (see {@link mayFollowFailedAttempt}). */
  readonly attempt?: AttemptContext;
}

/** What happened in one poll, for logging. */
export interface PollOutcome {
  readonly state: PollState;
  readonly published: readonly TransitionRecord[];
}

/**
 * One iteration of the wait loop: validate the state, read the batch prediction, record and publish
 * every transition not yet published, and compute the next loop state.
 *
 * Crash safety (outbox on the history item): a transition is first written conditionally with
 * `published: false`, then published, then flagged. A retried poll that finds the item already
 * written re-publishes its stored event (same `eventId`) if the flag is still false, and goes on
 * from the stored status, so no transition is lost, none is written twice, and an event is sent
 * twice only if the crash fell between `PutEvents` and the flag (subscribers dedupe by `eventId`).
 * When the status seen now is the loop state's own (nothing to write) and this invocation is a
 * retry or runs in a redriven execution, the poll still reads the next transition's key: a crashed
 * attempt may have written it before the status went back. A first attempt skips that read: no
 * earlier attempt of it exists, and that read was most of the cost of a poll that sees no change.
 */
export async function pollBatchPrediction(request: PollRequest, deps: PollDependencies): Promise<PollOutcome> {
  const input = parsePollStateInput(request.state);
  const id = input.batchPredictionId;
  const runStartedAt = input.runStartedAt ?? request.execution.startTime;
  const runId = input.runId ?? runIdFor(request.execution.startTime, request.execution.name);
  const generation = input.generation ?? 1;
  // A restarted run (`<id>+r<N>`) hands over as `<id>+r<N>+g<M>`, so that its executions stay
  // apart from the first run's and map back to the id. The name says which run this is.
  const named = parseExecutionName(request.execution.name);
  const restart = named?.batchPredictionId === input.batchPredictionId ? named.restart : 0;
  const mayFindOrphan = mayFollowFailedAttempt(request.attempt);
  /** The outbox step: publish a recorded transition, then flag it published. */
  const send = async (record: TransitionRecord) => {
    await deps.sink.publish([statusChangeEntryOf(record)]);
    await deps.history.markPublished(record);
  };

  // A run's first poll (and its retries) first sends what earlier runs of the id recorded and could
  // not publish: a run that failed on PutEvents leaves its items `published: false`, and only a
  // later run of the id (a restart, or the sweeper's revisit of a failed run) comes back for them.
  if ((input.polls ?? 0) === 0 && generation === 1) {
    for (const orphan of await deps.history.unpublished(id)) {
      if (orphan.runId !== runId) await send(orphan);
    }
  }

  const now = deps.now();
  // Read before checking the deadline: a job that reached a terminal status before the deadline,
  // and was not read yet, ends with its transition published, not TIMED_OUT.
  const snapshot = await deps.source.get(id);
  const observedAt = now.toISOString();

  let lastStatus = input.lastStatus ?? null;
  let sequence = input.sequence ?? 0;
  let lastTransitionAt = input.lastTransitionAt ?? null;
  const published: TransitionRecord[] = [];

  /** Writes the transition unless an earlier attempt did; returns the item that is there now. */
  const recordTransition = async (transition: Transition): Promise<{ effective: TransitionRecord; created: boolean }> => {
    const entryOf = (fitted: { snapshot: typeof snapshot; messageTruncation?: MessageTruncation }) =>
      toEventEntry(
        DetailType.STATUS_CHANGE,
        buildStatusChangeDetail(transition, fitted.snapshot, runId, observedAt, fitted.messageTruncation),
        deps.target,
      );
    const fitted = fitSnapshotToEvent(snapshot, entryOf);
    const { Detail: _rebuiltFromTheItem, ...envelope } = entryOf(fitted);
    const record: TransitionRecord = {
      batchPredictionId: id,
      transitionKey: transitionKeyOf(runId, transition.sequence),
      runId,
      sequence: transition.sequence,
      status: transition.status,
      previousStatus: transition.previousStatus,
      eventId: statusChangeEventId(runId, transition.sequence, transition.status),
      observedAt,
      snapshot: fitted.snapshot,
      ...(fitted.messageTruncation === undefined ? {} : { messageTruncation: fitted.messageTruncation }),
      event: envelope,
      published: false,
    };
    const outcome = await deps.history.record(record);
    return outcome.created ? { effective: record, created: true } : { effective: outcome.existing, created: false };
  };

  for (;;) {
    const transition: Transition | undefined = detectTransition(lastStatus, snapshot.status, sequence);
    let effective: TransitionRecord | undefined;
    let created = false;
    if (transition === undefined) {
      // No change since the loop state; but an earlier attempt of this same poll may have written
      // the next transition and died before handing its state back, and the status has gone back
      // since (or the read lags). That transition was observed: publish it, then compare again.
      // Only a retry (or a redriven execution) can follow such an attempt.
      if (!mayFindOrphan) break;
      effective = await deps.history.get(id, transitionKeyOf(runId, sequence + 1));
      if (effective === undefined) break;
    } else {
      ({ effective, created } = await recordTransition(transition));
    }
    if (!effective.published) {
      await send(effective);
      published.push(effective);
    }
    lastStatus = effective.status;
    sequence = effective.sequence;
    lastTransitionAt = effective.observedAt;
    // A retried poll may find an older transition of this run already written; the status seen now
    // may have moved on since, which is one more transition. A transition written now is the last.
    if (created) break;
  }

  const terminal = isTerminalStatus(snapshot.status);
  // After the read and its transitions are published: what was observed goes out even past the
  // deadline. A poll that saw a transition hands its state back first, so that the next poll's
  // failure (and the Polling Failed event, built from the loop state) names the status last read.
  const sawTransition = sequence !== (input.sequence ?? 0);
  if (!terminal && !sawTransition && secondsBetween(runStartedAt, now) > deps.maxRunSeconds) {
    throw new PollingDeadlineExceededError(runStartedAt, deps.maxRunSeconds);
  }

  const polls = (input.polls ?? 0) + 1;
  const pollsThisExecution = (numberOr(request.state, 'pollsThisExecution') ?? 0) + 1;
  const continueAsNew = !terminal && pollsThisExecution >= deps.maxPollsPerExecution;
  const sinceTransition = lastTransitionAt === null ? 0 : secondsBetween(lastTransitionAt, now);
  const state: PollState = {
    batchPredictionId: id,
    runId,
    runStartedAt,
    lastStatus,
    lastTransitionAt,
    sequence,
    generation,
    polls,
    pollsThisExecution,
    waitSeconds: nextWaitSeconds(deps.policy, sinceTransition, jitterFractionFor(runId, polls)),
    terminal,
    continueAsNew,
    ...(continueAsNew
      ? {
          continuation: {
            executionName: executionNameFor(id, generation + 1, restart),
            input: {
              batchPredictionId: id,
              runId,
              runStartedAt,
              lastStatus,
              lastTransitionAt,
              sequence,
              generation: generation + 1,
              polls,
            },
          },
        }
      : {}),
  };
  return { state, published };
}

function secondsBetween(fromIso: string, to: Date): number {
  return (to.getTime() - Date.parse(fromIso)) / 1000;
}

function numberOr(state: unknown, key: string): number | undefined {
  const value = (state as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : undefined;
}
