import { type BatchPredictionSnapshot, isBatchPredictionStatus } from '../../lib/contract';
import { UnknownBatchPredictionStatusError } from './errors';

/**
 * A `GetBatchPrediction` answer as the SDK returns it (PascalCase, dates as `Date`). Declared here
 * structurally so that the domain imports no SDK.
 */
export interface GetBatchPredictionAnswer {
  readonly BatchPredictionId?: string;
  readonly MLModelId?: string;
  readonly BatchPredictionDataSourceId?: string;
  readonly InputDataLocationS3?: string;
  readonly CreatedByIamUser?: string;
  readonly CreatedAt?: Date;
  readonly LastUpdatedAt?: Date;
  readonly Name?: string;
  readonly Status?: string;
  readonly OutputUri?: string;
  readonly LogUri?: string;
  readonly Message?: string;
  readonly ComputeTime?: number;
  readonly FinishedAt?: Date;
  readonly StartedAt?: Date;
  readonly TotalRecordCount?: number;
  readonly InvalidRecordCount?: number;
}

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
  const snapshot: Record<string, unknown> = {
    batchPredictionId: answer.BatchPredictionId ?? requestedId,
    mlModelId: answer.MLModelId,
    batchPredictionDataSourceId: answer.BatchPredictionDataSourceId,
    inputDataLocationS3: answer.InputDataLocationS3,
    createdByIamUser: answer.CreatedByIamUser,
    createdAt: iso(answer.CreatedAt),
    lastUpdatedAt: iso(answer.LastUpdatedAt),
    name: answer.Name,
    status: answer.Status,
    outputUri: answer.OutputUri,
    logUri: answer.LogUri === undefined ? undefined : withoutPresignedQuery(answer.LogUri),
    message: answer.Message,
    computeTime: answer.ComputeTime,
    finishedAt: iso(answer.FinishedAt),
    startedAt: iso(answer.StartedAt),
    totalRecordCount: answer.TotalRecordCount,
    invalidRecordCount: answer.InvalidRecordCount,
  };
  for (const key of Object.keys(snapshot)) {
    if (snapshot[key] === undefined) delete snapshot[key];
  }
  return snapshot as unknown as BatchPredictionSnapshot;
}

function iso(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : date.toISOString();
}
