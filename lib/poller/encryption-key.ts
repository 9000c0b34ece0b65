import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * The construct's key (id `Key`, in `scope`): encrypts the alert topic, the dead-letter queue and
 * the log groups, and lets EventBridge and CloudWatch Logs of this account and region use it.
 */
export function encryptionKey(scope: Construct): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'Key', {
    description: 'Encrypts the batch prediction poller alert topic, dead-letter queue and logs',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // EventBridge publishes to the encrypted topic and sends undelivered events to the encrypted
  // dead-letter queue. No aws:SourceAccount / aws:SourceArn condition: the SNS guide says adding
  // them to a KMS key policy "is not supported for EventBridge-to-encrypted topics", and a
  // condition the service does not send makes every alert fail with a permission error, which
  // EventBridge does not retry. What EventBridge may deliver is narrowed by the topic and queue
  // policies instead.
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
  key.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  // CloudWatch Logs writes the encrypted log groups. It binds each use of the key to a log group
  // through the encryption context, which names the account and region; that, not
  // aws:SourceAccount, is the condition CloudWatch Logs documents for its key policy.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  key.grantEncryptDecrypt(
    new iam.PrincipalWithConditions(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`), {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    }),
  );
  // Grants on the key only for AWS resources, or to AWS services: the Control Tower control
  // CT.KMS.PR.3 (the key's default policy lets the account's principals do everything else).
  // https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  return key;
}

/**
 * `service` of this account and region, for using the key on behalf of its `resource` (an ARN
 * pattern: a pattern, because naming the topic, queue or rule itself would make the key policy
 * depend on resources that depend on the key). Guards against the confused deputy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function serviceOfThisAccount(stack: Stack, service: string, resource: string): iam.IPrincipal {
  return new iam.PrincipalWithConditions(new iam.ServicePrincipal(`${service}.amazonaws.com`), {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}` },
  });
}
