import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EnvVar } from '../contract/environment';
import { SERVICE_NAME } from '../contract/observability';
import type { StarterRequest } from '../contract/loop-state';
import type { TargetDelivery } from './alerting';
import { HANDLER_FACTORY } from '../contract/handlers';
import { handlerFunction } from './handler-function';

/**
 * How many times Lambda retries a failed asynchronous invocation of the starter before it sends
 * the invocation record to the dead-letter queue (Lambda's maximum, and its default).
 */
export const STARTER_ASYNC_RETRY_ATTEMPTS = 2;

/** What {@link discovery} needs. */
export interface DiscoveryOptions {
  readonly key: kms.IKey;
  readonly stateMachine: sfn.StateMachine;
  readonly stateMachineName: string;
  readonly deadLetterQueue: sqs.IQueue;
  readonly delivery: TargetDelivery;
  readonly maxRestarts: number;
  readonly restartBackoff: Duration;
  readonly sweepInterval: Duration;
  readonly logRetention: logs.RetentionDays;
}

/** The discovery resources. */
export interface Discovery {
  readonly starterFunction: lambda.Function;
  readonly discoveryRule: events.Rule;
  readonly sweeperRule: events.Rule;
}

/**
 * Discovery, in `scope`: the starter function (`StarterFunction`), the rule that starts a run on
 * CloudTrail's `CreateBatchPrediction` (`DiscoveryRule`) and the sweeper's schedule (`SweeperRule`),
 * with the starter's failed asynchronous invocations kept in the dead-letter queue.
 */
export function discovery(scope: Construct, options: DiscoveryOptions): Discovery {
  const { stateMachine, stateMachineName, delivery } = options;
  const starterFunction = handlerFunction(scope, options.key, {
    id: 'StarterFunction',
    entry: 'starter-handler',
    factory: HANDLER_FACTORY.STARTER,
    environment: {
      [EnvVar.STATE_MACHINE_ARN]: stateMachine.stateMachineArn,
      [EnvVar.MAX_RESTARTS]: String(options.maxRestarts),
      [EnvVar.RESTART_BACKOFF_SECONDS]: String(options.restartBackoff.toSeconds()),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    },
    logRetention: options.logRetention,
  });
  stateMachine.grantStartExecution(starterFunction);
  // The sweep lists the running executions once, instead of a StartExecution per job in flight.
  stateMachine.grant(starterFunction, 'states:ListExecutions');
  // To restart a run that ended, the sweep reads how the id's latest run ended, by its
  // deterministic execution names (the resource is the state machine's executions, `:*`).
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
  // Built from the name known at synthesis (like the state machine's own ARN for continue-as-new),
  // so that the policy and its cdk-nag acknowledgement read `execution:<name>:*`.
  starterFunction.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution'],
      resources: [
        Stack.of(scope).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  // DescribeBatchPredictions lists the account's batch predictions and supports no resource
  // ARN, so it is the one "*" of this role (acknowledged in acknowledgements.ts).
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmachinelearning.html
  starterFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['machinelearning:DescribeBatchPredictions'], resources: ['*'] }));
  // EventBridge's retry policy and dead-letter queue cover delivery only: once Lambda has
  // accepted the asynchronous invocation, a starter that fails is Lambda's to retry (twice, 1
  // and 2 minutes later) and then to drop. Its on-failure destination keeps the record
  // (request, error, condition) in the dead-letter queue, where the alarm sees it. An hour
  // bounds how long a throttled event may wait: a sweep that old has been superseded by later
  // ones, and a lost CloudTrail start is caught by the next sweep.
  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
  starterFunction.configureAsyncInvoke({
    onFailure: deadLetterDestination(options.deadLetterQueue, options.key),
    retryAttempts: STARTER_ASYNC_RETRY_ATTEMPTS,
    maxEventAge: Duration.hours(1),
  });
  const starterInput = (request: StarterRequest) => events.RuleTargetInput.fromObject(request);
  const discoveryRule = new events.Rule(scope, 'DiscoveryRule', {
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
  discoveryRule.addTarget(
    new targets.LambdaFunction(starterFunction, {
      ...delivery,
      event: starterInput({
        source: 'cloudtrail',
        batchPredictionId: events.EventField.fromPath('$.detail.requestParameters.batchPredictionId'),
      }),
    }),
  );
  const sweeperRule = new events.Rule(scope, 'SweeperRule', {
    description: 'Starts polling every PENDING or INPROGRESS batch prediction not already polled',
    schedule: events.Schedule.rate(options.sweepInterval),
  });
  sweeperRule.addTarget(new targets.LambdaFunction(starterFunction, { ...delivery, event: starterInput({ source: 'sweeper' }) }));
  return { starterFunction, discoveryRule, sweeperRule };
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
function deadLetterDestination(queue: sqs.IQueue, key: kms.IKey): lambda.IDestination {
  return {
    bind: (_scope, fn) => {
      iam.Grant.addToPrincipal({ grantee: fn.grantPrincipal, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
      key.grant(fn.grantPrincipal, 'kms:GenerateDataKey', 'kms:Decrypt');
      return { destination: queue.queueArn };
    },
  };
}
