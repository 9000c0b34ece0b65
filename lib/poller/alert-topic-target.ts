import { type Duration, Names } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** Options of {@link AlertTopicTarget}: the message, and the delivery retries and dead-letter queue. */
export interface AlertTopicTargetProps {
  /** The message EventBridge publishes. */
  readonly message: events.RuleTargetInput;
  /** Where EventBridge sends an event it could not deliver after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Delivery attempts after the first one (0 to 185). */
  readonly retryAttempts: number;
  /** How long EventBridge keeps retrying (1 minute to 24 hours). */
  readonly maxEventAge: Duration;
}

/**
 * A rule target publishing to an SNS topic, like `aws-events-targets`' `SnsTopic`: the topic policy
 * lets `events.amazonaws.com` publish with no Condition, the shape `SnsTopic` writes, since the
 * EventBridge guide says "You can't use Condition blocks in Amazon SNS topic policies for
 * EventBridge". Unlike `SnsTopic` it grants nothing on the topic's key (`grantPublish` would add a
 * second key-policy statement): the construct grants EventBridge its key use itself. The
 * dead-letter queue's policy stays conditioned on the rule's ARN, a shape the EventBridge guide
 * documents for dead-letter queues.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html
 */
export class AlertTopicTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly props: AlertTopicTargetProps,
  ) {}

  /** Adds the topic and dead-letter queue policy statements for `rule` and returns its target. */
  bind(rule: events.IRule, _id?: string): events.RuleTargetConfig {
    const fromThisRule = { ArnEquals: { 'aws:SourceArn': rule.ruleArn } };
    const sid = `AllowEventRule${Names.nodeUniqueId(rule.node)}`;
    // A topic the construct did not create has no policy it can change (addToResourcePolicy is a
    // no-op); the README asks its owner to let EventBridge publish.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
    );
    this.props.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.props.deadLetterQueue.queueArn],
        conditions: fromThisRule,
      }),
    );
    return {
      arn: this.topic.topicArn,
      input: this.props.message,
      targetResource: this.topic,
      deadLetterConfig: { arn: this.props.deadLetterQueue.queueArn },
      retryPolicy: {
        maximumRetryAttempts: this.props.retryAttempts,
        maximumEventAgeInSeconds: this.props.maxEventAge.toSeconds({ integral: true }),
      },
    };
  }
}
