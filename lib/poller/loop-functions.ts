import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EnvVar } from '../contract/environment';
import type { PollInterval } from './poll-interval';
import { HANDLER_FACTORY } from '../contract/handlers';
import { handlerFunction } from './handler-function';

/** What {@link loopFunctions} needs. */
export interface LoopFunctionsOptions {
  readonly key: kms.IKey;
  readonly eventBus: events.IEventBus;
  readonly eventSource: string;
  readonly historyTable: dynamodb.ITable;
  readonly pollInterval: PollInterval;
  readonly maxRunSeconds: number;
  readonly maxPollsPerExecution: number;
  readonly logRetention: logs.RetentionDays;
}

/** The two tasks of the wait loop. */
export interface LoopFunctions {
  readonly pollFunction: lambda.Function;
  readonly reportFailureFunction: lambda.Function;
}

/**
 * The wait loop's functions (`PollFunction`, `ReportFailureFunction` in `scope`), configured
 * through the contract's environment variables, each granted what it calls and nothing more.
 */
export function loopFunctions(scope: Construct, options: LoopFunctionsOptions): LoopFunctions {
  const stack = Stack.of(scope);
  const { eventBus, historyTable } = options;
  const environment: Record<string, string> = {
    [EnvVar.EVENT_BUS_NAME]: eventBus.eventBusName,
    [EnvVar.EVENT_SOURCE]: options.eventSource,
    [EnvVar.HISTORY_TABLE_NAME]: historyTable.tableName,
    [EnvVar.POLL_INTERVAL_POLICY]: JSON.stringify(options.pollInterval.policy),
    [EnvVar.MAX_RUN_SECONDS]: String(options.maxRunSeconds),
    [EnvVar.MAX_POLLS_PER_EXECUTION]: String(options.maxPollsPerExecution),
    [EnvVar.ACCOUNT_ID]: stack.account,
    [EnvVar.PARTITION]: stack.partition,
    POWERTOOLS_SERVICE_NAME: 'batch-prediction-poller',
  };
  const common = { environment, logRetention: options.logRetention };
  const pollFunction = handlerFunction(scope, options.key, {
    id: 'PollFunction',
    entry: 'poll-handler',
    factory: HANDLER_FACTORY.POLL,
    ...common,
  });
  const reportFailureFunction = handlerFunction(scope, options.key, {
    id: 'ReportFailureFunction',
    entry: 'report-failure-handler',
    factory: HANDLER_FACTORY.REPORT_FAILURE,
    ...common,
  });

  // Least privilege: the one read the loop makes, on batch predictions only.
  pollFunction.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['machinelearning:GetBatchPrediction'],
      resources: [stack.formatArn({ service: 'machinelearning', resource: 'batchprediction', resourceName: '*' })],
    }),
  );
  // Query: a run's first poll reads the id's unpublished items (the outbox across runs). Every
  // action here takes the table ARN as its resource, with no condition (resource type `table`:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
  historyTable.grant(pollFunction, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
  eventBus.grantPutEventsTo(pollFunction);
  eventBus.grantPutEventsTo(reportFailureFunction);
  return { pollFunction, reportFailureFunction };
}
