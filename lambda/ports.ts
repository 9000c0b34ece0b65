import type { BatchPredictionSnapshot } from '../lib/contract';
import type { HistoryItem } from '../lib/contract/history';
import type { EventEntry } from './domain/events';

/** Reads a batch prediction's current state (Amazon ML `GetBatchPrediction`). */
export interface BatchPredictionSource {
  get(batchPredictionId: string): Promise<BatchPredictionSnapshot>;
}

/**
 * One history item: a transition, the event that announces it, and whether it went out. The fields
 * readers use are the contract's {@link HistoryItem} (the operator CLI reads them too).
 */
export interface TransitionRecord extends HistoryItem {
  /** The exact `PutEvents` entry, so a retried poll re-publishes the same event. */
  readonly event: EventEntry;
}

/** What {@link TransitionHistory.record} did. */
export type RecordOutcome = { readonly created: true } | { readonly created: false; readonly existing: TransitionRecord };

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
