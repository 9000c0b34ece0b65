/**
 * The internal wiring contract between the stack, the Lambda handlers, the local runtime and the
 * operator CLI: environment variable names, loop state, error names and retry lists, history table
 * keys, stack outputs and defaults. Subscribers code against `lib/events` instead, which this module
 * re-exports for the wiring's own convenience.
 *
 * This module imports nothing from `aws-cdk-lib` or `@aws-sdk/*` so that it bundles into the
 * Lambda for free.
 *
 * @packageDocumentation
 */

import type { BatchPredictionStatus } from '../events';

export * from '../events';

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
  /** JSON of {@link PollIntervalPolicy}. */
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
  /** Automatic restarts per batch prediction the sweeper may start (a whole number, 0 to {@link MAX_AUTOMATIC_RESTARTS}). */
  MAX_RESTARTS: 'POLLER_MAX_RESTARTS',
  /** Whole seconds restart N waits after the previous run ended, times 2^(N-1). */
  RESTART_BACKOFF_SECONDS: 'POLLER_RESTART_BACKOFF_SECONDS',
} as const;

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
 * What the starter function is invoked with: a batch prediction id announced by CloudTrail
 * (`CreateBatchPrediction`), or a sweep of every PENDING and INPROGRESS batch prediction.
 */
export type StarterRequest = { readonly source: 'cloudtrail'; readonly batchPredictionId: string } | { readonly source: 'sweeper' };

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

/** The stack name the app deploys (`bin/app.ts`), and the CLI looks for by default. */
export const DEFAULT_STACK_NAME = 'BatchPredictionPoller';

/** Names of the stack outputs; the CLI and the local runtime find resources through them. */
export const StackOutput = {
  STATE_MACHINE_ARN: 'StateMachineArn',
  EVENT_BUS_NAME: 'EventBusName',
  HISTORY_TABLE_NAME: 'HistoryTableName',
  ALERT_TOPIC_ARN: 'AlertTopicArn',
} as const;

/** One of {@link StackOutput}. */
export type StackOutputName = (typeof StackOutput)[keyof typeof StackOutput];

/** The `service` of logs and metrics. */
export const SERVICE_NAME = 'batch-prediction-poller';

/** How often the sweeper looks for batch predictions no run is polling. */
export const DEFAULT_SWEEP_MINUTES = 15;

/**
 * How long the state machine waits between polls.
 *
 * - `adaptive`: the first poll happens at once; after every poll that sees no change the wait is a
 *   tenth of the time since the last observed transition, never below `initialSeconds` and never
 *   above `maxSeconds`, so it grows geometrically (×1.1 per poll) while nothing happens and resets on
 *   every transition. Up to `jitterRatio` of the wait is taken off at random so that runs started
 *   together do not poll in lockstep; taking it off (never adding) keeps the detection-delay bound.
 * - `fixed`: always `intervalSeconds`.
 */
export type PollIntervalPolicy =
  | {
      readonly kind: 'adaptive';
      readonly initialSeconds: number;
      readonly maxSeconds: number;
      readonly jitterRatio: number;
    }
  | { readonly kind: 'fixed'; readonly intervalSeconds: number };

/** The poll-interval policy used when none is configured. */
export const DEFAULT_POLL_INTERVAL_POLICY: PollIntervalPolicy = {
  kind: 'adaptive',
  initialSeconds: 30,
  maxSeconds: 300,
  jitterRatio: 0.1,
};

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

/**
 * Key attribute names and layout of the history table.
 *
 * One item per transition: partition key `batchPredictionId`, sort key `transitionKey` =
 * `<runId>#<sequence, 6 digits>`. Because a run id starts with the run's ISO start time, a query on
 * one batch prediction returns every transition of every run in order, and the last item is the
 * latest known status.
 */
export const HistoryTable = {
  PARTITION_KEY: 'batchPredictionId',
  SORT_KEY: 'transitionKey',
} as const;

/**
 * The loop state the state machine carries between polls (and across continue-as-new
 * hand-overs). A run is started with just `{ "batchPredictionId": "..." }`.
 */
export interface PollState {
  readonly batchPredictionId: string;
  readonly runId: string;
  readonly runStartedAt: string;
  readonly lastStatus: BatchPredictionStatus | null;
  readonly lastTransitionAt: string | null;
  readonly sequence: number;
  /** 1 for the execution that started the run, +1 per continue-as-new hand-over. */
  readonly generation: number;
  readonly pollsThisExecution: number;
  readonly polls: number;
  readonly waitSeconds: number;
  readonly terminal: boolean;
  readonly continueAsNew: boolean;
  /** Present when `continueAsNew` is true: the next execution's name and input. */
  readonly continuation?: { readonly executionName: string; readonly input: PollStateInput };
}

/** The keys a run's input may carry: the id alone, or the state handed over by a previous execution. */
export type PollStateInput = Pick<PollState, 'batchPredictionId'> &
  Partial<Pick<PollState, 'runId' | 'runStartedAt' | 'lastStatus' | 'lastTransitionAt' | 'sequence' | 'generation' | 'polls'>>;

/**
 * Keys allowed in a run's input or loop state; anything else (a typo such as `batchPredictionID`)
 * is rejected as INVALID_INPUT. Keys the handler computes itself are accepted and recomputed.
 */
export const POLL_STATE_INPUT_KEYS: readonly string[] = [
  'batchPredictionId',
  'runId',
  'runStartedAt',
  'lastStatus',
  'lastTransitionAt',
  'sequence',
  'generation',
  'polls',
  'pollsThisExecution',
  'waitSeconds',
  'terminal',
  'continueAsNew',
  'continuation',
];

/**
 * Names of the errors the handlers throw. Step Functions matches `Retry` and `Catch` on them, so
 * they are part of the contract between the Lambda and the state machine.
 */
export const PollerErrorName = {
  INVALID_INPUT: 'InvalidBatchPredictionInputError',
  /**
   * The run's input is not a JSON object (a string, a number, an array, a boolean, null). A name of
   * its own because the state machine cannot merge the error into such an input (`ResultPath`
   * needs an object): it catches this one without the error output, and fails the run with
   * {@link PollerErrorName.INVALID_INPUT} all the same.
   */
  INPUT_NOT_AN_OBJECT: 'RunInputNotAnObjectError',
  NOT_FOUND: 'BatchPredictionNotFoundError',
  UNKNOWN_STATUS: 'UnknownBatchPredictionStatusError',
  ACCESS_DENIED: 'PollerAccessDeniedError',
  MACHINE_LEARNING_UNAVAILABLE: 'MachineLearningUnavailableError',
  MACHINE_LEARNING_REQUEST: 'MachineLearningRequestError',
  HISTORY_STORE_UNAVAILABLE: 'HistoryStoreUnavailableError',
  HISTORY_STORE_REQUEST: 'HistoryStoreRequestError',
  EVENT_PUBLISH: 'EventPublishError',
  EVENT_BUS_NOT_FOUND: 'EventBusNotFoundError',
  EVENT_REJECTED: 'EventRejectedError',
  DEADLINE_EXCEEDED: 'PollingDeadlineExceededError',
  CONFIGURATION: 'PollerConfigurationError',
} as const;

/** Errors worth retrying: the dependency may answer next time. */
export const TRANSIENT_ERROR_NAMES: readonly string[] = [
  PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
  PollerErrorName.HISTORY_STORE_UNAVAILABLE,
  PollerErrorName.EVENT_PUBLISH,
];

/**
 * Errors the Lambda service itself raises; retried as the Step Functions best practice says.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 */
export const LAMBDA_SERVICE_ERROR_NAMES: readonly string[] = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * Errors of a function that died instead of returning or throwing: `Lambda.Unknown` is how the
 * Lambda integration reports an unhandled failure (out of memory, a crashed runtime, a timeout),
 * `Sandbox.Timedout` a function timeout on current runtimes. Retried a few times: the usual cause
 * (a hung dependency, a bad host) passes, and a retried poll finds what a crashed attempt wrote.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
 */
export const LAMBDA_CRASH_ERROR_NAMES: readonly string[] = ['Lambda.Unknown', 'Sandbox.Timedout'];
