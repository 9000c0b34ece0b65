/**
 * Package entry (`.`): the construct, its props and their defaults and limits, the poll interval,
 * the deployable stack and the settings errors. It is also the jsii entry: everything exported here
 * is in the `.jsii` assembly and so in every jsii language (see `API.md`). The subscribers' events
 * contract is the `./events` entry.
 * @packageDocumentation
 */
export { BatchPredictionPoller } from './batch-prediction-poller';
export type { BatchPredictionPollerProps } from './poller/props';
export { PollerDefaults, PollerPropLimits } from './poller/props';
export { MachineLearningRegionError } from './poller/validation';
export { PollerConfigError } from './contract/config-error';
export { LambdaAssetsMissingError } from './poller/lambda-assets';
export { BatchPredictionPollerStack } from './batch-prediction-poller-stack';
export type { BatchPredictionPollerStackProps } from './batch-prediction-poller-stack';
export type { PollerAppConfig } from './config';
export { PollInterval } from './poller/poll-interval';
export type { AdaptivePollIntervalOptions } from './poller/poll-interval';
