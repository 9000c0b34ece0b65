import { BATCH_PREDICTION_FIELDS, SNAPSHOT_FIELD_NAMES, type SnapshotFieldKind } from '../../../lib/contract/snapshot-fields';
import { type BatchPredictionSnapshot, isBatchPredictionStatus } from '../../../lib/contract/events';
import { UnknownBatchPredictionStatusError } from './errors';

type Fields = typeof BATCH_PREDICTION_FIELDS;

/** What the SDK carries a field of kind `K` as. */
type SdkValue<K extends SnapshotFieldKind> = K extends 'time' ? Date : K extends 'integer' ? number : string;

/**
 * A `GetBatchPrediction` answer as the SDK returns it (PascalCase, dates as `Date`), derived from
 * {@link BATCH_PREDICTION_FIELDS} so that the domain imports no SDK and lists no field twice.
 */
export type GetBatchPredictionAnswer = {
  readonly [F in keyof Fields as Fields[F]['apiName']]?: SdkValue<Fields[F]['kind']>;
};

/**
 * Removes the query string and fragment of a presigned URL: its signature grants read access to the
 * log for whoever holds it, and events are broadcast to every subscriber of the bus.
 */
export function withoutPresignedQuery(uri: string): string {
  const cut = uri.search(/[?#]/);
  return cut === -1 ? uri : uri.slice(0, cut);
}

/**
 * Turns a `GetBatchPrediction` answer into the snapshot that events and history carry: camelCase,
 * ISO-8601 dates, absent fields left out, `logUri` without its presigned query.
 *
 * @throws UnknownBatchPredictionStatusError when the status is not one the contract knows
 */
export function toSnapshot(requestedId: string, answer: GetBatchPredictionAnswer): BatchPredictionSnapshot {
  if (!isBatchPredictionStatus(answer.Status)) {
    throw new UnknownBatchPredictionStatusError(answer.Status);
  }
  // The requested id first, so that it keeps its place when the answer carries the id itself.
  const snapshot: Record<string, unknown> = { batchPredictionId: requestedId };
  for (const field of SNAPSHOT_FIELD_NAMES) {
    const { apiName, kind } = BATCH_PREDICTION_FIELDS[field];
    const value = (answer as Readonly<Record<string, unknown>>)[apiName];
    if (value !== undefined) snapshot[field] = kind === 'time' ? (value as Date).toISOString() : value;
  }
  if (typeof snapshot.logUri === 'string') snapshot.logUri = withoutPresignedQuery(snapshot.logUri);
  return snapshot as unknown as BatchPredictionSnapshot;
}
