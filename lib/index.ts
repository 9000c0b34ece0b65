/**
 * Package entry: the construct, its options, and the event contract subscribers code against.
 * @packageDocumentation
 */
export * from './contract';
export { EVENT_SCHEMAS, POLLING_FAILED_EVENT_SCHEMA, STATUS_CHANGE_EVENT_SCHEMA } from './events/schemas';
export { BatchPredictionPoller, MACHINE_LEARNING_REGIONS, MachineLearningRegionError, PollerConfigError } from './batch-prediction-poller';
export type { BatchPredictionPollerProps } from './batch-prediction-poller';
export {
  DEFAULT_DISCOVERY,
  DEFAULT_HISTORY_REMOVAL_POLICY,
  DEFAULT_LOG_RETENTION,
  DEFAULT_MAX_RUN_DURATION,
  DEFAULT_RESTART_BACKOFF,
  DEFAULT_SCHEMA_REGISTRY,
  DEFAULT_SWEEP_INTERVAL,
  DEFAULT_TARGET_MAX_EVENT_AGE,
  DEFAULT_TARGET_RETRY_ATTEMPTS,
  PROP_LIMITS,
} from './poller/props';
export { BatchPredictionPollerStack, StackOutput } from './batch-prediction-poller-stack';
export type { BatchPredictionPollerStackProps } from './batch-prediction-poller-stack';
export { PollInterval } from './poll-interval';
export type { AdaptivePollIntervalOptions } from './poll-interval';
