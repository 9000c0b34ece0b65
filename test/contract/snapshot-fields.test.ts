import type { GetBatchPredictionOutput } from '@aws-sdk/client-machine-learning';
import { BATCH_PREDICTION_FIELDS, SNAPSHOT_FIELD_NAMES, STATUS_CHANGE_EVENT_SCHEMA } from '../../lib/events';
import { toSnapshot } from '../../lambda/shared/domain/snapshot';
import { TIMELINE_FIELDS } from '../../local/scenarios/scenario';

/**
 * The compile-time half: every field the SDK's `GetBatchPrediction` answer has is in the one field
 * list (a new SDK field fails `tsc` here until it is added to `lib/contract/snapshot-fields.ts`).
 */
type ListedApiName = (typeof BATCH_PREDICTION_FIELDS)[keyof typeof BATCH_PREDICTION_FIELDS]['apiName'];
type UnlistedSdkField = Exclude<keyof GetBatchPredictionOutput, ListedApiName | '$metadata'>;
const everySdkFieldListed: [UnlistedSdkField] extends [never] ? true : UnlistedSdkField = true;

const snapshotSchemaProperties = (STATUS_CHANGE_EVENT_SCHEMA as { properties: { detail: { properties: Record<string, unknown> } } })
  .properties.detail.properties.batchPrediction as { properties: Record<string, unknown> };

describe('the GetBatchPrediction field list (lib/contract/snapshot-fields.ts)', () => {
  it('covers every field of the SDK answer (checked by tsc)', () => {
    expect(everySdkFieldListed).toBe(true);
  });

  it('is what the snapshot schema describes, in the same order', () => {
    expect(Object.keys(snapshotSchemaProperties.properties)).toEqual(SNAPSHOT_FIELD_NAMES);
  });

  it('is what toSnapshot copies: an answer with every field gives a snapshot with every field', () => {
    const at = new Date('2026-01-05T10:00:00.000Z');
    const answer: Record<string, unknown> = {};
    for (const field of SNAPSHOT_FIELD_NAMES) {
      const { apiName, kind } = BATCH_PREDICTION_FIELDS[field];
      answer[apiName] = kind === 'time' ? at : kind === 'integer' ? 7 : `${field}-value`;
    }
    answer.Status = 'COMPLETED';
    answer.BatchPredictionId = 'bp-1';
    expect(Object.keys(toSnapshot('bp-1', answer))).toEqual(SNAPSHOT_FIELD_NAMES);
  });

  it('less the id and status, is what a scenario timeline entry may set', () => {
    expect([...TIMELINE_FIELDS, 'batchPredictionId', 'status'].sort()).toEqual([...SNAPSHOT_FIELD_NAMES].sort());
  });
});
