/**
 * Whether an invocation may follow an attempt of the same poll that failed after writing: true
 * unless the context says for certain that this is the first attempt of a never-redriven
 * execution. Anything else (a retry, a redrive, or an `attempt` that is missing or malformed, as
 * from a definition deployed before it was passed) counts as "may", because the cost of a wrong
 * "may" is one strongly consistent read and the cost of a wrong "may not" is a delayed event.
 */
export function mayFollowFailedAttempt(attempt: unknown): boolean {
  if (typeof attempt !== 'object' || attempt === null) return true;
  const { retryCount, redriveCount } = attempt as Record<string, unknown>;
  return !(retryCount === 0 && redriveCount === 0);
}
