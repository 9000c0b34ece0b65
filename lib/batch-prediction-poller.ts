import { Names } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeGuardFindings, acknowledgeNagFindings } from './poller/acknowledgements';
import { alerting } from './poller/alerting';
import { discovery } from './poller/discovery';
import { encryptionKey } from './poller/encryption-key';
import { historyTable } from './poller/history-table';
import { loopFunctions } from './poller/loop-functions';
import { pollerAlarms, pollerDashboard } from './poller/monitoring';
import { pollLoop } from './poller/poll-loop';
import { type BatchPredictionPollerProps, withDefaults } from './poller/props';
import { schemaRegistry } from './poller/schema-registry';
import { checkRegion, validatePollerProps } from './poller/validation';

// The construct's parts live in lib/poller/, one concern per file; these re-exports keep every
// import of this module working.

/**
 * Polls Amazon ML batch predictions from a Step Functions Standard wait loop and turns every
 * status transition into an EventBridge event and an item in a DynamoDB history table.
 *
 * Start a run with `StartExecution` on {@link stateMachine}, input `{"batchPredictionId": "..."}`,
 * and the id as the execution name so that a second start is a no-op. With discovery on, the
 * sweeper restarts a run that ended before a terminal status as `<id>+r<N>` (see `maxRestarts`).
 *
 * @example
 * new BatchPredictionPoller(this, 'Poller', {
 *   eventBus: events.EventBus.fromEventBusName(this, 'Bus', 'ml-events'),
 *   alertTopic: sns.Topic.fromTopicArn(this, 'OnCall', onCallTopicArn),
 * });
 */
export class BatchPredictionPoller extends Construct {
  /** The bus events are published to. */
  readonly eventBus: events.IEventBus;
  /** The `source` of published events. */
  readonly eventSource: string;
  /** One item per transition; see the README's "History table". */
  readonly historyTable: dynamodb.Table;
  /** Encrypts the alert topic, the dead-letter queue and the log groups. */
  readonly key: kms.Key;
  /** The poll task. */
  readonly pollFunction: lambda.Function;
  /** The failure path's task: publishes `Batch Prediction Polling Failed`. */
  readonly reportFailureFunction: lambda.Function;
  /** The wait loop. */
  readonly stateMachine: sfn.StateMachine;
  /** Where alerts go. */
  readonly alertTopic: sns.ITopic;
  /** Matches status changes to FAILED. */
  readonly failedStatusRule: events.Rule;
  /** Matches failed polling runs. */
  readonly pollingFailedRule: events.Rule;
  /**
   * Dead-letter queue of the rule targets (and of the alert email subscription, if any): events
   * EventBridge could not deliver after its retries land here, and so do the invocation records of
   * starter invocations that failed after Lambda's retries (its on-failure destination). Encrypted
   * with {@link key}, TLS only, messages kept 14 days.
   */
  readonly deadLetterQueue: sqs.Queue;
  /**
   * Fires on any message in {@link deadLetterQueue}: an alert was not delivered, or the starter
   * failed for good. Notifies `deadLetterAlarmTopic` if given, else {@link alertTopic}.
   */
  readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  /** Fires on any failed execution of {@link stateMachine} (`ExecutionsFailed` ≥ 1). */
  readonly executionsFailedAlarm: cloudwatch.Alarm;
  /** Fires on any timed-out execution of {@link stateMachine} (`ExecutionsTimedOut` ≥ 1). */
  readonly executionsTimedOutAlarm: cloudwatch.Alarm;
  /** Fires on errors of {@link pollFunction} that persist: `Errors` ≥ 1 in each of 3 consecutive 5-minute periods. */
  readonly pollErrorsAlarm: cloudwatch.Alarm;
  /** Fires on throttling of {@link pollFunction} that persists: `Throttles` ≥ 1 in each of 3 consecutive 5-minute periods. */
  readonly pollThrottlesAlarm: cloudwatch.Alarm;
  /** Fires on any error of {@link reportFailureFunction} (`Errors` ≥ 1). */
  readonly reportFailureErrorsAlarm: cloudwatch.Alarm;
  /** Fires on any throttled invocation of {@link reportFailureFunction} (`Throttles` ≥ 1). */
  readonly reportFailureThrottlesAlarm: cloudwatch.Alarm;
  /**
   * Every alarm above, and with discovery the starter's: its errors and throttles, and
   * `RestartsExhausted` (an unfinished batch prediction that nothing polls any more). Each one
   * notifies {@link alertTopic}, but the dead-letter-queue alarm `deadLetterAlarmTopic` if given.
   */
  readonly alarms: cloudwatch.Alarm[];
  /** Starts runs for discovered batch predictions (undefined when discovery is off). */
  readonly starterFunction?: lambda.Function;
  /** CloudTrail `CreateBatchPrediction` → starter, on the default bus (undefined when discovery is off). */
  readonly discoveryRule?: events.Rule;
  /** The sweeper's schedule (undefined when discovery is off). */
  readonly sweeperRule?: events.Rule;
  /** The registry holding the event schemas (undefined when turned off). */
  readonly schemaRegistry?: eventschemas.CfnRegistry;
  /** Runs, transitions, errors, Lambda duration and cold starts, dead letters at a glance. */
  readonly dashboard: cloudwatch.Dashboard;

  /**
   * @param scope the construct it is created in (usually a stack in us-east-1 or eu-west-1)
   * @param id the construct id; it is part of every logical ID below it, so keep it across deployments
   * @param props the settings, each optional (see {@link BatchPredictionPollerProps})
   * @throws PollerConfigError when a prop is out of range, naming the prop, the value and the fix
   * @throws MachineLearningRegionError when the stack's region is one Amazon ML does not run in
   */
  constructor(scope: Construct, id: string, props: BatchPredictionPollerProps = {}) {
    super(scope, id);
    // Settings: checked before any resource exists, then every default applied in one place.
    validatePollerProps(props);
    const settings = withDefaults(props);
    checkRegion(this, settings.machineLearningRegions);
    const { eventSource, logRetention } = settings;
    const maxRunSeconds = settings.maxRunDuration.toSeconds();
    this.eventSource = eventSource;

    // Ground floor: the key, the bus, the history.
    this.key = encryptionKey(this);
    this.eventBus = props.eventBus ?? new events.EventBus(this, 'EventBus', { description: 'Amazon ML batch prediction status changes' });
    this.historyTable = historyTable(this, settings.historyRemovalPolicy);

    // The wait loop: its two functions and the state machine.
    const { key, eventBus } = this;
    const loop = { ...settings, key, eventBus, historyTable: this.historyTable, maxRunSeconds };
    const { pollFunction, reportFailureFunction } = loopFunctions(this, loop);
    this.pollFunction = pollFunction;
    this.reportFailureFunction = reportFailureFunction;
    const stateMachineName = settings.stateMachineName ?? Names.uniqueResourceName(this, { maxLength: 80, separator: '-' });
    this.stateMachine = pollLoop(this, { stateMachineName, pollFunction, reportFailureFunction, maxRunSeconds, logRetention, key });

    // Alerting: the topic, the dead-letter queue, the FAILED and Polling Failed rules.
    const alerts = alerting(this, { ...settings, key, eventBus });
    this.alertTopic = alerts.alertTopic;
    this.deadLetterQueue = alerts.deadLetterQueue;
    this.failedStatusRule = alerts.failedStatusRule;
    this.pollingFailedRule = alerts.pollingFailedRule;

    // Discovery: the starter, its CloudTrail rule and the sweeper.
    if (settings.discovery) {
      const { stateMachine, deadLetterQueue } = this;
      const found = discovery(this, { ...settings, key, stateMachine, stateMachineName, deadLetterQueue, delivery: alerts.delivery });
      this.starterFunction = found.starterFunction;
      this.discoveryRule = found.discoveryRule;
      this.sweeperRule = found.sweeperRule;
    }
    if (settings.schemaRegistry) this.schemaRegistry = schemaRegistry(this);

    // Alarms and the dashboard.
    const alarms = pollerAlarms(this, this, { ...settings, alertTopic: this.alertTopic });
    this.deadLetterQueueAlarm = alarms.deadLetterQueueAlarm;
    this.executionsFailedAlarm = alarms.executionsFailedAlarm;
    this.executionsTimedOutAlarm = alarms.executionsTimedOutAlarm;
    this.pollErrorsAlarm = alarms.pollErrorsAlarm;
    this.pollThrottlesAlarm = alarms.pollThrottlesAlarm;
    this.reportFailureErrorsAlarm = alarms.reportFailureErrorsAlarm;
    this.reportFailureThrottlesAlarm = alarms.reportFailureThrottlesAlarm;
    this.alarms = [...alarms.alarms];
    this.dashboard = pollerDashboard(this, this);

    // The cdk-nag and cfn-guard findings that stay, each with its reason.
    acknowledgeNagFindings(this, this, stateMachineName);
    acknowledgeGuardFindings(this, this, logRetention);
  }
}
