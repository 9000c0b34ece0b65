import type { LatestRun } from '../lib/contract/runs';

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
   * The id's latest run: its highest restart whose first execution exists, and that run's latest
   * execution (following hand-overs); undefined when the id has never had a run.
   */
  latestRun(batchPredictionId: string): Promise<LatestRun | undefined>;
}
