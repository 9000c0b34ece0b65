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

/** Starts polling runs (Step Functions `StartExecution`). */
export interface RunStarter {
  start(batchPredictionId: string): Promise<StartOutcome>;
}
