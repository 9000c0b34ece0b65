/**
 * Defaults and limits of a deployment both sides need: the construct (its props' `@default`) and
 * the handlers (when a variable is unset).
 */

/** How often the sweeper looks for batch predictions no run is polling. */
export const DEFAULT_SWEEP_MINUTES = 15;

/** Automatic restarts per batch prediction unless configured otherwise. */
export const DEFAULT_MAX_RESTARTS = 3;

/**
 * The most automatic restarts a deployment may allow: with the default 15-minute base, the tenth
 * waits 15 min × 2^9 ≈ 5.3 days, about as long as an Amazon ML batch prediction may run (7 days).
 */
export const MAX_AUTOMATIC_RESTARTS = 10;

/**
 * Restart N of a batch prediction is not started before `DEFAULT_RESTART_BACKOFF_SECONDS × 2^(N-1)`
 * after the previous run ended: 15 min, 30 min, 1 h for the default three, so a dependency outage
 * has time to pass and a persistent failure does not cost a run every sweep.
 */
export const DEFAULT_RESTART_BACKOFF_SECONDS = 15 * 60;

/**
 * Amazon ML batch predictions run at most 7 days; a run gets an hour more before it is declared
 * TIMED_OUT.
 */
export const DEFAULT_MAX_RUN_SECONDS = 7 * 24 * 3600 + 3600;

/**
 * Polls one execution makes before continuing as a new one. A poll costs about 9 history events
 * (task: 5, choice: 2, wait: 2); 1,000 polls stay far below Step Functions' 25,000-event limit even
 * with retries. @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const DEFAULT_MAX_POLLS_PER_EXECUTION = 1000;
