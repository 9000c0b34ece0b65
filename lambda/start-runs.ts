import { StarterRequest } from '../lib/contract';
import { InvalidBatchPredictionInputError } from './domain/errors';
import { validateBatchPredictionId } from './domain/poll-state';
import { BatchPredictionLister, RunStarter, StartOutcome } from './ports-starter';

/** What one starter invocation did, per batch prediction id. */
export interface StartRunsResult {
  /** Ids a run is polling now (started, or already running). */
  readonly running: string[];
  /** Ids whose run already ended. */
  readonly finished: string[];
}

/**
 * Starts a polling run for a batch prediction announced by CloudTrail, or for every PENDING and
 * INPROGRESS batch prediction (the sweep: CloudTrail delivery is best effort and needs a trail).
 * Runs are named after the id, so starting one that is already polled is a no-op.
 *
 * @throws InvalidBatchPredictionInputError for a CloudTrail id that is not an Amazon ML id
 */
export async function startRuns(request: StarterRequest, deps: { lister: BatchPredictionLister; starter: RunStarter }): Promise<StartRunsResult> {
  let ids: string[];
  if (request.source === 'cloudtrail') {
    validateBatchPredictionId(request.batchPredictionId);
    ids = [request.batchPredictionId];
  } else if (request.source === 'sweeper') {
    const [pending, inProgress] = await Promise.all([deps.lister.listIds('PENDING'), deps.lister.listIds('INPROGRESS')]);
    ids = [...new Set([...pending, ...inProgress])].sort();
  } else {
    throw new InvalidBatchPredictionInputError(
      `The starter takes {"source": "cloudtrail", "batchPredictionId": "..."} or {"source": "sweeper"}, got ${JSON.stringify(request)?.slice(0, 200)}`,
    );
  }
  const result: StartRunsResult = { running: [], finished: [] };
  const bucket: Record<StartOutcome, string[]> = { running: result.running, finished: result.finished };
  // One at a time: StartExecution is throttled per account, and a sweep finds few ids.
  for (const id of ids) bucket[await deps.starter.start(id)].push(id);
  return result;
}
