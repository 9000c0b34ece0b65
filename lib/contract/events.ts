/** Statuses, detail types, failure reasons and the `detail` types of the events (the `./events` entry re-exports them). */

/**
 * Every status Amazon ML reports for a batch prediction.
 * @see https://docs.aws.amazon.com/machine-learning/latest/APIReference/API_GetBatchPrediction.html
 */
export const BatchPredictionStatus = {
  PENDING: 'PENDING',
  INPROGRESS: 'INPROGRESS',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  DELETED: 'DELETED',
} as const;

/** One of {@link BatchPredictionStatus}. */
export type BatchPredictionStatus = (typeof BatchPredictionStatus)[keyof typeof BatchPredictionStatus];

/** All statuses, in the order a batch prediction normally moves through them. */
export const ALL_STATUSES: readonly BatchPredictionStatus[] = Object.values(BatchPredictionStatus);

/** Statuses after which Amazon ML never changes the batch prediction again, so polling stops. */
export const TERMINAL_STATUSES: readonly BatchPredictionStatus[] = [
  BatchPredictionStatus.COMPLETED,
  BatchPredictionStatus.FAILED,
  BatchPredictionStatus.DELETED,
];

/** True when `value` is a status this contract knows. */
export function isBatchPredictionStatus(value: unknown): value is BatchPredictionStatus {
  return typeof value === 'string' && (ALL_STATUSES as readonly string[]).includes(value);
}

/** True when polling stops at `status`. */
export function isTerminalStatus(status: BatchPredictionStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * The `source` of every event the poller publishes unless configured otherwise.
 * EventBridge reserves sources starting with `aws.` for AWS services.
 */
export const DEFAULT_EVENT_SOURCE = 'batch-prediction-poller';

/** The `detail-type` values the poller publishes. */
export const DetailType = {
  /** A batch prediction changed status (or was observed for the first time in a run). */
  STATUS_CHANGE: 'Batch Prediction Status Change',
  /** A polling run ended without reaching a terminal status. */
  POLLING_FAILED: 'Batch Prediction Polling Failed',
} as const;

/** One of {@link DetailType}. */
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

/** Why a polling run failed, as carried in {@link PollingFailedDetail.reason}. */
export const PollingFailureReason = {
  /** Amazon ML does not know the batch prediction id. */
  NOT_FOUND: 'NOT_FOUND',
  /** The run's input was malformed (bad or missing id, unknown keys). */
  INVALID_INPUT: 'INVALID_INPUT',
  /** The run outlived its deadline without reaching a terminal status. */
  TIMED_OUT: 'TIMED_OUT',
  /** Anything else: access denied, retries exhausted, an unexpected answer. */
  ERROR: 'ERROR',
} as const;

/** One of {@link PollingFailureReason}. */
export type PollingFailureReason = (typeof PollingFailureReason)[keyof typeof PollingFailureReason];

/** Amazon ML batch prediction ids: 1 to 64 characters of letters, digits, `_`, `.` and `-`. */
export const BATCH_PREDICTION_ID_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;

/**
 * A batch prediction as published in events: every `GetBatchPrediction` field in camelCase, dates
 * as ISO-8601 strings, and `logUri` without its presigned query string.
 */
export interface BatchPredictionSnapshot {
  readonly batchPredictionId: string;
  readonly mlModelId?: string;
  readonly batchPredictionDataSourceId?: string;
  readonly inputDataLocationS3?: string;
  readonly createdByIamUser?: string;
  readonly createdAt?: string;
  readonly lastUpdatedAt?: string;
  readonly name?: string;
  readonly status: BatchPredictionStatus;
  readonly outputUri?: string;
  /** The log file's location with the presigned query string removed. */
  readonly logUri?: string;
  readonly message?: string;
  readonly computeTime?: number;
  readonly finishedAt?: string;
  readonly startedAt?: string;
  readonly totalRecordCount?: number;
  readonly invalidRecordCount?: number;
}

/** `detail` of a `Batch Prediction Status Change` event. */
export interface StatusChangeDetail {
  readonly batchPredictionId: string;
  /** The status seen before, or `null` on the run's first observation. */
  readonly previousStatus: BatchPredictionStatus | null;
  readonly status: BatchPredictionStatus;
  /** Deterministic: the same transition always carries the same id, so subscribers can dedupe. */
  readonly eventId: string;
  /** 1-based number of this transition within the run. */
  readonly sequence: number;
  /** When the poller observed the new status (ISO-8601). */
  readonly observedAt: string;
  /** The polling run: stays the same across continue-as-new hand-overs. */
  readonly runId: string;
  readonly batchPrediction: BatchPredictionSnapshot;
  /**
   * Present only when `batchPrediction.message` was cut so that the event fits EventBridge's
   * `PutEvents` entry limit (256 KB): the message keeps its first `keptBytes` UTF-8 bytes.
   * @default - absent: the message is whole
   */
  readonly messageTruncation?: MessageTruncation;
}

/** How `batchPrediction.message` was cut to fit an event (see {@link StatusChangeDetail.messageTruncation}). */
export interface MessageTruncation {
  /** The message's length as Amazon ML returned it, in UTF-8 bytes. */
  readonly originalBytes: number;
  /** The length kept (the start of the message), in UTF-8 bytes. */
  readonly keptBytes: number;
}

/** `detail` of a `Batch Prediction Polling Failed` event. */
export interface PollingFailedDetail {
  readonly batchPredictionId: string;
  readonly reason: PollingFailureReason;
  /** The error name the run failed with, e.g. `BatchPredictionNotFoundError`. */
  readonly error: string;
  /** Human-readable cause. */
  readonly cause: string;
  /** The last status observed in the run, or `null` if none was. */
  readonly lastStatus: BatchPredictionStatus | null;
  /** The polling run, or `null` if it failed before its first poll. */
  readonly runId: string | null;
  readonly observedAt: string;
  readonly eventId: string;
}

/** The ARN of a batch prediction, used as the events' `resources`. */
export function batchPredictionArn(partition: string, region: string, account: string, id: string): string {
  return `arn:${partition}:machinelearning:${region}:${account}:batchprediction/${id}`;
}
