/**
 * The one list of `GetBatchPrediction` fields: every field of {@link BatchPredictionSnapshot}, in
 * the order events carry them, with the name Amazon ML's API gives it and how its value is carried.
 * The snapshot builder, the snapshot's JSON Schema, the local Amazon ML stand-in and its scenario
 * reader all derive their field lists from it.
 */
import type { BatchPredictionSnapshot } from './events';

/**
 * How a field's value is carried: `string` as is, `time` as an ISO-8601 string in events (a `Date`
 * in the SDK's answer, epoch seconds on the wire), `integer` as a whole number.
 */
export type SnapshotFieldKind = 'string' | 'time' | 'integer';

/** One entry of {@link BATCH_PREDICTION_FIELDS}. */
export interface SnapshotField {
  /** The field's name in `GetBatchPrediction`'s answer (PascalCase). */
  readonly apiName: string;
  readonly kind: SnapshotFieldKind;
}

/** The kinds a field of TypeScript type `T` may have: numbers are integers, strings text or times. */
type KindFor<T> = T extends number ? 'integer' : 'string' | 'time';

/**
 * Every field of {@link BatchPredictionSnapshot}, camelCase (as events carry it) to its
 * `GetBatchPrediction` name and kind. The `satisfies` clause makes the compiler check that every
 * snapshot field is listed, that nothing else is, and that each kind fits the field's type.
 * @see https://docs.aws.amazon.com/machine-learning/latest/APIReference/API_GetBatchPrediction.html
 */
export const BATCH_PREDICTION_FIELDS = {
  batchPredictionId: { apiName: 'BatchPredictionId', kind: 'string' },
  mlModelId: { apiName: 'MLModelId', kind: 'string' },
  batchPredictionDataSourceId: { apiName: 'BatchPredictionDataSourceId', kind: 'string' },
  inputDataLocationS3: { apiName: 'InputDataLocationS3', kind: 'string' },
  createdByIamUser: { apiName: 'CreatedByIamUser', kind: 'string' },
  createdAt: { apiName: 'CreatedAt', kind: 'time' },
  lastUpdatedAt: { apiName: 'LastUpdatedAt', kind: 'time' },
  name: { apiName: 'Name', kind: 'string' },
  status: { apiName: 'Status', kind: 'string' },
  outputUri: { apiName: 'OutputUri', kind: 'string' },
  logUri: { apiName: 'LogUri', kind: 'string' },
  message: { apiName: 'Message', kind: 'string' },
  computeTime: { apiName: 'ComputeTime', kind: 'integer' },
  finishedAt: { apiName: 'FinishedAt', kind: 'time' },
  startedAt: { apiName: 'StartedAt', kind: 'time' },
  totalRecordCount: { apiName: 'TotalRecordCount', kind: 'integer' },
  invalidRecordCount: { apiName: 'InvalidRecordCount', kind: 'integer' },
} as const satisfies {
  readonly [K in keyof BatchPredictionSnapshot]-?: SnapshotField & { readonly kind: KindFor<NonNullable<BatchPredictionSnapshot[K]>> };
};

/** A field of {@link BatchPredictionSnapshot}. */
export type SnapshotFieldName = keyof typeof BATCH_PREDICTION_FIELDS;

/** The snapshot's fields in order, camelCase. */
export const SNAPSHOT_FIELD_NAMES = Object.keys(BATCH_PREDICTION_FIELDS) as readonly SnapshotFieldName[];
