import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  LAMBDA_CRASH_ERROR_NAMES,
  LAMBDA_SERVICE_ERROR_NAMES,
  PollerErrorName,
  STATES_ALL,
  STEP_FUNCTIONS_HANDED_OVER_ERROR_NAME,
  STEP_FUNCTIONS_RETRIED_ERROR_NAMES,
  TRANSIENT_ERROR_NAMES,
} from '../contract/errors';

/** What {@link pollLoop} needs. */
export interface PollLoopOptions {
  readonly stateMachineName: string;
  readonly pollFunction: lambda.IFunction;
  readonly reportFailureFunction: lambda.IFunction;
  /** The run deadline the poll task enforces; the execution timeout is an hour above it. */
  readonly maxRunSeconds: number;
  readonly logRetention: logs.RetentionDays;
  readonly key: kms.IKey;
}

/**
 * The wait loop (`StateMachine` in `scope`, its states and its log group `StateMachineLogs` beside
 * it): poll, then done, continue as a new execution, or wait and poll again; every failure goes
 * to the report-failure task.
 */
export function pollLoop(scope: Construct, options: PollLoopOptions): sfn.StateMachine {
  const { stateMachineName } = options;
  return new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(pollLoopDefinition(scope, options)),
    // A backstop above the run deadline the poll task enforces itself (which reports TIMED_OUT);
    // an execution-level timeout cannot be caught, so it is never the first to fire.
    timeout: Duration.seconds(options.maxRunSeconds + 3600),
    tracingEnabled: true,
    logs: {
      destination: new logs.LogGroup(scope, 'StateMachineLogs', {
        // The prefix Step Functions recommends: log delivery then does not need a CloudWatch Logs
        // resource policy entry, whose 5,120-character limit an account can exhaust.
        // https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html
        logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
        retention: options.logRetention,
        encryptionKey: options.key,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      level: sfn.LogLevel.ALL,
      // Execution data carries whole snapshots; state transitions are enough to debug the loop.
      includeExecutionData: false,
    },
  });
}

/** The loop's states, with their retries and catches, created in `scope`. */
function pollLoopDefinition(scope: Construct, { stateMachineName, pollFunction, reportFailureFunction }: PollLoopOptions): sfn.IChainable {
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

  const pollingFailed = new sfn.Fail(scope, 'PollingFailed', {
    comment: 'Ends the execution with the error that stopped the run',
    errorPath: '$.failure.Error',
    causePath: '$.failure.Cause',
  });
  const reportFailure = new tasks.LambdaInvoke(scope, 'ReportFailure', {
    lambdaFunction: reportFailureFunction,
    payload: sfn.TaskInput.fromObject({ state: sfn.JsonPath.entirePayload, failure: sfn.JsonPath.objectAt('$.failure'), execution }),
    resultSelector: { 'eventId.$': '$.Payload.eventId', 'reason.$': '$.Payload.reason' },
    resultPath: '$.report',
    retryOnServiceExceptions: false,
  })
    .addRetry(retryLambdaService)
    .addRetry(retryLambdaCrash)
    .addRetry({
      errors: [PollerErrorName.EVENT_PUBLISH],
      interval: Duration.seconds(5),
      maxAttempts: 5,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    })
    // Even if the alert cannot be published, the execution still fails with the original error.
    .addCatch(pollingFailed, { errors: [STATES_ALL], resultPath: '$.reportError' });
  reportFailure.next(pollingFailed);

  const rejectNonObjectInput = new sfn.Pass(scope, 'RejectNonObjectInput', {
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

  const poll = new tasks.LambdaInvoke(scope, 'Poll', {
    lambdaFunction: pollFunction,
    // `attempt` tells a first attempt from a retry: only a retry can follow an attempt that wrote
    // a transition and died, so only a retry pays for looking for one.
    payload: sfn.TaskInput.fromObject({
      state: sfn.JsonPath.entirePayload,
      execution,
      attempt: {
        retryCount: sfn.JsonPath.numberAt('$$.State.RetryCount'),
        redriveCount: sfn.JsonPath.numberAt('$$.Execution.RedriveCount'),
      },
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
    .addCatch(reportFailure, { errors: [STATES_ALL], resultPath: '$.failure' });

  const self = sfn.StateMachine.fromStateMachineArn(
    scope,
    'Self',
    Stack.of(scope).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );
  const handedOver = new sfn.Succeed(scope, 'HandedOver', { comment: 'A new execution carries the run on' });
  const continueAsNew = new tasks.StepFunctionsStartExecution(scope, 'ContinueAsNew', {
    stateMachine: self,
    name: sfn.JsonPath.stringAt('$.continuation.executionName'),
    input: sfn.TaskInput.fromJsonPathAt('$.continuation.input'),
    integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    resultPath: sfn.JsonPath.DISCARD,
  })
    .addRetry({
      errors: [...STEP_FUNCTIONS_RETRIED_ERROR_NAMES],
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    })
    // The deterministic name makes the hand-over idempotent: if a retried start finds the next
    // execution already there, the hand-over has happened.
    .addCatch(handedOver, { errors: [STEP_FUNCTIONS_HANDED_OVER_ERROR_NAME], resultPath: sfn.JsonPath.DISCARD })
    .addCatch(reportFailure, { errors: [STATES_ALL], resultPath: '$.failure' });
  continueAsNew.next(handedOver);

  const wait = new sfn.Wait(scope, 'WaitBeforeNextPoll', { time: sfn.WaitTime.secondsPath('$.waitSeconds') });
  const done = new sfn.Succeed(scope, 'Done', { comment: 'The batch prediction reached a terminal status' });
  return poll.next(
    new sfn.Choice(scope, 'IsTerminal')
      .when(sfn.Condition.booleanEquals('$.terminal', true), done)
      .when(sfn.Condition.booleanEquals('$.continueAsNew', true), continueAsNew)
      .otherwise(wait.next(poll)),
  );
}
