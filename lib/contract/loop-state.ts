/** What the state machine carries between polls, and what the starter function is invoked with. */
import type { BatchPredictionStatus } from './events';

/**
 * The loop state the state machine carries between polls (and across continue-as-new
 * hand-overs). A run is started with just `{ "batchPredictionId": "..." }`.
 */
export interface PollState {
  readonly batchPredictionId: string;
  readonly runId: string;
  readonly runStartedAt: string;
  readonly lastStatus: BatchPredictionStatus | null;
  readonly lastTransitionAt: string | null;
  readonly sequence: number;
  /** 1 for the execution that started the run, +1 per continue-as-new hand-over. */
  readonly generation: number;
  readonly pollsThisExecution: number;
  readonly polls: number;
  readonly waitSeconds: number;
  readonly terminal: boolean;
  readonly continueAsNew: boolean;
  /** Present when `continueAsNew` is true: the next execution's name and input. */
  readonly continuation?: { readonly executionName: string; readonly input: PollStateInput };
}

/** The keys a run's input may carry: the id alone, or the state handed over by a previous execution. */
export type PollStateInput = Pick<PollState, 'batchPredictionId'> &
  Partial<Pick<PollState, 'runId' | 'runStartedAt' | 'lastStatus' | 'lastTransitionAt' | 'sequence' | 'generation' | 'polls'>>;

/**
 * Every key of {@link PollState}, once: `satisfies` makes the compiler reject a key missing from
 * this table and a key `PollState` does not have, so the list cannot drift from the type.
 */
const POLL_STATE_KEYS = {
  batchPredictionId: true,
  runId: true,
  runStartedAt: true,
  lastStatus: true,
  lastTransitionAt: true,
  sequence: true,
  generation: true,
  polls: true,
  pollsThisExecution: true,
  waitSeconds: true,
  terminal: true,
  continueAsNew: true,
  continuation: true,
} as const satisfies Record<keyof PollState, true>;

/**
 * Keys allowed in a run's input or loop state (every key of {@link PollState}); anything else (a
 * typo such as `batchPredictionID`) is rejected as INVALID_INPUT. Keys the handler computes itself
 * are accepted and recomputed.
 */
export const POLL_STATE_INPUT_KEYS: readonly string[] = Object.keys(POLL_STATE_KEYS);

/**
 * What the starter function is invoked with: a batch prediction id announced by CloudTrail
 * (`CreateBatchPrediction`), or a sweep of every PENDING and INPROGRESS batch prediction.
 */
export type StarterRequest = { readonly source: 'cloudtrail'; readonly batchPredictionId: string } | { readonly source: 'sweeper' };

/**
 * The `batchPredictionId` a loop state, run input or event detail names, whatever else it holds
 * (or `undefined` when it names none as a string): the one place that reads the id out of an
 * untyped value. Whether the id is valid is `validateBatchPredictionId`'s to say.
 */
export function batchPredictionIdIn(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id = (value as { readonly batchPredictionId?: unknown }).batchPredictionId;
  return typeof id === 'string' ? id : undefined;
}
