/** The `service` name and the CloudWatch metrics the handlers emit and the dashboard graphs. */

/** The `service` of logs and metrics. */
export const SERVICE_NAME = 'batch-prediction-poller';

/**
 * The CloudWatch metrics the handlers emit (embedded metric format, through Powertools Metrics)
 * and the dashboard graphs. Every metric carries the dimension `service` = {@link SERVICE_NAME}.
 */
export const PollerMetric = {
  NAMESPACE: 'BatchPredictionPoller',
  /** Count, with dimension `status`: transitions published, by the status reached. */
  STATUS_TRANSITIONS: 'StatusTransitions',
  /** Count: polls that ended in an error (before any Step Functions retry). */
  POLL_ERRORS: 'PollErrors',
  /**
   * Count: restarts the sweeper started (a run had ended before a terminal status). Two sweep
   * invocations at the same moment (EventBridge delivers at least once) both count a restart their
   * idempotent start shares: the run is one, the count may be two.
   */
  RUN_RESTARTS: 'RunRestarts',
  /**
   * Count, once per sweep and batch prediction: a PENDING or INPROGRESS batch prediction whose
   * automatic restarts are used up, so nothing polls it (restart it with `watch --restart`).
   */
  RESTARTS_EXHAUSTED: 'RestartsExhausted',
  /** Count, with dimension `function_name`: cold starts (Powertools' own metric name). */
  COLD_START: 'ColdStart',
} as const;
