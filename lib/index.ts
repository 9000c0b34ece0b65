/**
 * Package entry: the construct, its options, and the event contract subscribers code against.
 * @packageDocumentation
 */
export * from './contract';
export { EVENT_SCHEMAS, POLLING_FAILED_EVENT_SCHEMA, STATUS_CHANGE_EVENT_SCHEMA } from './contract/schemas';
export { BatchPredictionPoller, MACHINE_LEARNING_REGIONS, MachineLearningRegionError } from './batch-prediction-poller';
export type { BatchPredictionPollerProps } from './batch-prediction-poller';
export { BatchPredictionPollerStack, StackOutput } from './batch-prediction-poller-stack';
export type { BatchPredictionPollerStackProps } from './batch-prediction-poller-stack';
export { PollInterval } from './poll-interval';
export type { AdaptivePollIntervalOptions } from './poll-interval';
