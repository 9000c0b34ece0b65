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
 * Runs are named after the id, so starting one that is already polled is a no-op; the sweep still
 * skips the ids a running execution polls (one `ListExecutions` instead of a `StartExecution` per
 * job in flight, which at a thousand jobs was a thousand calls every sweep).
 *
 * @throws InvalidBatchPredictionInputError for a CloudTrail id that is not an Amazon ML id
 */
export async function startRuns(request: StarterRequest, deps: { lister: BatchPredictionLister; starter: RunStarter }): Promise<StartRunsResult> {
  let ids: string[];
  let running: ReadonlySet<string> = new Set();
  if (request.source === 'cloudtrail') {
    validateBatchPredictionId(request.batchPredictionId);
    ids = [request.batchPredictionId];
  } else if (request.source === 'sweeper') {
    const [pending, inProgress, runningIds] = await Promise.all([deps.lister.listIds('PENDING'), deps.lister.listIds('INPROGRESS'), deps.starter.runningIds()]);
    ids = [...new Set([...pending, ...inProgress])].sort();
    running = runningIds;
  } else {
    throw new InvalidBatchPredictionInputError(
      `The starter takes {"source": "cloudtrail", "batchPredictionId": "..."} or {"source": "sweeper"}, got ${JSON.stringify(request)?.slice(0, 200)}`,
    );
  }
  const result: StartRunsResult = { running: [], finished: [] };
  const bucket: Record<StartOutcome, string[]> = { running: result.running, finished: result.finished };
  // One at a time: StartExecution is throttled per account, and a sweep finds few ids.
  for (const id of ids) bucket[running.has(id) ? 'running' : await deps.starter.start(id)].push(id);
  return result;
}
