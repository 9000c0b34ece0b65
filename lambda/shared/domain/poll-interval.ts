import type { PollIntervalPolicy } from '../../../lib/contract/poll-interval-policy';

/** Step Functions Wait states take whole seconds. */
const MIN_WAIT_SECONDS = 1;

/**
 * How many seconds to wait before the next poll.
 *
 * @param policy the configured policy
 * @param secondsSinceTransition seconds since the last observed transition (0 right after one)
 * @param random a number in [0, 1) used for jitter (the poll use case passes `jitterFractionFor(runId, poll)`)
 */
export function nextWaitSeconds(policy: PollIntervalPolicy, secondsSinceTransition: number, random: number): number {
  if (policy.kind === 'fixed') return policy.intervalSeconds;
  const base = Math.min(policy.maxSeconds, Math.max(policy.initialSeconds, secondsSinceTransition / 10));
  const jittered = base * (1 - policy.jitterRatio * random);
  return Math.max(MIN_WAIT_SECONDS, Math.floor(jittered));
}

/**
 * The longest a change can go unobserved under `policy` when it happens `secondsSinceTransition`
 * after the previous one: max(initial, 10 % of the elapsed time), capped at the policy's maximum.
 * (Add the poll's own latency, a second or two, for the end-to-end delay.)
 */
export function detectionDelayBoundSeconds(policy: PollIntervalPolicy, secondsSinceTransition: number): number {
  if (policy.kind === 'fixed') return policy.intervalSeconds;
  return Math.min(policy.maxSeconds, Math.max(policy.initialSeconds, secondsSinceTransition / 10));
}
