import {
  type BatchPredictionSnapshot,
  type BatchPredictionStatus,
  DetailType,
  type MessageTruncation,
  type PollingFailedDetail,
  PollingFailureReason,
  type StatusChangeDetail,
} from '../../../lib/contract/events';
import { PollerErrorName } from '../../../lib/contract/errors';
import { SNAPSHOT_FIELD_NAMES } from '../../../lib/contract/snapshot-fields';
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

/** Builds the `detail` of a status-change event (with `messageTruncation` when the message was cut to fit). */
export function buildStatusChangeDetail(
  transition: Transition,
  snapshot: BatchPredictionSnapshot,
  runId: string,
  observedAt: string,
  messageTruncation?: MessageTruncation,
): StatusChangeDetail {
  return {
    batchPredictionId: snapshot.batchPredictionId,
    previousStatus: transition.previousStatus,
    status: transition.status,
    eventId: statusChangeEventId(runId, transition.sequence, transition.status),
    sequence: transition.sequence,
    observedAt,
    runId,
    batchPrediction: inFieldOrder(snapshot),
    ...(messageTruncation === undefined ? {} : { messageTruncation }),
  };
}

/**
 * A `PutEvents` entry as the history item keeps it: the envelope without `Detail`, which the item's
 * own fields rebuild ({@link statusChangeEntryOf}), so that the snapshot is stored once and an item
 * stays well under DynamoDB's 400 KB with any event EventBridge accepts (256 KB). Items written
 * before keep their `Detail`, and it is re-published as it is.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
export type StoredEventEntry = Omit<EventEntry, 'Detail'> & { readonly Detail?: string };

/** What a history item holds that its event is rebuilt from. */
export interface RecordedTransition extends Transition {
  readonly runId: string;
  readonly observedAt: string;
  readonly snapshot: BatchPredictionSnapshot;
  readonly messageTruncation?: MessageTruncation;
  readonly event: StoredEventEntry;
}

/** The exact entry a recorded transition publishes: its stored `Detail`, or one rebuilt from the item. */
export function statusChangeEntryOf(record: RecordedTransition): EventEntry {
  const { Detail, ...envelope } = record.event;
  if (Detail !== undefined) return { ...envelope, Detail };
  const detail = buildStatusChangeDetail(record, record.snapshot, record.runId, record.observedAt, record.messageTruncation);
  return { ...envelope, DetailType: DetailType.STATUS_CHANGE, Detail: JSON.stringify(detail) };
}

/**
 * The snapshot's members in the contract's field order: a snapshot read back from DynamoDB (whose
 * maps keep no order) then rebuilds the very `Detail` the first publish sent.
 */
function inFieldOrder(snapshot: BatchPredictionSnapshot): BatchPredictionSnapshot {
  const source = snapshot as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const field of SNAPSHOT_FIELD_NAMES) if (source[field] !== undefined) ordered[field] = source[field];
  for (const [field, value] of Object.entries(source)) if (!(field in ordered) && value !== undefined) ordered[field] = value;
  return ordered as unknown as BatchPredictionSnapshot;
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
