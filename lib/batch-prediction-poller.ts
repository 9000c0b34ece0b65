import * as path from 'node:path';
import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPredictionStatus,
  DEFAULT_EVENT_SOURCE,
  DEFAULT_MAX_POLLS_PER_EXECUTION,
  DEFAULT_MAX_RUN_SECONDS,
  DetailType,
  EnvVar,
  HistoryTable,
  LAMBDA_SERVICE_ERROR_NAMES,
  PollerErrorName,
  TRANSIENT_ERROR_NAMES,
} from './contract';
import { PollInterval } from './poll-interval';

/** Template metadata key naming a function's source entry and handler factory, for the local runtime. */
export const LOCAL_HANDLER_METADATA = 'batch-prediction-poller:handler';

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
   * The topic alerts go to (FAILED batch predictions, failed polling runs).
   * @default - a new topic, encrypted with {@link BatchPredictionPoller.key}
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
}

/**
 * Polls Amazon ML batch predictions from a Step Functions Standard wait loop and turns every
 * status transition into an EventBridge event and an item in a DynamoDB history table.
 *
 * Start a run with `StartExecution` on {@link stateMachine}, input `{"batchPredictionId": "..."}`,
 * and the id as the execution name so that a second start is a no-op.
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
  /** Encrypts the alert topic and the state machine's logs. */
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

  constructor(scope: Construct, id: string, props: BatchPredictionPollerProps = {}) {
    super(scope, id);
    const eventSource = props.eventSource ?? DEFAULT_EVENT_SOURCE;
    validateProps(props, eventSource);
    const stack = Stack.of(this);
    const pollInterval = props.pollInterval ?? PollInterval.adaptive();
    const maxRunSeconds = props.maxRunDuration?.toSeconds() ?? DEFAULT_MAX_RUN_SECONDS;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.eventSource = eventSource;

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the batch prediction poller alert topic and logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // EventBridge publishes to the encrypted topic; CloudWatch Logs writes the encrypted log groups.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    this.key.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));

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
    this.pollFunction = this.handlerFunction('PollFunction', 'poll-handler', 'createPollHandler', environment, logRetention);
    this.reportFailureFunction = this.handlerFunction('ReportFailureFunction', 'report-failure-handler', 'createReportFailureHandler', environment, logRetention);

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
    if (props.alertEmail !== undefined) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    }

    this.failedStatusRule = new events.Rule(this, 'FailedStatusRule', {
      eventBus: this.eventBus,
      description: 'Alerts when a batch prediction reaches FAILED',
      eventPattern: { source: [eventSource], detailType: [DetailType.STATUS_CHANGE], detail: { status: [BatchPredictionStatus.FAILED] } },
    });
    this.failedStatusRule.addTarget(
      new targets.SnsTopic(this.alertTopic, {
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
      new targets.SnsTopic(this.alertTopic, {
        message: events.RuleTargetInput.fromText(
          `Polling batch prediction ${events.EventField.fromPath('$.detail.batchPredictionId')} failed (${events.EventField.fromPath(
            '$.detail.reason',
          )}, ${events.EventField.fromPath('$.detail.error')}) at ${events.EventField.fromPath('$.detail.observedAt')}; last status ${events.EventField.fromPath(
            '$.detail.lastStatus',
          )}: ${events.EventField.fromPath('$.detail.cause')}`,
        ),
      }),
    );
  }

  private handlerFunction(
    id: string,
    entry: string,
    factory: string,
    environment: Record<string, string>,
    retention: logs.RetentionDays,
  ): NodejsFunction {
    const fn = new NodejsFunction(this, id, {
      entry: path.join(__dirname, '..', 'lambda', `${entry}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      environment,
      logGroup: new logs.LogGroup(this, `${id}Logs`, { retention, removalPolicy: RemovalPolicy.DESTROY }),
      bundling: {
        // The runtime's built-in SDK lacks the Amazon ML client: bundle every SDK package.
        externalModules: [],
        minify: true,
        sourceMap: false,
        format: OutputFormat.CJS,
        target: 'node22',
        forceDockerBundling: false,
      },
    });
    // Tells the local runtime which source runs in this function, from the synthesized template
    // alone: the entry module and the factory its `handler` export is built with.
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata(LOCAL_HANDLER_METADATA, { entry: `lambda/${entry}.ts`, factory });
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
      .addRetry({ errors: [PollerErrorName.EVENT_PUBLISH], interval: Duration.seconds(5), maxAttempts: 5, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL })
      // Even if the alert cannot be published, the execution still fails with the original error.
      .addCatch(pollingFailed, { errors: ['States.ALL'], resultPath: '$.reportError' });
    reportFailure.next(pollingFailed);

    const poll = new tasks.LambdaInvoke(this, 'Poll', {
      lambdaFunction: this.pollFunction,
      payload: sfn.TaskInput.fromObject({ state: sfn.JsonPath.entirePayload, execution }),
      // The handler returns the whole next loop state.
      outputPath: '$.Payload',
      retryOnServiceExceptions: false,
    })
      .addRetry(retryLambdaService)
      .addRetry({
        errors: [...TRANSIENT_ERROR_NAMES],
        interval: Duration.seconds(5),
        maxAttempts: 6,
        backoffRate: 2,
        maxDelay: Duration.minutes(2),
        jitterStrategy: sfn.JitterType.FULL,
      })
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
  if (props.alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alertEmail)) {
    throw new Error(`'alertEmail' must be an email address, got "${props.alertEmail}"`);
  }
  if (props.stateMachineName !== undefined && !/^[a-zA-Z0-9_-]{1,80}$/.test(props.stateMachineName)) {
    throw new Error(`'stateMachineName' must be 1 to 80 characters of letters, digits, "_" and "-", got "${props.stateMachineName}"`);
  }
}
