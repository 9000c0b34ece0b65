/**
 * The items of the history table, as the poll handler writes them and the operator CLI reads them.
 * Part of the internal wiring contract (the table's key names are {@link HistoryTable}); pure, no
 * `aws-cdk-lib` or `@aws-sdk/*` import.
 *
 * @packageDocumentation
 */
import type { BatchPredictionSnapshot, BatchPredictionStatus, HistoryTable } from './index';

/**
 * One history item: a transition of one run, and whether its event went out. The poll handler's
 * record adds the exact `PutEvents` entry it publishes (`TransitionRecord` in `lambda/ports.ts`);
 * readers need only these fields.
 */
export interface HistoryItem {
  /** The partition key ({@link HistoryTable.PARTITION_KEY}). */
  readonly batchPredictionId: string;
  /** `<runId>#<sequence, 6 digits>`: the sort key ({@link HistoryTable.SORT_KEY}). */
  readonly transitionKey: string;
  readonly runId: string;
  readonly sequence: number;
  readonly status: BatchPredictionStatus;
  readonly previousStatus: BatchPredictionStatus | null;
  readonly eventId: string;
  readonly observedAt: string;
  readonly snapshot: BatchPredictionSnapshot;
  /** Outbox flag: false until `PutEvents` accepted the event. */
  readonly published: boolean;
}
