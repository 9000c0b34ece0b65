/** How the stack configures the Lambda handlers: the names of the environment variables it sets. */

/**
 * Names of the environment variables through which the stack configures the Lambda handlers.
 */
export const EnvVar = {
  /** Name of the event bus events are published to. */
  EVENT_BUS_NAME: 'POLLER_EVENT_BUS_NAME',
  /** The `source` of published events. */
  EVENT_SOURCE: 'POLLER_EVENT_SOURCE',
  /** Name of the DynamoDB history table. */
  HISTORY_TABLE_NAME: 'POLLER_HISTORY_TABLE_NAME',
  /** JSON of `PollIntervalPolicy` (`./poll-interval-policy`). */
  POLL_INTERVAL_POLICY: 'POLLER_POLL_INTERVAL_POLICY',
  /** Whole seconds a polling run may last before it fails with reason TIMED_OUT. */
  MAX_RUN_SECONDS: 'POLLER_MAX_RUN_SECONDS',
  /** Polls one execution makes before it continues as a new execution. */
  MAX_POLLS_PER_EXECUTION: 'POLLER_MAX_POLLS_PER_EXECUTION',
  /** Account id, used to build batch prediction ARNs for the events' `resources`. */
  ACCOUNT_ID: 'POLLER_ACCOUNT_ID',
  /** Partition (`aws`, `aws-cn`, ...), used to build ARNs. */
  PARTITION: 'POLLER_PARTITION',
  /** The state machine the starter starts runs on. */
  STATE_MACHINE_ARN: 'POLLER_STATE_MACHINE_ARN',
  /** Automatic restarts per batch prediction the sweeper may start (a whole number, 0 to `MAX_AUTOMATIC_RESTARTS` (`./defaults`)). */
  MAX_RESTARTS: 'POLLER_MAX_RESTARTS',
  /** Whole seconds restart N waits after the previous run ended, times 2^(N-1). */
  RESTART_BACKOFF_SECONDS: 'POLLER_RESTART_BACKOFF_SECONDS',
} as const satisfies Record<string, `POLLER_${string}`>;
