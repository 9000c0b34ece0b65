import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The resources whose findings are acknowledged. */
export interface AcknowledgedResources {
  readonly pollFunction: lambda.Function;
  readonly reportFailureFunction: lambda.Function;
  /** Undefined when discovery is off. */
  readonly starterFunction?: lambda.Function;
  readonly stateMachine: sfn.StateMachine;
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * The cdk-nag findings that stay, each acknowledged on the one construct it is about, for the
 * one finding (`RuleId[Finding]`) it names, with the reason it cannot be fixed.
 */
export function acknowledgeNagFindings(scope: Construct, resources: AcknowledgedResources, stateMachineName: string): void {
  const { pollFunction, reportFailureFunction, starterFunction, stateMachine, deadLetterQueue } = resources;
  const stack = Stack.of(scope);
  /** How cdk-nag renders an ARN part: literal if known at synthesis time, else `<AWS::...>`. */
  const rendered = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const arnOfFunction = (fn: lambda.IFunction) => `<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>`;
  const xray = 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so active tracing needs Resource "*"';

  for (const fn of [pollFunction, reportFailureFunction]) {
    Validations.of(executionRoleOf(fn)).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${xray}; it is the only "*" in this role's policy.`,
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Only the state machine invokes this function, synchronously (RequestResponse); a Lambda dead-letter queue applies to asynchronous invocations only. Failures are retried and caught by the state machine, reported as a Polling Failed event and alarmed on.',
    });
  }
  Validations.of(executionRoleOf(pollFunction)).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:machinelearning:${rendered(stack.region, 'Region')}:${rendered(stack.account, 'AccountId')}:batchprediction/*]`,
    reason:
      'The batch prediction to poll is the run input, known only at run time; the grant is the read-only GetBatchPrediction on batch predictions of this account and region, nothing else of Amazon ML.',
  });
  Validations.of(stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${xray}, and the CloudWatch Logs vended-log-delivery actions Step Functions logging needs (logs:CreateLogDelivery, ...) support no resource-level permissions either (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).`,
  });
  for (const fn of [pollFunction, reportFailureFunction]) {
    Validations.of(stateMachine.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnOfFunction(fn)}:*]`,
      reason: `The LambdaInvoke task grants lambda:InvokeFunction on ${fn.node.id} and its versions and aliases ("<arn>:*"): one function of this construct, no other.`,
    });
  }
  const isDeadLetterQueue =
    "This queue is itself the dead-letter queue of the rule targets, the alert email subscription and the starter's failed asynchronous invocations (EventBridge/SNS dead-letter config and a Lambda on-failure destination, which the rule cannot see); a dead-letter queue of a dead-letter queue would only move the same messages, and any message here already raises the dead-letter-queue alarm.";
  if (starterFunction !== undefined) {
    Validations.of(executionRoleOf(starterFunction)).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${xray}; and machinelearning:DescribeBatchPredictions, which the sweeper needs to list PENDING and INPROGRESS batch predictions, supports no resource ARN (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmachinelearning.html).`,
    });
    Validations.of(executionRoleOf(starterFunction)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${rendered(stack.region, 'Region')}:${rendered(stack.account, 'AccountId')}:execution:${stateMachineName}:*]`,
      reason:
        "states:DescribeExecution on this state machine's executions only: the sweeper reads how a batch prediction's latest run ended, by its deterministic execution names (<id>, <id>+r<N>, +g<M>), which are not known at synthesis time.",
    });
    Validations.of(starterFunction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        "Failed asynchronous invocations of the starter go, after Lambda's 2 retries, to the construct dead-letter queue (alarmed on) through an on-failure destination (EventInvokeConfig), which keeps the error with the request; this rule reads only the older DeadLetterConfig. EventBridge's own retry policy and dead-letter queue on the targets cover delivery to Lambda only.",
    });
  }
  Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: isDeadLetterQueue });
  Validations.of(deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: isDeadLetterQueue });
}

/**
 * The AWS Control Tower proactive-control findings (cfn-guard rules of
 * `@cdklabs/cdk-validator-cfnguard`) that stay, each acknowledged on the construct it is about,
 * with the reason. Their ids are `cdk-validator-cfnguard::<rule name>`.
 */
export function acknowledgeGuardFindings(scope: Construct, resources: AcknowledgedResources, logRetention: logs.RetentionDays): void {
  const { pollFunction, reportFailureFunction, starterFunction, deadLetterQueue } = resources;
  const guard = (rule: string) => `cdk-validator-cfnguard::${rule}`;
  const functions = [pollFunction, reportFailureFunction, ...(starterFunction ? [starterFunction] : [])];
  for (const fn of functions) {
    Validations.of(fn).acknowledge({
      id: guard('lambda_inside_vpc_check'),
      reason:
        'CT.LAMBDA.PR.3 (function in a VPC): the functions reach only public AWS APIs (Amazon ML, EventBridge, DynamoDB, Step Functions) and nothing in a network; Amazon ML has no VPC endpoint, so a VPC would add a NAT gateway and its cost and failure modes for no isolation gained.',
    });
  }
  if (logRetention < logs.RetentionDays.ONE_YEAR) {
    for (const group of scope.node.findAll().filter((c): c is logs.LogGroup => c instanceof logs.LogGroup)) {
      Validations.of(group).acknowledge({
        id: guard('cloudwatch_log_group_retention_period_check'),
        reason: `CT.CLOUDWATCH.PR.2 (keep logs one year): retention is the 'logRetention' prop, ${logRetention} days here (default one month: debugging logs, the history table is the record); set logs.RetentionDays.ONE_YEAR or longer where policy requires it and this finding goes away.`,
      });
    }
  }
  Validations.of(deadLetterQueue).acknowledge({
    id: guard('sqs_dlq_check'),
    reason:
      "CT.SQS.PR.1 (queue has a dead-letter queue) counts a queue as a dead-letter queue only if it lets SQS queues redrive into it (allowAll/byQueue). This queue is the dead-letter queue of EventBridge targets, the email subscription and the starter's on-failure destination, never of an SQS queue, so its RedriveAllowPolicy is denyAll; a dead-letter queue of its own would only move the same messages.",
  });
}

/**
 * The function's execution role. `lambda.Function.role` is optional because a function may be given
 * an imported role; the construct never does that, so a missing role is a bug worth naming.
 */
function executionRoleOf(fn: lambda.Function): iam.IRole {
  if (fn.role === undefined) throw new TypeError(`${fn.node.path} has no execution role to acknowledge cdk-nag findings on`);
  return fn.role;
}
