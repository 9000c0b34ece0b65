import { createHash } from 'node:crypto';
import { BATCH_PREDICTION_ID_PATTERN } from '../../lib/contract';

/**
 * Formats 16 bytes of a SHA-256 digest as a UUID (version nibble 5, RFC 4122 variant) so ids look
 * like the ones EventBridge users already store, yet are derived from their inputs.
 */
function uuidFrom(parts: readonly (string | number | null)[]): string {
  const bytes = createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of a status-change event: the same run, sequence and status always give the same id, so a
 * transition published twice (a retried poll) can be deduplicated by subscribers.
 */
export function statusChangeEventId(runId: string, sequence: number, status: string): string {
  return uuidFrom(['status-change', runId, sequence, status]);
}

/**
 * The jitter of a run's `poll`-th wait, a number in [0, 1): a hash of the run id and the poll
 * number rather than a random draw. Runs still spread out (their ids differ), a retried poll waits
 * exactly what its first attempt would have, and a replay of the same timeline, as the local
 * runtime does, waits the same whatever order concurrent runs happen to interleave in.
 */
export function jitterFractionFor(runId: string, poll: number): number {
  return createHash('sha256').update(JSON.stringify(['jitter', runId, poll])).digest().readUInt32BE(0) / 2 ** 32;
}

/** The id of a polling-failed event: one per failed execution. */
export function pollingFailedEventId(executionId: string, error: string): string {
  return uuidFrom(['polling-failed', executionId, error]);
}

/**
 * The id of a polling run: the ISO start time of the execution that began it, then its name. It
 * sorts runs of one batch prediction chronologically in the history table, and stays the same
 * across continue-as-new hand-overs and retried polls.
 */
export function runIdFor(executionStartTime: string, executionName: string): string {
  return `${executionStartTime}/${executionName}`;
}

/** Suffix separator of hand-over executions; `+` is allowed in execution names but not in ids. */
const GENERATION_SEPARATOR = '+g';

/** Suffix separator of restarted runs, before any generation suffix: `<id>+r<N>[+g<M>]`. */
const RESTART_SEPARATOR = '+r';

/**
 * The highest restart number a run name may carry (automatic and operator restarts together). With
 * a 64-character id, `+r99` and a generation suffix of up to 10 digits the name stays within Step
 * Functions' 80 characters.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export const MAX_RESTART_NUMBER = 99;

/** What an execution name of ours says: the id polled, which run of it, which execution of that run. */
export interface ExecutionNameParts {
  readonly batchPredictionId: string;
  /** 0 for the id's first run, N for its N-th restart. */
  readonly restart: number;
  /** 1 for the execution that started the run, +1 per continue-as-new hand-over. */
  readonly generation: number;
}

/**
 * The execution name for a batch prediction's polling run: `<id>` for the first execution of the
 * first run, `+r<N>` for the N-th restart, `+g<M>` for the M-th execution of a run (hand-overs).
 * Starting a Standard execution twice with the same name and input is idempotent, so a second
 * start of a running id (or of the same restart) is a no-op.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export function executionNameFor(batchPredictionId: string, generation = 1, restart = 0): string {
  const restartSuffix = restart >= 1 ? `${RESTART_SEPARATOR}${restart}` : '';
  const generationSuffix = generation > 1 ? `${GENERATION_SEPARATOR}${generation}` : '';
  return `${batchPredictionId}${restartSuffix}${generationSuffix}`;
}

/** `<id>`, then an optional `+r<N>` and an optional `+g<M>`, numbers without leading zeros. */
const EXECUTION_NAME_PARTS = /^([^+]+)(?:\+r([1-9]\d*))?(?:\+g([1-9]\d*))?$/;

/**
 * The id, restart and generation an execution name of ours carries (the inverse of
 * {@link executionNameFor}); undefined for a name no run of ours carries.
 */
export function parseExecutionName(executionName: string): ExecutionNameParts | undefined {
  const match = EXECUTION_NAME_PARTS.exec(executionName);
  if (match === null || !BATCH_PREDICTION_ID_PATTERN.test(match[1])) return undefined;
  const restart = match[2] === undefined ? 0 : Number(match[2]);
  const generation = match[3] === undefined ? 1 : Number(match[3]);
  // `+g1` is never produced: the first execution of a run carries no generation suffix.
  if (generation === 1 && match[3] !== undefined) return undefined;
  return { batchPredictionId: match[1], restart, generation };
}

/**
 * The batch prediction id an execution polls, from its name (the inverse of
 * {@link executionNameFor}); undefined for a name no run of ours carries.
 */
export function batchPredictionIdOfExecutionName(executionName: string): string | undefined {
  return parseExecutionName(executionName)?.batchPredictionId;
}

/**
 * A name for starting a run on input whose id is not a valid Amazon ML id (so it cannot serve as a
 * name); the execution then fails fast with INVALID_INPUT.
 */
export function executionNameForInvalidId(rawId: unknown): string {
  return `invalid-${uuidFrom(['invalid', JSON.stringify(rawId) ?? 'undefined'])}`;
}
