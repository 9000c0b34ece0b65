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

/** Starts polling runs (Step Functions `StartExecution`) and lists the running ones (`ListExecutions`). */
export interface RunStarter {
  start(batchPredictionId: string): Promise<StartOutcome>;
  /**
   * Ids that a RUNNING execution polls now, whatever its generation. `ListExecutions` is eventually
   * consistent: an id missing here is started (a no-op if it runs after all), never skipped.
   */
  runningIds(): Promise<ReadonlySet<string>>;
}
