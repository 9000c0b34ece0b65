/**
 * The subscribers' contract: what the poller publishes to EventBridge. Statuses, detail types,
 * failure reasons, the `detail` and snapshot types, the batch prediction ARN, and the events' JSON
 * Schemas.
 *
 * This entry (`batch-prediction-poller/events`) imports nothing from `aws-cdk-lib`, `constructs`,
 * the AWS SDK or Node built-ins, so that a subscriber's Lambda can import it at no cost.
 *
 * @packageDocumentation
 */

export * from '../contract/events';
export * from '../contract/schemas';
export * from '../contract/snapshot-fields';
