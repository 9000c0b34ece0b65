/** What the poll use case's tests share: the run they poll and the steps they repeat. */
import type { BatchPredictionStatus, StatusChangeDetail } from '../../../lib/contract/events';
import type { PollState } from '../../../lib/contract/loop-state';
import { type PollOutcome, pollBatchPrediction } from '../../../lambda/poll/poll-batch-prediction';
import { EventPublishError } from '../../../lambda/shared/domain/errors';
import type { ExecutionContext } from '../../../lambda/shared/ports';
import { type FakePollDependencies, START_TIME, executionFor } from './fakes';

export const ID = 'bp-1';
export const EXECUTION = executionFor(ID);
export const RUN_ID = `${START_TIME}/${ID}`;
export const ARN = 'arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-1';

/** One poll of `state` in `execution` (the first run's, unless told). */
export function poll(deps: FakePollDependencies, state: unknown, execution: ExecutionContext = EXECUTION): Promise<PollOutcome> {
  return pollBatchPrediction({ state, execution }, deps);
}

/** The details of every event published so far. */
export function detailsOf(deps: FakePollDependencies): StatusChangeDetail[] {
  return deps.sink.published.map((entry) => JSON.parse(entry.Detail) as StatusChangeDetail);
}

/** Poll 1 sees PENDING; poll 2, 30 s later, records INPROGRESS and fails to publish it. */
export async function inProgressRecordedButNotPublished(deps: FakePollDependencies): Promise<PollState> {
  const afterFirst = (await poll(deps, { batchPredictionId: ID })).state;
  deps.clock.advanceSeconds(30);
  deps.source.status = 'INPROGRESS';
  deps.sink.failNext(1);
  await expect(poll(deps, afterFirst)).rejects.toBeInstanceOf(EventPublishError);
  return afterFirst;
}

/** Polls `status` once, advancing the clock first, and returns the next state. */
export async function pollAfter(
  deps: FakePollDependencies,
  seconds: number,
  state: unknown,
  status: BatchPredictionStatus,
): Promise<PollState> {
  deps.clock.advanceSeconds(seconds);
  deps.source.status = status;
  return (await poll(deps, state)).state;
}
