/**
 * When the sweeper restarts a run that ended before its batch prediction reached a terminal status.
 * Pure: the adapter finds the latest run, this decides, the use case acts.
 */
import { MAX_AUTOMATIC_RESTARTS } from '../../../lib/contract/defaults';
import { PollerErrorName } from '../../../lib/contract/errors';
import { AUTOMATIC_RESTART_STATUSES, type LatestRun, MAX_RESTART_NUMBER } from '../../../lib/contract/runs';

// The run shape and the restart statuses are shared with the operator CLI (`watch --restart`), so
// they live in the contract; re-exported for the domain's users.

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

/**
 * Restarts after a run that ended `NOT_FOUND` that may go past `maxRestarts`: such a run was an
 * early start (before Amazon ML knew the id), not a fault, so it takes no restart of the budget's
 * and waits for no backoff; the allowance only bounds a listing that keeps naming an id that
 * `GetBatchPrediction` keeps not finding.
 */
export const NOT_FOUND_RESTART_ALLOWANCE = 3;

/** What is known of the batch prediction besides its runs. */
export interface RestartContext {
  /**
   * Something says the id exists now: Amazon ML lists it PENDING or INPROGRESS, or CloudTrail
   * announced its `CreateBatchPrediction`. Only then is a run that ended `NOT_FOUND`, or on bad
   * input, restarted.
   */
  readonly idExists: boolean;
}

/**
 * How long after a failed run ended the sweeper still revisits it, whatever Amazon ML now says of
 * the job (its final status may be recorded and unpublished, or never read): the spacing of the
 * last restart the policy allows, plus a day for the sweeps in between.
 */
export function revisitWindowSeconds(policy: RestartPolicy): number {
  return restartSpacingSeconds(Math.max(1, policy.maxRestarts), policy.backoffBaseSeconds) + 24 * 3600;
}

/** Seconds restart `restart` (1-based) waits after the previous run ended: `base × 2^(restart-1)`. */
export function restartSpacingSeconds(restart: number, backoffBaseSeconds: number): number {
  return backoffBaseSeconds * 2 ** (Math.max(1, restart) - 1);
}

/**
 * Decides whether to restart, from the latest run and the policy. A run that SUCCEEDED is never
 * restarted: it ended at a terminal status (or handed over, and the latest run is its last
 * execution). An ended execution without a stop time counts as ended `now`. A run that ended
 * `NOT_FOUND` is restarted at once when `context.idExists` (see {@link NOT_FOUND_RESTART_ALLOWANCE}),
 * and is `finished` otherwise: nothing says the id was ever created. A run that failed on bad input
 * (an execution started by hand with the wrong input, or a name that is no batch prediction id) is
 * restarted, with the input the sweeper builds, only when `context.idExists`: else it read nothing
 * and recorded nothing, so a restart has nothing to send and no job to follow.
 */
export function decideRestart(
  latest: LatestRun,
  policy: RestartPolicy,
  now: Date,
  context: RestartContext = { idExists: true },
): RestartDecision {
  if (latest.status === 'SUCCEEDED') return { kind: 'finished' };
  if (latest.status === 'ABORTED') return { kind: 'stopped' };
  if (!AUTOMATIC_RESTART_STATUSES.includes(latest.status)) return { kind: 'running' };
  const next = latest.restart + 1;
  if (!context.idExists && (latest.error === PollerErrorName.INVALID_INPUT || latest.error === PollerErrorName.INPUT_NOT_AN_OBJECT)) {
    return { kind: 'finished' };
  }
  if (latest.error === PollerErrorName.NOT_FOUND) {
    // Not found then; restarted at once once something says the id exists, else left alone.
    if (!context.idExists) return { kind: 'finished' };
    const bound = Math.min(policy.maxRestarts + NOT_FOUND_RESTART_ALLOWANCE, MAX_RESTART_NUMBER);
    return next > bound ? { kind: 'exhausted', restarts: bound } : { kind: 'restart', restart: next };
  }
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
