import * as path from 'node:path';
import { Annotations, ArnFormat, CfnElement, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPredictionStatus,
  DEFAULT_EVENT_SOURCE,
  DEFAULT_MAX_POLLS_PER_EXECUTION,
  DEFAULT_MAX_RESTARTS,
  DEFAULT_RESTART_BACKOFF_SECONDS,
  MAX_AUTOMATIC_RESTARTS,
  DEFAULT_MAX_RUN_SECONDS,
  DetailType,
  EnvVar,
  HistoryTable,
  LAMBDA_CRASH_ERROR_NAMES,
  LAMBDA_SERVICE_ERROR_NAMES,
  ALL_STATUSES,
  DEFAULT_SWEEP_MINUTES,
  PollerErrorName,
  PollerMetric,
  SERVICE_NAME,
  StarterRequest,
  TRANSIENT_ERROR_NAMES,
} from './contract';
import { AlertTopicTarget } from './alert-topic-target';
import { EVENT_SCHEMAS } from './contract/schemas';
import { PollInterval } from './poll-interval';

/** Template metadata key naming a function's source entry and handler factory, for the local runtime. */
export const LOCAL_HANDLER_METADATA = 'batch-prediction-poller:handler';

/** The factories each handler entry builds its `handler` export with (named in that metadata). */
export const HANDLER_FACTORY = {
  POLL: 'createPollHandler',
  REPORT_FAILURE: 'createReportFailureHandler',
  STARTER: 'createStarterHandler',
} as const;

/**
 * How the handlers are bundled: the exact `bundling` options of their `NodejsFunction`s, exported so
 * that `npm run bench` and `test/infrastructure/bundling.test.ts` measure what is deployed.
 *
 * - Every package is bundled: the Lambda runtime's built-in SDK lacks the Amazon ML client.
 * - `mainFields: ['module', 'main']` picks the packages' ES module builds, which esbuild
 *   tree-shakes (the CommonJS builds are one file per package and keep every command).
 * - The Amazon ML client (3.523.0, the last one published) depends on older copies of the SDK
 *   runtime, its own credential chain with STS/SSO clients among them. The aliases make it use
 *   the one, newer runtime the DynamoDB and EventBridge clients already bring: the same package
 *   where it is a newer version of itself, else the `@smithy/core` / `@aws-sdk/core` submodule that
 *   package became. esbuild fails the build if an alias lacks an export the client imports; the
 *   bundle's behaviour (credentials, endpoints, signing, errors, retries) is proven by running it
 *   against local stand-ins in `test/infrastructure/bundling.test.ts`.
 */
export const HANDLER_BUNDLING: BundlingOptions = {
  externalModules: [],
  minify: true,
  sourceMap: false,
  format: OutputFormat.CJS,
  mainFields: ['module', 'main'],
  target: 'node22',
  forceDockerBundling: false,
  esbuildArgs: Object.fromEntries(
    Object.entries({
      '@aws-sdk/core': '@aws-sdk/core',
      '@aws-sdk/credential-provider-node': '@aws-sdk/credential-provider-node',
      '@aws-sdk/util-endpoints': '@aws-sdk/core/client',
      '@smithy/core': '@smithy/core',
      '@smithy/credential-provider-imds': '@smithy/credential-provider-imds',
      '@smithy/node-http-handler': '@smithy/node-http-handler',
      '@smithy/signature-v4': '@smithy/signature-v4',
      '@smithy/types': '@smithy/types',
      '@smithy/config-resolver': '@smithy/core/config',
      '@smithy/middleware-endpoint': '@smithy/core/endpoints',
      '@smithy/middleware-retry': '@smithy/core/retry',
      '@smithy/middleware-stack': '@smithy/core/client',
      '@smithy/node-config-provider': '@smithy/core/config',
      '@smithy/property-provider': '@smithy/core/config',
      '@smithy/shared-ini-file-loader': '@smithy/core/config',
      '@smithy/util-defaults-mode-node': '@smithy/core/config',
      '@smithy/util-endpoints': '@smithy/core/endpoints',
      '@smithy/util-retry': '@smithy/core/retry',
    }).map(([from, to]) => [`--alias:${from}=${to}`, true]),
  ),
};

/**
 * The regions Amazon Machine Learning runs in (it takes no new customers and gets no new regions).
 * https://docs.aws.amazon.com/general/latest/gr/machinelearning.html
 */
export const MACHINE_LEARNING_REGIONS: readonly string[] = ['us-east-1', 'eu-west-1'];

/** The stack's region is one Amazon ML does not run in; the message names the regions it runs in. */
export class MachineLearningRegionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineLearningRegionError';
  }
}

/**
 * How many times Lambda retries a failed asynchronous invocation of the starter before it sends
 * the invocation record to the dead-letter queue (Lambda's maximum, and its default).
 */
export const STARTER_ASYNC_RETRY_ATTEMPTS = 2;

/** Properties of {@link BatchPredictionPoller}. */
export interface BatchPredictionPollerProps {
  /**
   * The bus events are published to.
   * @default - a new event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The `source` of published events. Must not start with `aws.` (reserved for AWS services).
   * @default 'batch-prediction-poller'
   */
  readonly eventSource?: string;
  /**
   * How long to wait between polls.
   * @default PollInterval.adaptive() - 30 s after a change, growing to 5 min while nothing changes
   */
  readonly pollInterval?: PollInterval;
  /**
   * How long a polling run may last before it fails with reason TIMED_OUT. Amazon ML batch
   * predictions run at most 7 days.
   * @default Duration.hours(169) - 7 days and 1 hour
   */
  readonly maxRunDuration?: Duration;
  /**
   * Polls one execution makes before it continues as a new execution, keeping every execution far
   * below Step Functions' 25,000-event history limit.
   * @default 1000
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
   * An email address subscribed to the alert topic.
   * @default - no subscription
   */
  readonly alertEmail?: string;
  /**
   * What happens to the history table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly historyRemovalPolicy?: RemovalPolicy;
  /**
   * How long logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The state machine's name. It must be known at synthesis time because the state machine starts
   * itself to continue as a new execution.
   * @default - a unique name derived from the construct path
   */
  readonly stateMachineName?: string;
  /**
   * How many times EventBridge retries delivering a matched event to a rule target of this
   * construct (the alert topic) before it sends the event to {@link BatchPredictionPoller.deadLetterQueue}.
   * From 0 to 185.
   * @default 185 - EventBridge's maximum
   */
  readonly targetRetryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event it could not deliver to a rule target of this
   * construct before it sends it to {@link BatchPredictionPoller.deadLetterQueue}. From 1 minute to 24 hours.
   * @default Duration.hours(24) - EventBridge's maximum
   */
  readonly targetMaxEventAge?: Duration;
  /**
   * Track every batch prediction of the account without wiring: a rule on the default bus starts
   * a run when CloudTrail reports `CreateBatchPrediction`, and a scheduled sweeper starts one for
   * every PENDING or INPROGRESS batch prediction not already polled (CloudTrail delivery is best
   * effort and needs a trail).
   * @default true
   */
  readonly discovery?: boolean;
  /**
   * How often the sweeper runs, when discovery is on.
   * @default Duration.minutes(15)
   */
  readonly sweepInterval?: Duration;
  /**
   * How many times the sweeper restarts polling a batch prediction whose run ended (FAILED,
   * TIMED_OUT or ABORTED: retries exhausted, a crash, the deadline) while Amazon ML still reports it
   * PENDING or INPROGRESS. Each restart is a new run, named `<id>+r<N>`. From 0 (never) to 10.
   * @default 3
   */
  readonly maxRestarts?: number;
  /**
   * How long after the previous run ended the sweeper may start restart 1; restart N waits
   * `restartBackoff × 2^(N-1)`. From 1 minute to 1 day, whole seconds.
   * @default Duration.minutes(15)
   */
  readonly restartBackoff?: Duration;
  /**
   * Register the event schemas (JSON Schema draft-04) in a new EventBridge schema registry, so
   * subscribers can download code bindings for them.
   * @default true
   */
  readonly schemaRegistry?: boolean;
  /**
   * The regions Amazon ML runs in. Synthesis fails for a stack in any other region (every run would
   * fail and the sweeper would error at every sweep); a region-agnostic stack gets a warning.
   * Override it only if Amazon ML has added a region.
   * @default MACHINE_LEARNING_REGIONS - us-east-1 and eu-west-1
   */
  readonly machineLearningRegions?: readonly string[];
  /**
   * The topic the dead-letter-queue alarm notifies. That alarm means an alert was not delivered,
   * possibly because the alert topic itself (its policy, key or subscriptions) is what failed, so
   * point it at a second channel: another topic with its own subscription (e.g. a pager). It must
   * let `cloudwatch.amazonaws.com` publish (and use its key, if encrypted).
   * @default - the alert topic (then the alarm cannot tell you that the alert topic is broken)
   */
  readonly deadLetterAlarmTopic?: sns.ITopic;
}

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
  readonly pollFunction: NodejsFunction;
  /** The failure path's task: publishes `Batch Prediction Polling Failed`. */
  readonly reportFailureFunction: NodejsFunction;
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
  readonly alarms: readonly cloudwatch.Alarm[];
  /** Starts runs for discovered batch predictions (undefined when discovery is off). */
  readonly starterFunction?: NodejsFunction;
  /** CloudTrail `CreateBatchPrediction` → starter, on the default bus (undefined when discovery is off). */
  readonly discoveryRule?: events.Rule;
  /** The sweeper's schedule (undefined when discovery is off). */
  readonly sweeperRule?: events.Rule;
  /** The registry holding the event schemas (undefined when turned off). */
  readonly schemaRegistry?: eventschemas.CfnRegistry;
  /** Runs, transitions, errors, Lambda duration and cold starts, dead letters at a glance. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: BatchPredictionPollerProps = {}) {
    super(scope, id);
    const eventSource = props.eventSource ?? DEFAULT_EVENT_SOURCE;
    validateProps(props, eventSource);
    const stack = Stack.of(this);
    this.checkRegion(stack, props.machineLearningRegions ?? MACHINE_LEARNING_REGIONS);
    const pollInterval = props.pollInterval ?? PollInterval.adaptive();
    const maxRunSeconds = props.maxRunDuration?.toSeconds() ?? DEFAULT_MAX_RUN_SECONDS;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.eventSource = eventSource;

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the batch prediction poller alert topic, dead-letter queue and logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // EventBridge publishes to the encrypted topic and sends undelivered events to the encrypted
    // dead-letter queue, for the rules of this account and region only.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    this.key.grant(serviceOfThisAccount(stack, 'events', 'rule/*'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    // CloudWatch Logs writes the encrypted log groups. It binds each use of the key to a log group
    // through the encryption context, which names the account and region; that, not
    // aws:SourceAccount, is the condition CloudWatch Logs documents for its key policy.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.key.grantEncryptDecrypt(
      new iam.PrincipalWithConditions(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`), {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      }),
    );
    // Grants on the key only for AWS resources, or to AWS services: the Control Tower control
    // CT.KMS.PR.3 (the key's default policy lets the account's principals do everything else).
    // https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );

    this.eventBus = props.eventBus ?? new events.EventBus(this, 'EventBus', { description: 'Amazon ML batch prediction status changes' });

    this.historyTable = new dynamodb.Table(this, 'HistoryTable', {
      partitionKey: { name: HistoryTable.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: HistoryTable.SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.historyRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    const environment: Record<string, string> = {
      [EnvVar.EVENT_BUS_NAME]: this.eventBus.eventBusName,
      [EnvVar.EVENT_SOURCE]: eventSource,
      [EnvVar.HISTORY_TABLE_NAME]: this.historyTable.tableName,
      [EnvVar.POLL_INTERVAL_POLICY]: JSON.stringify(pollInterval.policy),
      [EnvVar.MAX_RUN_SECONDS]: String(maxRunSeconds),
      [EnvVar.MAX_POLLS_PER_EXECUTION]: String(props.maxPollsPerExecution ?? DEFAULT_MAX_POLLS_PER_EXECUTION),
      [EnvVar.ACCOUNT_ID]: stack.account,
      [EnvVar.PARTITION]: stack.partition,
      POWERTOOLS_SERVICE_NAME: 'batch-prediction-poller',
    };
    this.pollFunction = this.handlerFunction('PollFunction', 'poll-handler', HANDLER_FACTORY.POLL, environment, logRetention);
    this.reportFailureFunction = this.handlerFunction('ReportFailureFunction', 'report-failure-handler', HANDLER_FACTORY.REPORT_FAILURE, environment, logRetention);

    // Least privilege: the one read the loop makes, on batch predictions only.
    this.pollFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['machinelearning:GetBatchPrediction'],
        resources: [stack.formatArn({ service: 'machinelearning', resource: 'batchprediction', resourceName: '*' })],
      }),
    );
    this.historyTable.grant(this.pollFunction, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.eventBus.grantPutEventsTo(this.pollFunction);
    this.eventBus.grantPutEventsTo(this.reportFailureFunction);

    const stateMachineName = props.stateMachineName ?? Names.uniqueResourceName(this, { maxLength: 80, separator: '-' });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(stateMachineName)),
      // A backstop above the run deadline the poll task enforces itself (which reports TIMED_OUT);
      // an execution-level timeout cannot be caught, so it is never the first to fire.
      timeout: Duration.seconds(maxRunSeconds + 3600),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'StateMachineLogs', {
          // The prefix Step Functions recommends: log delivery then does not need a CloudWatch Logs
          // resource policy entry, whose 5,120-character limit an account can exhaust.
          // https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html
          logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
          retention: logRetention,
          encryptionKey: this.key,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        // Execution data carries whole snapshots; state transitions are enough to debug the loop.
        includeExecutionData: false,
      },
    });

    this.alertTopic =
      props.alertTopic ?? new sns.Topic(this, 'AlertTopic', { displayName: 'Batch prediction alerts', masterKey: this.key, enforceSSL: true });
    if (props.alertTopic === undefined) {
      // CloudWatch alarms publish to the encrypted topic: the topic policy (which replaces SNS's
      // default one) must let CloudWatch publish for this account's alarms, and the key must let it
      // encrypt. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
      this.alertTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.alertTopic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          },
        }),
      );
      this.key.grant(serviceOfThisAccount(stack, 'cloudwatch', 'alarm:*'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // No queue may name this one as its dead-letter queue: it only collects undelivered alerts.
      // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
    });
    if (props.alertEmail !== undefined) {
      // Emails SNS cannot deliver go to the dead-letter queue too (SNS needs the key for it).
      this.key.grant(serviceOfThisAccount(stack, 'sns', '*'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail, { deadLetterQueue: this.deadLetterQueue }));
    }
    // Every rule target of the construct: retried by EventBridge, then dead-lettered (the target
    // adds the queue policy letting this rule, and only it, send to the queue).
    const delivery = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.targetRetryAttempts ?? 185,
      maxEventAge: props.targetMaxEventAge ?? Duration.hours(24),
    };

    this.failedStatusRule = new events.Rule(this, 'FailedStatusRule', {
      eventBus: this.eventBus,
      description: 'Alerts when a batch prediction reaches FAILED',
      eventPattern: { source: [eventSource], detailType: [DetailType.STATUS_CHANGE], detail: { status: [BatchPredictionStatus.FAILED] } },
    });
    this.failedStatusRule.addTarget(
      new AlertTopicTarget(this.alertTopic, {
        ...delivery,
        message: events.RuleTargetInput.fromText(
          `Batch prediction ${events.EventField.fromPath('$.detail.batchPredictionId')} (model ${events.EventField.fromPath(
            '$.detail.batchPrediction.mlModelId',
          )}) FAILED at ${events.EventField.fromPath('$.detail.observedAt')}: ${events.EventField.fromPath('$.detail.batchPrediction.message')}`,
        ),
      }),
    );

    this.pollingFailedRule = new events.Rule(this, 'PollingFailedRule', {
      eventBus: this.eventBus,
      description: 'Alerts when a polling run fails',
      eventPattern: { source: [eventSource], detailType: [DetailType.POLLING_FAILED] },
    });
    this.pollingFailedRule.addTarget(
      new AlertTopicTarget(this.alertTopic, {
        ...delivery,
        message: events.RuleTargetInput.fromText(
          `Polling batch prediction ${events.EventField.fromPath('$.detail.batchPredictionId')} failed (${events.EventField.fromPath(
            '$.detail.reason',
          )}, ${events.EventField.fromPath('$.detail.error')}) at ${events.EventField.fromPath('$.detail.observedAt')}; last status ${events.EventField.fromPath(
            '$.detail.lastStatus',
          )}: ${events.EventField.fromPath('$.detail.cause')}`,
        ),
      }),
    );

    if (props.discovery ?? true) {
      this.starterFunction = this.handlerFunction(
        'StarterFunction',
        'starter-handler',
        HANDLER_FACTORY.STARTER,
        {
          [EnvVar.STATE_MACHINE_ARN]: this.stateMachine.stateMachineArn,
          [EnvVar.MAX_RESTARTS]: String(props.maxRestarts ?? DEFAULT_MAX_RESTARTS),
          [EnvVar.RESTART_BACKOFF_SECONDS]: String(props.restartBackoff?.toSeconds() ?? DEFAULT_RESTART_BACKOFF_SECONDS),
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        },
        logRetention,
      );
      this.stateMachine.grantStartExecution(this.starterFunction);
      // The sweep lists the running executions once, instead of a StartExecution per job in flight.
      this.stateMachine.grant(this.starterFunction, 'states:ListExecutions');
      // To restart a run that ended, the sweep reads how the id's latest run ended, by its
      // deterministic execution names (the resource is the state machine's executions, `:*`).
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
      // Built from the name known at synthesis (like the state machine's own ARN for continue-as-new),
      // so that the policy and its cdk-nag acknowledgement read `execution:<name>:*`.
      this.starterFunction.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:DescribeExecution'],
          resources: [Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        }),
      );
      // DescribeBatchPredictions lists the account's batch predictions and supports no resource
      // ARN, so it is the one "*" of this role (acknowledged below).
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmachinelearning.html
      this.starterFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['machinelearning:DescribeBatchPredictions'], resources: ['*'] }));
      // EventBridge's retry policy and dead-letter queue cover delivery only: once Lambda has
      // accepted the asynchronous invocation, a starter that fails is Lambda's to retry (twice, 1
      // and 2 minutes later) and then to drop. Its on-failure destination keeps the record
      // (request, error, condition) in the dead-letter queue, where the alarm sees it. An hour
      // bounds how long a throttled event may wait: a sweep that old has been superseded by later
      // ones, and a lost CloudTrail start is caught by the next sweep.
      // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
      // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
      this.starterFunction.configureAsyncInvoke({
        onFailure: this.deadLetterDestination(),
        retryAttempts: STARTER_ASYNC_RETRY_ATTEMPTS,
        maxEventAge: Duration.hours(1),
      });
      const starterInput = (request: StarterRequest) => events.RuleTargetInput.fromObject(request);
      this.discoveryRule = new events.Rule(this, 'DiscoveryRule', {
        description: 'Starts polling a batch prediction when CloudTrail reports CreateBatchPrediction',
        eventPattern: {
          source: ['aws.machinelearning'],
          detailType: ['AWS API Call via CloudTrail'],
          // CloudTrail records failed calls too, with `errorCode` (e.g. ValidationException): the
          // batch prediction was never created, and a run started for it would only fail NOT_FOUND
          // and hold its execution name for 90 days.
          // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
          detail: { eventSource: ['machinelearning.amazonaws.com'], eventName: ['CreateBatchPrediction'], errorCode: [{ exists: false }] },
        },
      });
      this.discoveryRule.addTarget(
        new targets.LambdaFunction(this.starterFunction, {
          ...delivery,
          event: starterInput({ source: 'cloudtrail', batchPredictionId: events.EventField.fromPath('$.detail.requestParameters.batchPredictionId') }),
        }),
      );
      this.sweeperRule = new events.Rule(this, 'SweeperRule', {
        description: 'Starts polling every PENDING or INPROGRESS batch prediction not already polled',
        schedule: events.Schedule.rate(props.sweepInterval ?? Duration.minutes(DEFAULT_SWEEP_MINUTES)),
      });
      this.sweeperRule.addTarget(new targets.LambdaFunction(this.starterFunction, { ...delivery, event: starterInput({ source: 'sweeper' }) }));
    }

    if (props.schemaRegistry ?? true) {
      this.schemaRegistry = new eventschemas.CfnRegistry(this, 'SchemaRegistry', { description: 'Events published by batch-prediction-poller' });
      for (const { name, detailType, schema } of EVENT_SCHEMAS) {
        new eventschemas.CfnSchema(this, `Schema${detailType.replace(/\s+/g, '')}`, {
          registryName: this.schemaRegistry.attrRegistryName,
          schemaName: name,
          type: 'JSONSchemaDraft4',
          description: `detail-type "${detailType}"`,
          content: JSON.stringify(schema),
        });
      }
    }

    const alarmAction = new cloudwatchActions.SnsAction(this.alertTopic);
    /**
     * An alarm on ≥ 1 in `datapointsToAlarm` of `evaluationPeriods` periods. No data means nothing
     * happened (no message, no failed execution, no error).
     */
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      description: string,
      { periods = 1, action = alarmAction }: { periods?: number; action?: cloudwatch.IAlarmAction } = {},
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      return created;
    };
    const fiveMinuteSum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    // The state machine retries every poll error and throttle: 6 retries, 5 s doubling to a 2-min
    // cap for the transient errors (delays adding up to at most 4 min 35 s), 2 s doubling to 60 s
    // for Lambda's own (about 2 min). A burst of quickly failing calls the retries absorb therefore
    // touches at most two 5-minute periods; errors in three consecutive periods persist across
    // retry sequences and polls (or are calls that each hang until the function's timeout). A run
    // whose retries run out fails, and the ExecutionsFailed alarm pages for it.
    const persistentPeriods = 3;
    this.deadLetterQueueAlarm = alarm(
      'DeadLetterQueueAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      'An alert could not be delivered, or the starter failed after its retries: the event or invocation record is in the dead-letter queue. Read the message, fix the target, then delete or re-send it',
      { action: props.deadLetterAlarmTopic === undefined ? alarmAction : new cloudwatchActions.SnsAction(props.deadLetterAlarmTopic) },
    );
    this.executionsFailedAlarm = alarm(
      'ExecutionsFailedAlarm',
      this.stateMachine.metricFailed(fiveMinuteSum),
      'A polling run (execution) failed: see its Polling Failed alert and the history of its batch prediction',
    );
    this.executionsTimedOutAlarm = alarm(
      'ExecutionsTimedOutAlarm',
      this.stateMachine.metricTimedOut(fiveMinuteSum),
      'A polling run (execution) hit the state machine timeout without reporting: its batch prediction is no longer watched',
    );
    this.pollErrorsAlarm = alarm(
      'PollErrorsAlarm',
      this.pollFunction.metricErrors(fiveMinuteSum),
      'The poll function has reported errors in each of the last 15 minutes (retries are not absorbing them): see its logs',
      { periods: persistentPeriods },
    );
    this.pollThrottlesAlarm = alarm(
      'PollThrottlesAlarm',
      this.pollFunction.metricThrottles(fiveMinuteSum),
      'The poll function has been throttled in each of the last 15 minutes: raise its concurrency or the account limit',
      { periods: persistentPeriods },
    );
    this.reportFailureErrorsAlarm = alarm('ReportFailureErrorsAlarm', this.reportFailureFunction.metricErrors(fiveMinuteSum), 'The report-failure function reported errors');
    this.reportFailureThrottlesAlarm = alarm(
      'ReportFailureThrottlesAlarm',
      this.reportFailureFunction.metricThrottles(fiveMinuteSum),
      'The report-failure function was throttled',
    );
    const starterAlarms =
      this.starterFunction === undefined
        ? []
        : [
            alarm('StarterErrorsAlarm', this.starterFunction.metricErrors(fiveMinuteSum), 'The starter (discovery, sweeper) reported errors'),
            alarm('StarterThrottlesAlarm', this.starterFunction.metricThrottles(fiveMinuteSum), 'The starter (discovery, sweeper) was throttled'),
            // The sweeper counts RestartsExhausted once per sweep for every unfinished batch
            // prediction it may not restart any more: one period per sweep keeps the alarm in
            // ALARM while that lasts, and lets it go back to OK once no sweep counts it.
            alarm(
              'RestartsExhaustedAlarm',
              new cloudwatch.Metric({
                namespace: PollerMetric.NAMESPACE,
                metricName: PollerMetric.RESTARTS_EXHAUSTED,
                dimensionsMap: { service: SERVICE_NAME },
                statistic: cloudwatch.Stats.SUM,
                period: props.sweepInterval ?? Duration.minutes(DEFAULT_SWEEP_MINUTES),
              }),
              'A PENDING or INPROGRESS batch prediction is polled by nothing: its runs failed and its automatic restarts are used up. See its Polling Failed alerts and history, fix the cause, then restart it with watch --restart <id>',
            ),
          ];
    this.alarms = [
      ...starterAlarms,
      this.deadLetterQueueAlarm,
      this.executionsFailedAlarm,
      this.executionsTimedOutAlarm,
      this.pollErrorsAlarm,
      this.pollThrottlesAlarm,
      this.reportFailureErrorsAlarm,
      this.reportFailureThrottlesAlarm,
    ];

    this.dashboard = this.buildDashboard();
    this.acknowledgeNagFindings(stateMachineName);
    this.acknowledgeGuardFindings(logRetention);
  }

  /** Amazon ML runs in a few regions only: refuse any other, warn when the region is not known. */
  private checkRegion(stack: Stack, regions: readonly string[]): void {
    const list = regions.join(', ');
    if (Token.isUnresolved(stack.region)) {
      Annotations.of(this).addWarningV2(
        'batch-prediction-poller:region-agnostic',
        `The stack's region is not known at synthesis time; Amazon ML runs only in ${list}, and deployed elsewhere every run fails. Set the stack's env.region to one of them.`,
      );
    } else if (!regions.includes(stack.region)) {
      throw new MachineLearningRegionError(
        `Amazon ML does not run in ${stack.region}; it runs only in ${list}. Deploy the stack to one of them (e.g. CDK_DEFAULT_REGION or env.region), or set 'machineLearningRegions' if Amazon ML has added ${stack.region}.`,
      );
    }
  }

  private buildDashboard(): cloudwatch.Dashboard {
    const custom = (metricName: string, dimensionsMap: Record<string, string>, label?: string) =>
      new cloudwatch.Metric({
        namespace: PollerMetric.NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME, ...dimensionsMap },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
        label,
      });
    const sum = { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) };
    const functions = [this.pollFunction, this.reportFailureFunction, ...(this.starterFunction ? [this.starterFunction] : [])];
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Polling runs (executions)',
        left: [
          this.stateMachine.metricStarted({ ...sum, label: 'started' }),
          this.stateMachine.metricSucceeded({ ...sum, label: 'succeeded' }),
          this.stateMachine.metricFailed({ ...sum, label: 'failed' }),
          this.stateMachine.metricTimedOut({ ...sum, label: 'timed out' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Transitions by status',
        left: ALL_STATUSES.map((status) => custom(PollerMetric.STATUS_TRANSITIONS, { status }, status)),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Poll errors (before retries) and Lambda errors',
        left: [custom(PollerMetric.POLL_ERRORS, {}, 'poll errors'), ...functions.map((fn) => fn.metricErrors({ ...sum, label: `${fn.node.id} errors` }))],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda duration (p50, p99) and cold starts',
        left: functions.flatMap((fn) => [
          fn.metricDuration({ statistic: 'p50', period: Duration.minutes(5), label: `${fn.node.id} p50` }),
          fn.metricDuration({ statistic: 'p99', period: Duration.minutes(5), label: `${fn.node.id} p99` }),
        ]),
        right: functions.map((fn) => custom(PollerMetric.COLD_START, { function_name: fn.functionName }, `${fn.node.id} cold starts`)),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: [this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) })],
        width: 8,
      }),
    );
    return dashboard;
  }

  /**
   * The cdk-nag findings that stay, each acknowledged on the one construct it is about, for the
   * one finding (`RuleId[Finding]`) it names, with the reason it cannot be fixed.
   */
  private acknowledgeNagFindings(stateMachineName: string): void {
    const stack = Stack.of(this);
    /** How cdk-nag renders an ARN part: literal if known at synthesis time, else `<AWS::...>`. */
    const rendered = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const arnOfFunction = (fn: lambda.IFunction) => `<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>`;
    const xray = 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so active tracing needs Resource "*"';

    for (const fn of [this.pollFunction, this.reportFailureFunction]) {
      Validations.of(fn.role!).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: `${xray}; it is the only "*" in this role's policy.` });
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Only the state machine invokes this function, synchronously (RequestResponse); a Lambda dead-letter queue applies to asynchronous invocations only. Failures are retried and caught by the state machine, reported as a Polling Failed event and alarmed on.',
      });
    }
    Validations.of(this.pollFunction.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:machinelearning:${rendered(stack.region, 'Region')}:${rendered(stack.account, 'AccountId')}:batchprediction/*]`,
      reason:
        'The batch prediction to poll is the run input, known only at run time; the grant is the read-only GetBatchPrediction on batch predictions of this account and region, nothing else of Amazon ML.',
    });
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${xray}, and the CloudWatch Logs vended-log-delivery actions Step Functions logging needs (logs:CreateLogDelivery, ...) support no resource-level permissions either (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).`,
    });
    for (const fn of [this.pollFunction, this.reportFailureFunction]) {
      Validations.of(this.stateMachine.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnOfFunction(fn)}:*]`,
        reason: `The LambdaInvoke task grants lambda:InvokeFunction on ${fn.node.id} and its versions and aliases ("<arn>:*"): one function of this construct, no other.`,
      });
    }
    const isDeadLetterQueue =
      'This queue is itself the dead-letter queue of the rule targets, the alert email subscription and the starter\'s failed asynchronous invocations (EventBridge/SNS dead-letter config and a Lambda on-failure destination, which the rule cannot see); a dead-letter queue of a dead-letter queue would only move the same messages, and any message here already raises the dead-letter-queue alarm.';
    if (this.starterFunction !== undefined) {
      Validations.of(this.starterFunction.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `${xray}; and machinelearning:DescribeBatchPredictions, which the sweeper needs to list PENDING and INPROGRESS batch predictions, supports no resource ARN (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmachinelearning.html).`,
      });
      Validations.of(this.starterFunction.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${rendered(stack.region, 'Region')}:${rendered(stack.account, 'AccountId')}:execution:${stateMachineName}:*]`,
        reason:
          "states:DescribeExecution on this state machine's executions only: the sweeper reads how a batch prediction's latest run ended, by its deterministic execution names (<id>, <id>+r<N>, +g<M>), which are not known at synthesis time.",
      });
      Validations.of(this.starterFunction).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous invocations of the starter go, after Lambda\'s 2 retries, to the construct dead-letter queue (alarmed on) through an on-failure destination (EventInvokeConfig), which keeps the error with the request; this rule reads only the older DeadLetterConfig. EventBridge\'s own retry policy and dead-letter queue on the targets cover delivery to Lambda only.',
      });
    }
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: isDeadLetterQueue });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: isDeadLetterQueue });
  }

  /**
   * The AWS Control Tower proactive-control findings (cfn-guard rules of
   * `@cdklabs/cdk-validator-cfnguard`) that stay, each acknowledged on the construct it is about,
   * with the reason. Their ids are `cdk-validator-cfnguard::<rule name>`.
   */
  private acknowledgeGuardFindings(logRetention: logs.RetentionDays): void {
    const guard = (rule: string) => `cdk-validator-cfnguard::${rule}`;
    const functions = [this.pollFunction, this.reportFailureFunction, ...(this.starterFunction ? [this.starterFunction] : [])];
    for (const fn of functions) {
      Validations.of(fn).acknowledge({
        id: guard('lambda_inside_vpc_check'),
        reason:
          'CT.LAMBDA.PR.3 (function in a VPC): the functions reach only public AWS APIs (Amazon ML, EventBridge, DynamoDB, Step Functions) and nothing in a network; Amazon ML has no VPC endpoint, so a VPC would add a NAT gateway and its cost and failure modes for no isolation gained.',
      });
    }
    if (logRetention < logs.RetentionDays.ONE_YEAR) {
      for (const group of this.node.findAll().filter((c): c is logs.LogGroup => c instanceof logs.LogGroup)) {
        Validations.of(group).acknowledge({
          id: guard('cloudwatch_log_group_retention_period_check'),
          reason: `CT.CLOUDWATCH.PR.2 (keep logs one year): retention is the 'logRetention' prop, ${logRetention} days here (default one month: debugging logs, the history table is the record); set logs.RetentionDays.ONE_YEAR or longer where policy requires it and this finding goes away.`,
        });
      }
    }
    Validations.of(this.deadLetterQueue).acknowledge({
      id: guard('sqs_dlq_check'),
      reason:
        'CT.SQS.PR.1 (queue has a dead-letter queue) counts a queue as a dead-letter queue only if it lets SQS queues redrive into it (allowAll/byQueue). This queue is the dead-letter queue of EventBridge targets, the email subscription and the starter\'s on-failure destination, never of an SQS queue, so its RedriveAllowPolicy is denyAll; a dead-letter queue of its own would only move the same messages.',
    });
  }

  /**
   * The dead-letter queue as a Lambda on-failure destination. Lambda sends the record with the
   * function's execution role, so the role gets `sqs:SendMessage` on this queue and, for its KMS
   * encryption, `kms:GenerateDataKey` and `kms:Decrypt` on the key (through the key policy's
   * delegation to the account's IAM policies) and nothing else: `SqsDestination` would also grant
   * `sqs:GetQueueAttributes`, `sqs:GetQueueUrl`, `kms:Encrypt` and `kms:ReEncrypt*`, which sending
   * does not need.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#send-to-encrypted-queue
   */
  private deadLetterDestination(): lambda.IDestination {
    const queue = this.deadLetterQueue;
    const key = this.key;
    return {
      bind: (_scope, fn) => {
        iam.Grant.addToPrincipal({ grantee: fn.grantPrincipal, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
        key.grant(fn.grantPrincipal, 'kms:GenerateDataKey', 'kms:Decrypt');
        return { destination: queue.queueArn };
      },
    };
  }

  private handlerFunction(
    id: string,
    entry: string,
    factory: string,
    environment: Record<string, string>,
    retention: logs.RetentionDays,
  ): NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention, encryptionKey: this.key, removalPolicy: RemovalPolicy.DESTROY });
    // An own role instead of Lambda's default one with the AWS managed AWSLambdaBasicExecutionRole
    // (logs:CreateLogGroup and writes on every log group): it may write to its own log group only.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the batch prediction poller's ${entry}`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      entry: path.join(__dirname, '..', 'lambda', `${entry}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      environment,
      role,
      logGroup,
      bundling: HANDLER_BUNDLING,
    });
    // Tells the local runtime which source runs in this function, from the synthesized template
    // alone: the entry module, the factory its `handler` export is built with, and the construct id
    // (scenario faults name a function by it).
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata(LOCAL_HANDLER_METADATA, { entry: `lambda/${entry}.ts`, factory, constructId: id });
    return fn;
  }

  private definition(stateMachineName: string): sfn.IChainable {
    const execution = {
      id: sfn.JsonPath.stringAt('$$.Execution.Id'),
      name: sfn.JsonPath.stringAt('$$.Execution.Name'),
      startTime: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
    };
    // Lambda's own transient errors, retried as Step Functions recommends.
    // https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
    const retryLambdaService: sfn.RetryProps = {
      errors: [...LAMBDA_SERVICE_ERROR_NAMES],
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    };
    // A crashed or timed-out invocation (each attempt may have used the whole function timeout):
    // retried fewer times, further apart, so a function that always crashes fails the run in
    // minutes rather than hanging on. A retried poll reads what the dead attempt may have written.
    const retryLambdaCrash: sfn.RetryProps = {
      errors: [...LAMBDA_CRASH_ERROR_NAMES],
      interval: Duration.seconds(5),
      maxAttempts: 3,
      backoffRate: 2,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    };

    const pollingFailed = new sfn.Fail(this, 'PollingFailed', {
      comment: 'Ends the execution with the error that stopped the run',
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });
    const reportFailure = new tasks.LambdaInvoke(this, 'ReportFailure', {
      lambdaFunction: this.reportFailureFunction,
      payload: sfn.TaskInput.fromObject({ state: sfn.JsonPath.entirePayload, failure: sfn.JsonPath.objectAt('$.failure'), execution }),
      resultSelector: { 'eventId.$': '$.Payload.eventId', 'reason.$': '$.Payload.reason' },
      resultPath: '$.report',
      retryOnServiceExceptions: false,
    })
      .addRetry(retryLambdaService)
      .addRetry(retryLambdaCrash)
      .addRetry({ errors: [PollerErrorName.EVENT_PUBLISH], interval: Duration.seconds(5), maxAttempts: 5, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL })
      // Even if the alert cannot be published, the execution still fails with the original error.
      .addCatch(pollingFailed, { errors: ['States.ALL'], resultPath: '$.reportError' });
    reportFailure.next(pollingFailed);

    const rejectNonObjectInput = new sfn.Pass(this, 'RejectNonObjectInput', {
      comment: 'The run input is not a JSON object: report it as invalid input',
      parameters: {
        input: sfn.JsonPath.entirePayload,
        failure: {
          Error: PollerErrorName.INVALID_INPUT,
          Cause: 'The run\'s input must be a JSON object like {"batchPredictionId": "bp-123"}, not a string, number, array, boolean or null',
        },
      },
    });
    rejectNonObjectInput.next(reportFailure);

    const poll = new tasks.LambdaInvoke(this, 'Poll', {
      lambdaFunction: this.pollFunction,
      // `attempt` tells a first attempt from a retry: only a retry can follow an attempt that wrote
      // a transition and died, so only a retry pays for looking for one.
      payload: sfn.TaskInput.fromObject({
        state: sfn.JsonPath.entirePayload,
        execution,
        attempt: { retryCount: sfn.JsonPath.numberAt('$$.State.RetryCount'), redriveCount: sfn.JsonPath.numberAt('$$.Execution.RedriveCount') },
      }),
      // The handler returns the whole next loop state.
      outputPath: '$.Payload',
      retryOnServiceExceptions: false,
    })
      .addRetry(retryLambdaService)
      .addRetry(retryLambdaCrash)
      .addRetry({
        errors: [...TRANSIENT_ERROR_NAMES],
        interval: Duration.seconds(5),
        maxAttempts: 6,
        backoffRate: 2,
        maxDelay: Duration.minutes(2),
        jitterStrategy: sfn.JitterType.FULL,
      })
      // A run started with a string, number, array, boolean or null: `ResultPath: "$.failure"`
      // cannot be applied to such an input (the execution would fail with an uncatchable
      // States.Runtime and no Polling Failed event), so this error is caught without its output and
      // the failure is put into an object of its own, which the failure path reports as INVALID_INPUT.
      // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
      .addCatch(rejectNonObjectInput, { errors: [PollerErrorName.INPUT_NOT_AN_OBJECT], resultPath: sfn.JsonPath.DISCARD })
      .addCatch(reportFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    const self = sfn.StateMachine.fromStateMachineArn(
      this,
      'Self',
      Stack.of(this).formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    const handedOver = new sfn.Succeed(this, 'HandedOver', { comment: 'A new execution carries the run on' });
    const continueAsNew = new tasks.StepFunctionsStartExecution(this, 'ContinueAsNew', {
      stateMachine: self,
      name: sfn.JsonPath.stringAt('$.continuation.executionName'),
      input: sfn.TaskInput.fromJsonPathAt('$.continuation.input'),
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      resultPath: sfn.JsonPath.DISCARD,
    })
      .addRetry({
        errors: ['StepFunctions.SdkClientException', 'StepFunctions.ThrottlingException', 'StepFunctions.AWSStepFunctionsException'],
        interval: Duration.seconds(2),
        maxAttempts: 6,
        backoffRate: 2,
        jitterStrategy: sfn.JitterType.FULL,
      })
      // The deterministic name makes the hand-over idempotent: if a retried start finds the next
      // execution already there, the hand-over has happened.
      .addCatch(handedOver, { errors: ['StepFunctions.ExecutionAlreadyExistsException'], resultPath: sfn.JsonPath.DISCARD })
      .addCatch(reportFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
    continueAsNew.next(handedOver);

    const wait = new sfn.Wait(this, 'WaitBeforeNextPoll', { time: sfn.WaitTime.secondsPath('$.waitSeconds') });
    const done = new sfn.Succeed(this, 'Done', { comment: 'The batch prediction reached a terminal status' });
    return poll.next(
      new sfn.Choice(this, 'IsTerminal')
        .when(sfn.Condition.booleanEquals('$.terminal', true), done)
        .when(sfn.Condition.booleanEquals('$.continueAsNew', true), continueAsNew)
        .otherwise(wait.next(poll)),
    );
  }
}

/**
 * `service` of this account and region, for using the key on behalf of its `resource` (an ARN
 * pattern: a pattern, because naming the topic, queue or rule itself would make the key policy
 * depend on resources that depend on the key). Guards against the confused deputy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
function serviceOfThisAccount(stack: Stack, service: string, resource: string): iam.IPrincipal {
  return new iam.PrincipalWithConditions(new iam.ServicePrincipal(`${service}.amazonaws.com`), {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}` },
  });
}

function validateProps(props: BatchPredictionPollerProps, eventSource: string): void {
  if (!Token.isUnresolved(eventSource)) {
    if (eventSource.startsWith('aws.')) {
      throw new Error(`'eventSource' must not start with "aws." (reserved for AWS services), got "${eventSource}"; use e.g. "${DEFAULT_EVENT_SOURCE}"`);
    }
    if (eventSource.length < 1 || eventSource.length > 256) {
      throw new Error(`'eventSource' must be 1 to 256 characters, got ${eventSource.length}`);
    }
  }
  const max = props.maxRunDuration?.toSeconds();
  if (max !== undefined && (max < 60 || max > 365 * 24 * 3600 - 7200)) {
    throw new Error(`'maxRunDuration' must be between 1 minute and 364 days, got ${max} s`);
  }
  const polls = props.maxPollsPerExecution;
  if (polls !== undefined && !(Number.isInteger(polls) && polls >= 1 && polls <= 2000)) {
    // 2,000 polls × ~9 history events stays below 20,000, leaving room for retries under 25,000.
    throw new Error(`'maxPollsPerExecution' must be a whole number from 1 to 2000, got ${polls}`);
  }
  const restarts = props.maxRestarts;
  if (restarts !== undefined && !(Number.isInteger(restarts) && restarts >= 0 && restarts <= MAX_AUTOMATIC_RESTARTS)) {
    throw new Error(`'maxRestarts' must be a whole number from 0 to ${MAX_AUTOMATIC_RESTARTS}, got ${restarts}`);
  }
  const backoff = props.restartBackoff?.toSeconds();
  if (backoff !== undefined && !(Number.isInteger(backoff) && backoff >= 60 && backoff <= 86400)) {
    throw new Error(`'restartBackoff' must be whole seconds from 1 minute to 1 day, got ${backoff} s`);
  }
  const sweepSeconds = props.sweepInterval?.toSeconds();
  if (sweepSeconds !== undefined && !(sweepSeconds % 60 === 0 && sweepSeconds >= 60 && sweepSeconds <= 86400)) {
    // An EventBridge rate expression takes whole minutes; beyond a day the sweeper would miss jobs.
    throw new Error(`'sweepInterval' must be a whole number of minutes from 1 minute to 1 day, got ${sweepSeconds} s`);
  }
  if (props.alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alertEmail)) {
    throw new Error(`'alertEmail' must be an email address, got "${props.alertEmail}"`);
  }
  if (props.stateMachineName !== undefined && !/^[a-zA-Z0-9_-]{1,80}$/.test(props.stateMachineName)) {
    throw new Error(`'stateMachineName' must be 1 to 80 characters of letters, digits, "_" and "-", got "${props.stateMachineName}"`);
  }
  const regions = props.machineLearningRegions;
  if (regions !== undefined && (regions.length === 0 || !regions.every((r) => typeof r === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)))) {
    throw new Error(`'machineLearningRegions' must be a non-empty list of region names such as "us-east-1", got ${JSON.stringify(regions)}`);
  }
  const attempts = props.targetRetryAttempts;
  if (attempts !== undefined && !Token.isUnresolved(attempts) && !(Number.isInteger(attempts) && attempts >= 0 && attempts <= 185)) {
    throw new Error(`'targetRetryAttempts' must be a whole number from 0 to 185, got ${attempts}`);
  }
  const age = props.targetMaxEventAge?.toSeconds();
  if (age !== undefined && (age < 60 || age > 24 * 3600)) {
    throw new Error(`'targetMaxEventAge' must be between 1 minute and 24 hours, got ${age} s`);
  }
}
