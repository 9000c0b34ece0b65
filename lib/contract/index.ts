/**
 * The internal wiring contract between the stack, the Lambda handlers, the local runtime and the
 * operator CLI, one concern per file:
 *
 * - `environment.ts`: the environment variables the stack sets for the handlers;
 * - `loop-state.ts`: the state the loop carries between polls, its allowed keys, the starter's input;
 * - `errors.ts`: the error names the state machine matches, and the lists it retries;
 * - `history.ts`: the history table's keys, sort key layout (`transitionKeyOf`) and items;
 * - `stack-outputs.ts`: the stack's name and outputs the CLI and the local runtime look up;
 * - `observability.ts`: the `service` name and the CloudWatch metrics;
 * - `defaults.ts`: the defaults and limits both the construct and the handlers apply;
 * - `poll-interval-policy.ts`: the policy type, its default, and the check both sides run.
 *
 * Imported by their own path, not re-exported here (they are no part of the package entry, which
 * re-exports this module): `handlers.ts` (template metadata naming each function's handler) and
 * `runs.ts` (execution naming, finding and restarting runs).
 *
 * The subscribers' part (`events.ts`, `schemas.ts`, `snapshot-fields.ts`: what the poller publishes)
 * is what the package's `./events` entry (`lib/events/index.ts`) re-exports. Nothing here imports `aws-cdk-lib`, `constructs` or `@aws-sdk/*` (the layering test
 * pins it), so that it bundles into the Lambda for free.
 *
 * @packageDocumentation
 */

export * from './events';
export * from './schemas';
export * from './snapshot-fields';
export * from './defaults';
export * from './environment';
export * from './errors';
export * from './history';
export * from './loop-state';
export * from './observability';
export { DEFAULT_POLL_INTERVAL_POLICY, type PollIntervalPolicy } from './poll-interval-policy';
export * from './stack-outputs';
