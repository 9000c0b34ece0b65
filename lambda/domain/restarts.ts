/**
 * When the sweeper restarts a run that ended before its batch prediction reached a terminal status.
 * Pure: the adapter finds the latest run, this decides, the use case acts.
 */
import { MAX_AUTOMATIC_RESTARTS } from '../../lib/contract';
import { AUTOMATIC_RESTART_STATUSES, type LatestRun } from '../../lib/contract/runs';

// The run shape and the restart statuses are shared with the operator CLI (`watch --restart`), so
// they live in the contract; re-exported for the domain's users.
export { AUTOMATIC_RESTART_STATUSES, RESTARTABLE_EXECUTION_STATUSES } from '../../lib/contract/runs';
export type { LatestRun } from '../../lib/contract/runs';

/** How many automatic restarts, and how far apart. */
export interface RestartPolicy {
  /** Automatic restarts per batch prediction; 0 turns them off. */
  readonly maxRestarts: number;
  /** Restart N waits `backoffBaseSeconds × 2^(N-1)` after the previous run ended. */
  readonly backoffBaseSeconds: number;
}

/**
 * What to do about a batch prediction that is still PENDING or INPROGRESS and that no RUNNING
 * execution polls:
 * - `running`: its latest execution has not ended (ListExecutions lagged, or a redrive is pending);
 * - `finished`: its latest run SUCCEEDED, so it saw a terminal status (the listing is older than
 *   that poll); never restarted;
 * - `stopped`: its latest run was ABORTED: someone stopped it (`StopExecution`), so the sweeper
 *   leaves it stopped; an operator restarts it with `watch --restart`;
 * - `restart`: start restart `restart` now;
 * - `backoff`: restart `restart` is due at `notBefore`, a later sweep starts it;
 * - `exhausted`: the latest run failed and `restarts` automatic restarts were used up.
 */
export type RestartDecision =
  | { readonly kind: 'running' }
  | { readonly kind: 'finished' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'restart'; readonly restart: number }
  | { readonly kind: 'backoff'; readonly restart: number; readonly notBefore: string }
  | { readonly kind: 'exhausted'; readonly restarts: number };

/** Seconds restart `restart` (1-based) waits after the previous run ended: `base × 2^(restart-1)`. */
export function restartSpacingSeconds(restart: number, backoffBaseSeconds: number): number {
  return backoffBaseSeconds * 2 ** (Math.max(1, restart) - 1);
}

/**
 * Decides whether to restart, from the latest run and the policy. A run that SUCCEEDED is never
 * restarted: it ended at a terminal status (or handed over, and the latest run is its last
 * execution). An ended execution without a stop time counts as ended `now`.
 */
export function decideRestart(latest: LatestRun, policy: RestartPolicy, now: Date): RestartDecision {
  if (latest.status === 'SUCCEEDED') return { kind: 'finished' };
  if (latest.status === 'ABORTED') return { kind: 'stopped' };
  if (!AUTOMATIC_RESTART_STATUSES.includes(latest.status)) return { kind: 'running' };
  const next = latest.restart + 1;
  if (next > policy.maxRestarts) return { kind: 'exhausted', restarts: policy.maxRestarts };
  const stoppedMs = latest.stoppedAt === undefined ? NaN : Date.parse(latest.stoppedAt);
  const dueMs = (Number.isFinite(stoppedMs) ? stoppedMs : now.getTime()) + restartSpacingSeconds(next, policy.backoffBaseSeconds) * 1000;
  if (now.getTime() < dueMs) return { kind: 'backoff', restart: next, notBefore: new Date(dueMs).toISOString() };
  return { kind: 'restart', restart: next };
}

/**
 * Problems with a {@link RestartPolicy} (empty when valid): `maxRestarts` a whole number from 0 to
 * {@link MAX_AUTOMATIC_RESTARTS}, `backoffBaseSeconds` a whole number ≥ 1.
 */
export function restartPolicyProblems(policy: RestartPolicy): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxRestarts) || policy.maxRestarts < 0 || policy.maxRestarts > MAX_AUTOMATIC_RESTARTS) {
    problems.push(`maxRestarts must be a whole number from 0 to ${MAX_AUTOMATIC_RESTARTS}, got ${policy.maxRestarts}`);
  }
  if (!Number.isInteger(policy.backoffBaseSeconds) || policy.backoffBaseSeconds < 1) {
    problems.push(`backoffBaseSeconds must be a whole number ≥ 1, got ${policy.backoffBaseSeconds}`);
  }
  return problems;
}
