import type { BatchPredictionStatus } from '../../../lib/contract/events';

/** A change of status the poller observed. */
export interface Transition {
  readonly previousStatus: BatchPredictionStatus | null;
  readonly status: BatchPredictionStatus;
  /** 1-based number of the transition within its run. */
  readonly sequence: number;
}

/**
 * Returns the transition from `lastStatus` to `observed`, or `undefined` when nothing changed.
 * The first observation of a run (`lastStatus === null`) is always a transition, so subscribers
 * learn where a job stood when polling began.
 */
export function detectTransition(
  lastStatus: BatchPredictionStatus | null,
  observed: BatchPredictionStatus,
  lastSequence: number,
): Transition | undefined {
  if (lastStatus === observed) return undefined;
  return { previousStatus: lastStatus, status: observed, sequence: lastSequence + 1 };
}
