import {
  ALL_STATUSES,
  BATCH_PREDICTION_ID_PATTERN,
  type BatchPredictionSnapshot,
  DEFAULT_EVENT_SOURCE,
  DetailType,
  type PollingFailedDetail,
  PollingFailureReason,
  type StatusChangeDetail,
} from './events';
import { BATCH_PREDICTION_FIELDS, SNAPSHOT_FIELD_NAMES, type SnapshotFieldKind } from './snapshot-fields';

/**
 * JSON Schemas (draft-04, the dialect EventBridge schema registries accept besides OpenAPI) of the
 * events the poller publishes, built from the same constants as the TypeScript types. The
 * `satisfies` clauses make the compiler check that every property of each detail interface has a
 * schema and that no schema property is left over, so the types and schemas cannot drift apart.
 * `npm run schemas` writes them to `schemas/`; the stack registers them.
 */

type JsonSchema = Record<string, unknown>;

const isoTime: JsonSchema = { type: 'string', format: 'date-time' };
const status: JsonSchema = { type: 'string', enum: [...ALL_STATUSES] };
const nullableStatus: JsonSchema = { type: ['string', 'null'], enum: [...ALL_STATUSES, null] };
const uuid: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const batchPredictionId: JsonSchema = { type: 'string', pattern: BATCH_PREDICTION_ID_PATTERN.source };

/** The schema of each snapshot field kind; a few fields narrow theirs below. */
const schemaOfKind: Record<SnapshotFieldKind, JsonSchema> = {
  string: { type: 'string' },
  time: isoTime,
  integer: { type: 'integer', minimum: 0 },
};

const snapshotProperties = {
  ...(Object.fromEntries(SNAPSHOT_FIELD_NAMES.map((field) => [field, schemaOfKind[BATCH_PREDICTION_FIELDS[field].kind]])) as Record<
    keyof BatchPredictionSnapshot,
    JsonSchema
  >),
  batchPredictionId,
  status,
  // A presigned query string would leak read access to the log to every subscriber.
  logUri: { type: 'string', pattern: '^[^?#]*$' },
} satisfies Record<keyof BatchPredictionSnapshot, JsonSchema>;

const statusChangeProperties = {
  batchPredictionId,
  previousStatus: nullableStatus,
  status,
  eventId: uuid,
  sequence: { type: 'integer', minimum: 1 },
  observedAt: isoTime,
  runId: { type: 'string', minLength: 1 },
  batchPrediction: {
    type: 'object',
    required: ['batchPredictionId', 'status'],
    additionalProperties: false,
    properties: snapshotProperties,
  },
  messageTruncation: {
    type: 'object',
    required: ['originalBytes', 'keptBytes'],
    additionalProperties: false,
    properties: { originalBytes: { type: 'integer', minimum: 1 }, keptBytes: { type: 'integer', minimum: 0 } },
  },
} satisfies Record<keyof StatusChangeDetail, JsonSchema>;

/** Members of `detail` that only some events carry. */
const OPTIONAL_DETAIL_MEMBERS: ReadonlySet<string> = new Set(['messageTruncation'] satisfies (keyof StatusChangeDetail)[]);

const pollingFailedProperties = {
  // Whatever the run was started with (possibly not a valid id: that is why it failed).
  batchPredictionId: { type: 'string', maxLength: 256 },
  reason: { type: 'string', enum: Object.values(PollingFailureReason) },
  error: { type: 'string', minLength: 1 },
  cause: { type: 'string' },
  lastStatus: nullableStatus,
  runId: { type: ['string', 'null'] },
  observedAt: isoTime,
  eventId: uuid,
} satisfies Record<keyof PollingFailedDetail, JsonSchema>;

function eventSchema(detailType: DetailType, title: string, detailProperties: Record<string, JsonSchema>): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title,
    description: `An EventBridge event of detail-type "${detailType}" published by batch-prediction-poller.`,
    type: 'object',
    required: ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [detailType] },
      // Configurable per deployment; the default is `${DEFAULT_EVENT_SOURCE}`.
      source: { type: 'string', minLength: 1 },
      account: { type: 'string' },
      time: isoTime,
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail: {
        type: 'object',
        required: Object.keys(detailProperties).filter((member) => !OPTIONAL_DETAIL_MEMBERS.has(member)),
        additionalProperties: false,
        properties: detailProperties,
      },
    },
  };
}

/** Schema of `Batch Prediction Status Change` events. */
export const STATUS_CHANGE_EVENT_SCHEMA: JsonSchema = eventSchema(
  DetailType.STATUS_CHANGE,
  'BatchPredictionStatusChange',
  statusChangeProperties,
);

/** Schema of `Batch Prediction Polling Failed` events. */
export const POLLING_FAILED_EVENT_SCHEMA: JsonSchema = eventSchema(
  DetailType.POLLING_FAILED,
  'BatchPredictionPollingFailed',
  pollingFailedProperties,
);

/** Every event schema with the file and registry name it is published under. */
export const EVENT_SCHEMAS: readonly { readonly name: string; readonly detailType: DetailType; readonly schema: JsonSchema }[] = [
  { name: `${DEFAULT_EVENT_SOURCE}@BatchPredictionStatusChange`, detailType: DetailType.STATUS_CHANGE, schema: STATUS_CHANGE_EVENT_SCHEMA },
  {
    name: `${DEFAULT_EVENT_SOURCE}@BatchPredictionPollingFailed`,
    detailType: DetailType.POLLING_FAILED,
    schema: POLLING_FAILED_EVENT_SCHEMA,
  },
];
