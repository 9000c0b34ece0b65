import {
  type BatchPredictionSnapshot,
  type BatchPredictionStatus,
  type DetailType,
  type PollingFailedDetail,
  PollerErrorName,
  PollingFailureReason,
  type StatusChangeDetail,
} from '../../lib/contract';
import { pollingFailedEventId, statusChangeEventId } from './identifiers';
import type { Transition } from './transition';

/**
 * One event as handed to EventBridge `PutEvents`. Plain data, so that the domain imports no SDK and
 * the history table can store the exact entry for a later re-publish.
 */
export interface EventEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Resources: string[];
  readonly Time: string;
  readonly EventBusName: string;
}

/** Where events go and how they are labelled. */
export interface EventTarget {
  readonly eventBusName: string;
  readonly source: string;
  /** Builds the batch prediction's ARN for `resources`. */
  readonly arnOf: (batchPredictionId: string) => string;
}

/** Builds the `detail` of a status-change event. */
export function buildStatusChangeDetail(
  transition: Transition,
  snapshot: BatchPredictionSnapshot,
  runId: string,
  observedAt: string,
): StatusChangeDetail {
  return {
    batchPredictionId: snapshot.batchPredictionId,
    previousStatus: transition.previousStatus,
    status: transition.status,
    eventId: statusChangeEventId(runId, transition.sequence, transition.status),
    sequence: transition.sequence,
    observedAt,
    runId,
    batchPrediction: snapshot,
  };
}

/** What the failure path knows when it reports a failed run. */
export interface FailedRun {
  readonly batchPredictionId: string;
  readonly executionId: string;
  readonly error: string;
  readonly cause: string;
  readonly lastStatus: BatchPredictionStatus | null;
  readonly runId: string | null;
  readonly observedAt: string;
}

/** Builds the `detail` of a polling-failed event. */
export function buildPollingFailedDetail(run: FailedRun): PollingFailedDetail {
  return {
    batchPredictionId: run.batchPredictionId,
    reason: failureReasonOf(run.error),
    error: run.error,
    cause: run.cause,
    lastStatus: run.lastStatus,
    runId: run.runId,
    observedAt: run.observedAt,
    eventId: pollingFailedEventId(run.executionId, run.error),
  };
}

/** Wraps a detail into a `PutEvents` entry. */
export function toEventEntry(detailType: DetailType, detail: StatusChangeDetail | PollingFailedDetail, target: EventTarget): EventEntry {
  return {
    Source: target.source,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
    Resources: [target.arnOf(detail.batchPredictionId)],
    Time: detail.observedAt,
    EventBusName: target.eventBusName,
  };
}

const REASON_BY_ERROR: ReadonlyMap<string, PollingFailureReason> = new Map([
  [PollerErrorName.NOT_FOUND, PollingFailureReason.NOT_FOUND],
  [PollerErrorName.INVALID_INPUT, PollingFailureReason.INVALID_INPUT],
  [PollerErrorName.INPUT_NOT_AN_OBJECT, PollingFailureReason.INVALID_INPUT],
  [PollerErrorName.DEADLINE_EXCEEDED, PollingFailureReason.TIMED_OUT],
  ['States.Timeout', PollingFailureReason.TIMED_OUT],
]);

/** Maps the error a run failed with to the reason subscribers filter on. */
export function failureReasonOf(errorName: string): PollingFailureReason {
  return REASON_BY_ERROR.get(errorName) ?? PollingFailureReason.ERROR;
}
