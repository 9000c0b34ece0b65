import { createHash } from 'node:crypto';

// The execution-naming rule is shared with the operator CLI and the local runtime, so it lives in
// the contract; re-exported so that the domain's users keep one import for every id.

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
  return (
    createHash('sha256')
      .update(JSON.stringify(['jitter', runId, poll]))
      .digest()
      .readUInt32BE(0) /
    2 ** 32
  );
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

/**
 * A name for starting a run on input whose id is not a valid Amazon ML id (so it cannot serve as a
 * name); the execution then fails fast with INVALID_INPUT.
 */
export function executionNameForInvalidId(rawId: unknown): string {
  return `invalid-${uuidFrom(['invalid', JSON.stringify(rawId) ?? 'undefined'])}`;
}
