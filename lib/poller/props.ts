import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { DEFAULT_EVENT_SOURCE } from '../contract/events';
import {
  DEFAULT_MAX_POLLS_PER_EXECUTION,
  DEFAULT_MAX_RESTARTS,
  DEFAULT_MAX_RUN_SECONDS,
  DEFAULT_RESTART_BACKOFF_SECONDS,
  DEFAULT_SWEEP_MINUTES,
  MAX_AUTOMATIC_RESTARTS,
} from '../contract/defaults';
import { PollInterval } from './poll-interval';

/**
 * The default of each {@link BatchPredictionPollerProps} prop that has one (each `@default` names
 * its member here). A class of constants rather than module-level constants so that jsii carries
 * them into every language (Python: `PollerDefaults.MAX_RUN_DURATION`).
 */
export class PollerDefaults {
  /**
   * Default of `machineLearningRegions`: the regions Amazon Machine Learning runs in (it takes no
   * new customers and gets no new regions). Frozen: a copy is yours to change.
   * https://docs.aws.amazon.com/general/latest/gr/machinelearning.html
   */
  static readonly MACHINE_LEARNING_REGIONS: string[] = Object.freeze(['us-east-1', 'eu-west-1']) as string[];
  /** Default of `eventSource`. */
  static readonly EVENT_SOURCE: string = DEFAULT_EVENT_SOURCE;
  /** Default of `maxRunDuration`: a batch prediction runs at most 7 days, and a run gets an hour more. */
  static readonly MAX_RUN_DURATION: Duration = Duration.seconds(DEFAULT_MAX_RUN_SECONDS);
  /** Default of `maxPollsPerExecution`: far below Step Functions' 25,000-event history limit. */
  static readonly MAX_POLLS_PER_EXECUTION: number = DEFAULT_MAX_POLLS_PER_EXECUTION;
  /** Default of `historyRemovalPolicy`: the history is the record, it outlives the stack. */
  static readonly HISTORY_REMOVAL_POLICY: RemovalPolicy = RemovalPolicy.RETAIN;
  /** Default of `logRetention`: debugging logs (the history table is the record). */
  static readonly LOG_RETENTION: logs.RetentionDays = logs.RetentionDays.ONE_MONTH;
  /** Default of `targetRetryAttempts`: EventBridge's maximum. */
  static readonly TARGET_RETRY_ATTEMPTS: number = 185;
  /** Default of `targetMaxEventAge`: EventBridge's maximum. */
  static readonly TARGET_MAX_EVENT_AGE: Duration = Duration.hours(24);
  /** Default of `discovery`: on. */
  static readonly DISCOVERY: boolean = true;
  /** Default of `sweepInterval`. */
  static readonly SWEEP_INTERVAL: Duration = Duration.minutes(DEFAULT_SWEEP_MINUTES);
  /** Default of `maxRestarts`. */
  static readonly MAX_RESTARTS: number = DEFAULT_MAX_RESTARTS;
  /** Default of `restartBackoff`. */
  static readonly RESTART_BACKOFF: Duration = Duration.seconds(DEFAULT_RESTART_BACKOFF_SECONDS);
  /** Default of `schemaRegistry`: on. */
  static readonly SCHEMA_REGISTRY: boolean = true;

  private constructor() {}
}

/**
 * The limits {@link BatchPredictionPollerProps} enforces (each one is in its prop's docs too).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html (target retry policy)
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (execution history)
 */
export class PollerPropLimits {
  /** `eventSource`: EventBridge's `Source` is 1 to 256 characters. */
  static readonly EVENT_SOURCE_MAX_LENGTH: number = 256;
  /** `maxRunDuration`: at least a minute. */
  static readonly MIN_RUN_SECONDS: number = 60;
  /** `maxRunDuration`: the state machine's timeout (this plus an hour) must stay below a year. */
  static readonly MAX_RUN_SECONDS: number = 365 * 24 * 3600 - 7200;
  /** `maxPollsPerExecution`: 2,000 polls × ~9 history events stays below 20,000, leaving room for retries under 25,000. */
  static readonly MAX_POLLS_PER_EXECUTION: number = 2000;
  /** `maxRestarts`: from 0 to this. */
  static readonly MAX_RESTARTS: number = MAX_AUTOMATIC_RESTARTS;
  /** `restartBackoff` and `sweepInterval`: from 1 minute. */
  static readonly MIN_INTERVAL_SECONDS: number = 60;
  /** `restartBackoff` and `sweepInterval`: up to 1 day (beyond it the sweeper would miss whole jobs). */
  static readonly MAX_INTERVAL_SECONDS: number = 86400;
  /** `stateMachineName`: Step Functions' limit. */
  static readonly STATE_MACHINE_NAME_MAX_LENGTH: number = 80;
  /** `targetRetryAttempts`: EventBridge's maximum. */
  static readonly MAX_TARGET_RETRY_ATTEMPTS: number = 185;
  /** `targetMaxEventAge`: from 1 minute. */
  static readonly MIN_TARGET_MAX_EVENT_AGE_SECONDS: number = 60;
  /** `targetMaxEventAge`: EventBridge's maximum, 24 hours. */
  static readonly MAX_TARGET_MAX_EVENT_AGE_SECONDS: number = 24 * 3600;

  private constructor() {}
}

/** Properties of {@link BatchPredictionPoller}. */
export interface BatchPredictionPollerProps {
  /**
   * The bus events are published to.
   * @default - a new event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The `source` of published events: 1 to 256 characters, not starting with `aws.` (reserved for
   * AWS services).
   * @default PollerDefaults.EVENT_SOURCE - 'batch-prediction-poller'
   */
  readonly eventSource?: string;
  /**
   * How long to wait between polls (its own limits: see {@link PollInterval}).
   * @default PollInterval.adaptive() - 30 s after a change, growing to 5 min while nothing changes
   */
  readonly pollInterval?: PollInterval;
  /**
   * How long a polling run may last before it fails with reason TIMED_OUT. Amazon ML batch
   * predictions run at most 7 days. From 1 minute to 364 days.
   * @default PollerDefaults.MAX_RUN_DURATION - Duration.hours(169), 7 days and 1 hour
   */
  readonly maxRunDuration?: Duration;
  /**
   * Polls one execution makes before it continues as a new execution, keeping every execution far
   * below Step Functions' 25,000-event history limit. A whole number from 1 to 2000.
   * @default PollerDefaults.MAX_POLLS_PER_EXECUTION - 1000
   */
  readonly maxPollsPerExecution?: number;
  /**
   * The topic alerts go to (FAILED batch predictions, failed polling runs, alarms). A topic you
   * bring must let `events.amazonaws.com` and `cloudwatch.amazonaws.com` publish (and, if it is
   * encrypted with a customer managed key, use that key); the construct grants this only on the
   * topic it creates.
   * @default - a new topic, encrypted with {@link BatchPredictionPoller.key}, TLS only
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * An email address subscribed to the alert topic (`name@domain.tld`).
   * @default - no subscription
   */
  readonly alertEmail?: string;
  /**
   * What happens to the history table when the stack is deleted.
   * @default PollerDefaults.HISTORY_REMOVAL_POLICY - RemovalPolicy.RETAIN
   */
  readonly historyRemovalPolicy?: RemovalPolicy;
  /**
   * How long logs are kept.
   * @default PollerDefaults.LOG_RETENTION - logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The state machine's name. It must be known at synthesis time because the state machine starts
   * itself to continue as a new execution. 1 to 80 characters of letters, digits, `_` and `-`.
   * @default - a unique name derived from the construct path
   */
  readonly stateMachineName?: string;
  /**
   * How many times EventBridge retries delivering a matched event to a rule target of this
   * construct (the alert topic) before it sends the event to {@link BatchPredictionPoller.deadLetterQueue}.
   * A whole number from 0 to 185.
   * @default PollerDefaults.TARGET_RETRY_ATTEMPTS - 185, EventBridge's maximum
   */
  readonly targetRetryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event it could not deliver to a rule target of this
   * construct before it sends it to {@link BatchPredictionPoller.deadLetterQueue}. From 1 minute to 24 hours.
   * @default PollerDefaults.TARGET_MAX_EVENT_AGE - Duration.hours(24), EventBridge's maximum
   */
  readonly targetMaxEventAge?: Duration;
  /**
   * Track every batch prediction of the account without wiring: a rule on the default bus starts
   * a run when CloudTrail reports `CreateBatchPrediction`, and a scheduled sweeper starts one for
   * every PENDING or INPROGRESS batch prediction not already polled (CloudTrail delivery is best
   * effort and needs a trail).
   * @default PollerDefaults.DISCOVERY - true
   */
  readonly discovery?: boolean;
  /**
   * How often the sweeper runs, when discovery is on. A whole number of minutes (an EventBridge
   * rate expression) from 1 minute to 1 day.
   * @default PollerDefaults.SWEEP_INTERVAL - Duration.minutes(15)
   */
  readonly sweepInterval?: Duration;
  /**
   * How many times the sweeper restarts polling a batch prediction whose run ended (FAILED,
   * TIMED_OUT or ABORTED: retries exhausted, a crash, the deadline) while Amazon ML still reports it
   * PENDING or INPROGRESS. Each restart is a new run, named `<id>+r<N>`. A whole number from 0
   * (never) to 10.
   * @default PollerDefaults.MAX_RESTARTS - 3
   */
  readonly maxRestarts?: number;
  /**
   * How long after the previous run ended the sweeper may start restart 1; restart N waits
   * `restartBackoff × 2^(N-1)`. From 1 minute to 1 day, whole seconds.
   * @default PollerDefaults.RESTART_BACKOFF - Duration.minutes(15)
   */
  readonly restartBackoff?: Duration;
  /**
   * Register the event schemas (JSON Schema draft-04) in a new EventBridge schema registry, so
   * subscribers can download code bindings for them.
   * @default PollerDefaults.SCHEMA_REGISTRY - true
   */
  readonly schemaRegistry?: boolean;
  /**
   * The regions Amazon ML runs in. Synthesis fails for a stack in any other region (every run would
   * fail and the sweeper would error at every sweep); a region-agnostic stack gets a warning.
   * Override it only if Amazon ML has added a region. A non-empty list of region names such as
   * `us-east-1`.
   * @default PollerDefaults.MACHINE_LEARNING_REGIONS - us-east-1 and eu-west-1
   */
  readonly machineLearningRegions?: string[];
  /**
   * The topic the dead-letter-queue alarm notifies. That alarm means an alert was not delivered,
   * possibly because the alert topic itself (its policy, key or subscriptions) is what failed, so
   * point it at a second channel: another topic with its own subscription (e.g. a pager). It must
   * let `cloudwatch.amazonaws.com` publish (and use its key, if encrypted).
   * @default - the alert topic (then the alarm cannot tell you that the alert topic is broken)
   */
  readonly deadLetterAlarmTopic?: sns.ITopic;
}

/** {@link BatchPredictionPollerProps} with every default applied (the props without one stay optional). */
export type ResolvedPollerProps = Required<
  Omit<BatchPredictionPollerProps, 'eventBus' | 'alertTopic' | 'alertEmail' | 'stateMachineName' | 'deadLetterAlarmTopic'>
> &
  Pick<BatchPredictionPollerProps, 'eventBus' | 'alertTopic' | 'alertEmail' | 'stateMachineName' | 'deadLetterAlarmTopic'>;

/** `props` with the defaults above applied: the one place a default is chosen. */
export function withDefaults(props: BatchPredictionPollerProps): ResolvedPollerProps {
  return {
    ...props,
    eventSource: props.eventSource ?? DEFAULT_EVENT_SOURCE,
    pollInterval: props.pollInterval ?? PollInterval.adaptive(),
    maxRunDuration: props.maxRunDuration ?? PollerDefaults.MAX_RUN_DURATION,
    maxPollsPerExecution: props.maxPollsPerExecution ?? DEFAULT_MAX_POLLS_PER_EXECUTION,
    historyRemovalPolicy: props.historyRemovalPolicy ?? PollerDefaults.HISTORY_REMOVAL_POLICY,
    logRetention: props.logRetention ?? PollerDefaults.LOG_RETENTION,
    targetRetryAttempts: props.targetRetryAttempts ?? PollerDefaults.TARGET_RETRY_ATTEMPTS,
    targetMaxEventAge: props.targetMaxEventAge ?? PollerDefaults.TARGET_MAX_EVENT_AGE,
    discovery: props.discovery ?? PollerDefaults.DISCOVERY,
    sweepInterval: props.sweepInterval ?? PollerDefaults.SWEEP_INTERVAL,
    maxRestarts: props.maxRestarts ?? DEFAULT_MAX_RESTARTS,
    restartBackoff: props.restartBackoff ?? PollerDefaults.RESTART_BACKOFF,
    schemaRegistry: props.schemaRegistry ?? PollerDefaults.SCHEMA_REGISTRY,
    machineLearningRegions: props.machineLearningRegions ?? PollerDefaults.MACHINE_LEARNING_REGIONS,
  };
}
