/**
 * The history table as the poll handler writes it and the operator CLI reads it: its key names, the
 * sort key's layout, and its items. Part of the internal wiring contract; pure, no `aws-cdk-lib` or
 * `@aws-sdk/*` import.
 *
 * @packageDocumentation
 */
import type { BatchPredictionSnapshot, BatchPredictionStatus, MessageTruncation } from './events';

/**
 * One history item: a transition of one run, and whether its event went out. The poll handler's
 * record adds the exact `PutEvents` entry it publishes (`TransitionRecord` in `lambda/shared/ports.ts`);
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
  /** The batch prediction as read, stored once: the event's `detail` is rebuilt from the item. */
  readonly snapshot: BatchPredictionSnapshot;
  /** Set when `snapshot.message` was cut so that the event fits `PutEvents` (the event says so too). */
  readonly messageTruncation?: MessageTruncation;
  /** Outbox flag: false until `PutEvents` accepted the event. */
  readonly published: boolean;
}

/**
 * Key attribute names and layout of the history table.
 *
 * One item per transition: partition key `batchPredictionId`, sort key `transitionKey` =
 * `<runId>#<sequence, 6 digits>`. Because a run id starts with the run's ISO start time, a query on
 * one batch prediction returns every transition of every run in order, and the last item is the
 * latest known status.
 */
export const HistoryTable = {
  PARTITION_KEY: 'batchPredictionId',
  SORT_KEY: 'transitionKey',
} as const satisfies { readonly PARTITION_KEY: keyof HistoryItem; readonly SORT_KEY: keyof HistoryItem };

/**
 * The history table's sort key ({@link HistoryTable.SORT_KEY}): run id, then the sequence
 * zero-padded to 6 digits so that it sorts numerically.
 */
export function transitionKeyOf(runId: string, sequence: number): string {
  return `${runId}#${String(sequence).padStart(6, '0')}`;
}
