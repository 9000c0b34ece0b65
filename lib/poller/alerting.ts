import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AlertTopicTarget } from './alert-topic-target';
import { BatchPredictionStatus, DetailType } from '../contract/events';
import { serviceOfThisAccount } from './encryption-key';

/** The retry policy and dead-letter queue of every rule target of the construct. */
export interface TargetDelivery {
  readonly deadLetterQueue: sqs.IQueue;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

/** What {@link alerting} needs. */
export interface AlertingOptions {
  readonly key: kms.IKey;
  readonly eventBus: events.IEventBus;
  readonly eventSource: string;
  /** A topic to use instead of creating one. */
  readonly alertTopic?: sns.ITopic;
  readonly alertEmail?: string;
  readonly targetRetryAttempts: number;
  readonly targetMaxEventAge: Duration;
}

/** The alerting resources: where alerts go and the rules that send them. */
export interface Alerting {
  readonly alertTopic: sns.ITopic;
  readonly deadLetterQueue: sqs.Queue;
  readonly delivery: TargetDelivery;
  readonly failedStatusRule: events.Rule;
  readonly pollingFailedRule: events.Rule;
}

/**
 * The alert topic (`AlertTopic`, unless one is given), the dead-letter queue (`DeadLetterQueue`),
 * the optional email subscription, and the rules that alert on FAILED batch predictions
 * (`FailedStatusRule`) and failed polling runs (`PollingFailedRule`), all in `scope`.
 */
export function alerting(scope: Construct, options: AlertingOptions): Alerting {
  const stack = Stack.of(scope);
  const { key, eventBus, eventSource } = options;
  const alertTopic =
    options.alertTopic ?? new sns.Topic(scope, 'AlertTopic', { displayName: 'Batch prediction alerts', masterKey: key, enforceSSL: true });
  if (options.alertTopic === undefined) {
    // CloudWatch alarms publish to the encrypted topic: the topic policy (which replaces SNS's
    // default one) must let CloudWatch publish for this account's alarms, and the key must let it
    // encrypt. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alertTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    key.grant(serviceOfThisAccount(stack, 'cloudwatch', 'alarm:*'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  }

  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // No queue may name this one as its dead-letter queue: it only collects undelivered alerts.
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
  });
  if (options.alertEmail !== undefined) {
    // Emails SNS cannot deliver go to the dead-letter queue too (SNS needs the key for it).
    key.grant(serviceOfThisAccount(stack, 'sns', '*'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    alertTopic.addSubscription(new subscriptions.EmailSubscription(options.alertEmail, { deadLetterQueue }));
  }
  // Every rule target of the construct: retried by EventBridge, then dead-lettered (the target
  // adds the queue policy letting this rule, and only it, send to the queue).
  const delivery: TargetDelivery = { deadLetterQueue, retryAttempts: options.targetRetryAttempts, maxEventAge: options.targetMaxEventAge };
  const field = (path: string) => events.EventField.fromPath(path);

  const failedStatusRule = new events.Rule(scope, 'FailedStatusRule', {
    eventBus,
    description: 'Alerts when a batch prediction reaches FAILED',
    eventPattern: { source: [eventSource], detailType: [DetailType.STATUS_CHANGE], detail: { status: [BatchPredictionStatus.FAILED] } },
  });
  failedStatusRule.addTarget(
    new AlertTopicTarget(alertTopic, {
      ...delivery,
      message: events.RuleTargetInput.fromText(
        `Batch prediction ${field('$.detail.batchPredictionId')} (model ${field('$.detail.batchPrediction.mlModelId')}) FAILED at ${field(
          '$.detail.observedAt',
        )}: ${field('$.detail.batchPrediction.message')}`,
      ),
    }),
  );

  const pollingFailedRule = new events.Rule(scope, 'PollingFailedRule', {
    eventBus,
    description: 'Alerts when a polling run fails',
    eventPattern: { source: [eventSource], detailType: [DetailType.POLLING_FAILED] },
  });
  pollingFailedRule.addTarget(
    new AlertTopicTarget(alertTopic, {
      ...delivery,
      message: events.RuleTargetInput.fromText(
        `Polling batch prediction ${field('$.detail.batchPredictionId')} failed (${field('$.detail.reason')}, ${field('$.detail.error')}) at ${field(
          '$.detail.observedAt',
        )}; last status ${field('$.detail.lastStatus')}: ${field('$.detail.cause')}`,
      ),
    }),
  );
  return { alertTopic, deadLetterQueue, delivery, failedStatusRule, pollingFailedRule };
}
