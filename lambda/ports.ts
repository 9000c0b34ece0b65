import { BatchPredictionSnapshot, BatchPredictionStatus } from '../lib/contract';
import { EventEntry } from './domain/events';

/** Reads a batch prediction's current state (Amazon ML `GetBatchPrediction`). */
export interface BatchPredictionSource {
  get(batchPredictionId: string): Promise<BatchPredictionSnapshot>;
}

/** One history item: a transition, the event that announces it, and whether it went out. */
export interface TransitionRecord {
  readonly batchPredictionId: string;
  /** `<runId>#<sequence, 6 digits>`: the sort key. */
  readonly transitionKey: string;
  readonly runId: string;
  readonly sequence: number;
  readonly status: BatchPredictionStatus;
  readonly previousStatus: BatchPredictionStatus | null;
  readonly eventId: string;
  readonly observedAt: string;
  readonly snapshot: BatchPredictionSnapshot;
  /** The exact `PutEvents` entry, so a retried poll re-publishes the same event. */
  readonly event: EventEntry;
  /** Outbox flag: false until `PutEvents` accepted the event. */
  readonly published: boolean;
}

/** What {@link TransitionHistory.record} did. */
export type RecordOutcome =
  | { readonly created: true }
  | { readonly created: false; readonly existing: TransitionRecord };

/** The DynamoDB history table. */
export interface TransitionHistory {
  /** Writes the record unless one exists at its key; then returns the existing one instead. */
  record(record: TransitionRecord): Promise<RecordOutcome>;
  /** The transition at a key (strongly consistent), if one was written. */
  get(batchPredictionId: string, transitionKey: string): Promise<TransitionRecord | undefined>;
  /** Sets the outbox flag once the event is published. */
  markPublished(record: Pick<TransitionRecord, 'batchPredictionId' | 'transitionKey'>): Promise<void>;
}

/** Publishes events (EventBridge `PutEvents`). Resolves only when every entry was accepted. */
export interface EventSink {
  publish(entries: readonly EventEntry[]): Promise<void>;
}

/** The Step Functions execution a handler runs for, from the context object. */
export interface ExecutionContext {
  readonly id: string;
  readonly name: string;
  readonly startTime: string;
}

/**
 * Which attempt of a task this invocation is, from the context object (`$$.State.RetryCount`,
 * `$$.Execution.RedriveCount`).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
export interface AttemptContext {
  /** Retries of this state so far: 0 on the first attempt. */
  readonly retryCount: number;
  /** Redrives of this execution so far: 0 unless it was redriven. */
  readonly redriveCount: number;
}
