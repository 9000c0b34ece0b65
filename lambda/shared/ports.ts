/**
 * The ports of the handlers' use cases: what they need from AWS, as interfaces the adapters in
 * `lambda/shared/adapters/` implement and the tests fake.
 */
import type { BatchPredictionSnapshot } from '../../lib/contract/events';
import type { HistoryItem } from '../../lib/contract/history';
import type { LatestRun } from '../../lib/contract/runs';
import type { EventEntry, StoredEventEntry } from './domain/events';

/** Reads a batch prediction's current state (Amazon ML `GetBatchPrediction`). */
export interface BatchPredictionReader {
  get(batchPredictionId: string): Promise<BatchPredictionSnapshot>;
}

/**
 * One history item: a transition, the event that announces it, and whether it went out. The fields
 * readers use are the contract's {@link HistoryItem} (the operator CLI reads them too).
 */
export interface TransitionRecord extends HistoryItem {
  /**
   * The `PutEvents` entry's envelope (and, in items written before the snapshot was stored once,
   * its `Detail`), so that a retried poll or a later run re-publishes the same event.
   */
  readonly event: StoredEventEntry;
}

/** What {@link HistoryStore.record} did. */
export type RecordOutcome = { readonly created: true } | { readonly created: false; readonly existing: TransitionRecord };

/** The DynamoDB history table. */
export interface HistoryStore {
  /** Writes the record unless one exists at its key; then returns the existing one instead. */
  record(record: TransitionRecord): Promise<RecordOutcome>;
  /** The transition at a key (strongly consistent), if one was written. */
  get(batchPredictionId: string, transitionKey: string): Promise<TransitionRecord | undefined>;
  /**
   * Every transition of the id, of any run, whose event is not yet published (`published: false`),
   * oldest first: what an earlier run recorded and could not send.
   */
  unpublished(batchPredictionId: string): Promise<TransitionRecord[]>;
  /** Sets the outbox flag once the event is published. */
  markPublished(record: Pick<TransitionRecord, 'batchPredictionId' | 'transitionKey'>): Promise<void>;
}

/** Publishes events (EventBridge `PutEvents`). Resolves only when every entry was accepted. */
export interface EventPublisher {
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

/** Lists batch predictions by status (Amazon ML `DescribeBatchPredictions`, paged). */
export interface BatchPredictionLister {
  listIds(status: 'PENDING' | 'INPROGRESS'): Promise<string[]>;
}

/**
 * What starting a run did: `running` — a run is polling it now (just started, or already running:
 * a repeated start is idempotent and indistinguishable); `finished` — a run with its name already
 * ended, so it was polled to the end.
 */
export type StartOutcome = 'running' | 'finished';

/**
 * Starts polling runs (Step Functions `StartExecution`), lists the running ones (`ListExecutions`)
 * and finds a batch prediction's latest run (`DescribeExecution` on the deterministic names).
 */
export interface RunStarter {
  /** Starts the id's first run (`restart` 0) or its restart number `restart`. */
  start(batchPredictionId: string, restart?: number): Promise<StartOutcome>;
  /**
   * Ids that a RUNNING execution polls now, whatever its generation. `ListExecutions` is eventually
   * consistent: an id missing here is started (a no-op if it runs after all), never skipped.
   */
  runningIds(): Promise<ReadonlySet<string>>;
  /**
   * Ids with an execution that ended FAILED or TIMED_OUT at or after `since` (`ListExecutions`
   * with each status filter), whatever their batch prediction's status now: the sweeper revisits
   * them, so that a run that failed is followed by one that reads the job's final status.
   */
  failedSince(since: Date): Promise<ReadonlySet<string>>;
  /**
   * The id's latest run: its highest restart whose first execution exists, and that run's latest
   * execution (following hand-overs); undefined when the id has never had a run.
   */
  latestRun(batchPredictionId: string): Promise<LatestRun | undefined>;
}
