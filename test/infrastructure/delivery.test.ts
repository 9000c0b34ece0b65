/**
 * Delivery to subscribers and on-call: rule targets retry and dead-letter into an encrypted,
 * TLS-only queue; alarms on the dead-letter queue, failed and timed-out executions and Lambda
 * errors and throttles, all to the alert topic; encryption at rest and TLS-only policies.
 */
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BatchPredictionPoller } from '../../lib/batch-prediction-poller';
import type { BatchPredictionPollerProps } from '../../lib/poller/props';
import type { BatchPredictionPollerStack } from '../../lib/batch-prediction-poller-stack';
import { TEST_ACCOUNT, TEST_REGION, synth, logicalId, ref, pollerTemplate, arnOf, joinedString, TOKEN } from './synth';

let template: Template;
let stack: BatchPredictionPollerStack;
let cleanup: () => void = () => undefined;

beforeAll(() => {
  const result = synth();
  ({ template, stack } = result);
  cleanup = (result as { cleanup?: () => void }).cleanup ?? cleanup;
});

afterAll(() => cleanup());

const SECURE_TRANSPORT_DENY = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

/** The actions the key policy allows `service` (statements may name several services). */
function keyActionsAllowedTo(t: Template, service: string): string[] {
  const [key] = Object.values(t.findResources('AWS::KMS::Key'));
  const statements = key.Properties.KeyPolicy.Statement as Array<{
    Effect: string;
    Principal?: { Service?: string | string[] };
    Action: string | string[];
  }>;
  return statements
    .filter((s) => s.Effect === 'Allow' && [s.Principal?.Service ?? []].flat().includes(service))
    .flatMap((s) => [s.Action].flat());
}

describe('dead-letter queue of the rule targets', () => {
  it('is one SQS queue, encrypted with the construct key, keeping messages 14 days', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
    expect(logicalId(stack.poller.deadLetterQueue)).toBe(Object.keys(template.findResources('AWS::SQS::Queue'))[0]);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: arnOf(stack.poller.key), MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('its policy denies every request without TLS and lets each rule of the construct, and only it, send', () => {
    const policies = template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [ref(stack.poller.deadLetterQueue)] } });
    expect(Object.keys(policies)).toHaveLength(1);
    const statements = Object.values(policies)[0].Properties.PolicyDocument.Statement as Array<Record<string, any>>;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    );
    const fromEvents = statements.filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'events.amazonaws.com');
    expect(fromEvents.map((s) => s.Condition)).toEqual(
      expect.arrayContaining([
        { ArnEquals: { 'aws:SourceArn': arnOf(stack.poller.failedStatusRule) } },
        { ArnEquals: { 'aws:SourceArn': arnOf(stack.poller.pollingFailedRule) } },
        { ArnEquals: { 'aws:SourceArn': arnOf(stack.poller.discoveryRule!) } },
        { ArnEquals: { 'aws:SourceArn': arnOf(stack.poller.sweeperRule!) } },
      ]),
    );
    // One statement per rule of the stack, each scoped to its rule.
    expect(fromEvents).toHaveLength(Object.keys(template.findResources('AWS::Events::Rule')).length);
    for (const s of fromEvents) expect(s.Action).toBe('sqs:SendMessage');
    // Nothing else may use the queue (no Allow to "*" or to an account).
    for (const s of statements.filter((s) => s.Effect === 'Allow')) expect(Object.keys(s.Principal)).toEqual(['Service']);
  });

  it('EventBridge may use the key to send to the encrypted queue', () => {
    expect(keyActionsAllowedTo(template, 'events.amazonaws.com')).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it.each([
    ['FAILED status', () => stack.poller.failedStatusRule],
    ['Polling Failed', () => stack.poller.pollingFailedRule],
    ['CloudTrail discovery', () => stack.poller.discoveryRule!],
    ['sweeper', () => stack.poller.sweeperRule!],
  ])('the %s rule retries each target for 24 h (185 attempts), then dead-letters it', (_name, rule) => {
    const targets = template.toJSON().Resources[logicalId(rule())].Properties.Targets as Array<Record<string, unknown>>;
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      expect(target).toMatchObject({
        DeadLetterConfig: { Arn: arnOf(stack.poller.deadLetterQueue) },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 },
      });
    }
  });

  it('every target of every rule in the stack has a dead-letter queue and a retry policy', () => {
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      for (const target of rule.Properties.Targets as Array<Record<string, unknown>>) {
        expect(target).toHaveProperty('DeadLetterConfig.Arn');
        expect(target).toHaveProperty('RetryPolicy.MaximumRetryAttempts');
      }
    }
  });
});

describe('alarms', () => {
  const fn = (which: 'poll' | 'report' | 'starter') =>
    which === 'poll' ? stack.poller.pollFunction : which === 'report' ? stack.poller.reportFailureFunction : stack.poller.starterFunction!;
  type Expected = {
    namespace: string;
    metric: string;
    dimension: [string, unknown];
    statistic: string;
    periodSeconds: number;
    periods: number;
  };
  const once = { periods: 1 };
  // Retried by the state machine: only errors in 3 consecutive 5-minute periods persist.
  const persisting = { periods: 3 };
  const lambda = (metric: string, which: 'poll' | 'report' | 'starter', when: { periods: number }) => (): Expected => ({
    namespace: 'AWS/Lambda',
    metric,
    dimension: ['FunctionName', ref(fn(which))],
    statistic: 'Sum',
    periodSeconds: 300,
    ...when,
  });
  const EXPECTED: Array<[string, () => Expected]> = [
    [
      'any message in the dead-letter queue',
      () => ({
        namespace: 'AWS/SQS',
        metric: 'ApproximateNumberOfMessagesVisible',
        dimension: ['QueueName', { 'Fn::GetAtt': [logicalId(stack.poller.deadLetterQueue), 'QueueName'] }],
        statistic: 'Maximum',
        periodSeconds: 60,
        ...once,
      }),
    ],
    [
      'a failed execution',
      () => ({
        namespace: 'AWS/States',
        metric: 'ExecutionsFailed',
        dimension: ['StateMachineArn', ref(stack.poller.stateMachine)],
        statistic: 'Sum',
        periodSeconds: 300,
        ...once,
      }),
    ],
    [
      'a timed-out execution',
      () => ({
        namespace: 'AWS/States',
        metric: 'ExecutionsTimedOut',
        dimension: ['StateMachineArn', ref(stack.poller.stateMachine)],
        statistic: 'Sum',
        periodSeconds: 300,
        ...once,
      }),
    ],
    ['poll function errors in 3 consecutive periods', lambda('Errors', 'poll', persisting)],
    ['poll function throttles in 3 consecutive periods', lambda('Throttles', 'poll', persisting)],
    ['a report-failure function error', lambda('Errors', 'report', once)],
    ['a report-failure function throttle', lambda('Throttles', 'report', once)],
    ['a starter function error', lambda('Errors', 'starter', once)],
    ['a starter function throttle', lambda('Throttles', 'starter', once)],
    // Counted once per sweep (every 15 minutes by default) while an unfinished batch prediction may not be restarted any more.
    [
      'a batch prediction whose automatic restarts are used up',
      () => ({
        namespace: 'BatchPredictionPoller',
        metric: 'RestartsExhausted',
        dimension: ['service', 'batch-prediction-poller'],
        statistic: 'Sum',
        periodSeconds: 900,
        ...once,
      }),
    ],
  ];
  const alarmsFor = (t: Template, e: Expected, actions: unknown[]) =>
    t.findResources('AWS::CloudWatch::Alarm', {
      Properties: {
        Namespace: e.namespace,
        MetricName: e.metric,
        Dimensions: [{ Name: e.dimension[0], Value: e.dimension[1] }],
        Statistic: e.statistic,
        Period: e.periodSeconds,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: e.periods,
        DatapointsToAlarm: e.periods,
        TreatMissingData: 'notBreaching',
        AlarmActions: actions,
      },
    });

  it('there are exactly these alarms, and the construct exposes them all', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', EXPECTED.length);
    expect(stack.poller.alarms.map(logicalId).sort()).toEqual(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort());
  });

  it.each(EXPECTED)('fires on %s (≥ 1 in each evaluated period), notifying the alert topic by default', (_what, expected) => {
    expect(Object.keys(alarmsFor(template, expected(), [ref(stack.poller.alertTopic)]))).toHaveLength(1);
  });

  it('a poll error the retries absorb does not page: the poll alarms need 3 of 3 periods, 15 minutes', () => {
    for (const alarm of [stack.poller.pollErrorsAlarm, stack.poller.pollThrottlesAlarm]) {
      expect(template.toJSON().Resources[logicalId(alarm)].Properties).toMatchObject({
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
    }
  });

  it('the restarts-exhausted alarm evaluates one sweep interval, and exists only with discovery', () => {
    const alarmOf = (t: Template) =>
      Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RestartsExhausted' } })) as Array<{
        Properties: { Period: number };
      }>;
    expect(alarmOf(pollerTemplate({ sweepInterval: Duration.minutes(5) }).template).map((a) => a.Properties.Period)).toEqual([300]);
    expect(alarmOf(pollerTemplate({ discovery: false }).template)).toEqual([]);
  });

  it('deadLetterAlarmTopic sends the dead-letter-queue alarm, and only it, to a second channel', () => {
    const app = new App();
    const s = new Stack(app, 'SecondChannel', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
    const pager = new sns.Topic(s, 'Pager');
    const poller = new BatchPredictionPoller(s, 'Poller', { deadLetterAlarmTopic: pager });
    const t = Template.fromStack(s);
    const alarms = t.toJSON().Resources as Record<string, { Properties: { AlarmActions?: unknown[] } }>;
    expect(alarms[logicalId(poller.deadLetterQueueAlarm)].Properties.AlarmActions).toEqual([ref(pager)]);
    for (const other of poller.alarms.filter((a) => a !== poller.deadLetterQueueAlarm)) {
      expect(alarms[logicalId(other)].Properties.AlarmActions).toEqual([ref(poller.alertTopic)]);
    }
  });

  it('CloudWatch may publish to the encrypted topic: topic policy (this account’s alarms only) and key', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(stack.poller.alertTopic)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT } }),
          }),
        ]),
      },
    });
    expect(keyActionsAllowedTo(template, 'cloudwatch.amazonaws.com')).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
    );
  });
});

describe('key and queue hardening (confused deputy, grants, redrive)', () => {
  type Statement = {
    Sid?: string;
    Effect: string;
    Principal?: any;
    Action: string | string[];
    Resource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  };
  const keyStatements = (t: Template): Statement[] =>
    Object.values(t.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as Statement[];
  /** A condition with its ARN values flattened (`arn:${TOKEN}:...`): partition stays a token. */
  const flat = (condition: Statement['Condition']) =>
    Object.fromEntries(
      Object.entries(condition ?? {}).map(([op, entries]) => [
        op,
        Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, joinedString(v)])),
      ]),
    );
  const withEmail = () => pollerTemplate({ alertEmail: 'on-call@example.com' }).template;

  it('events.amazonaws.com may use the key with no condition (SNS: aws:Source* keys are not supported for EventBridge)', () => {
    const statements = keyStatements(withEmail()).filter(
      (st) => st.Effect === 'Allow' && [st.Principal?.Service ?? []].flat().includes('events.amazonaws.com'),
    );
    expect(statements).toEqual([
      { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
    ]);
  });

  it.each([
    ['cloudwatch.amazonaws.com', `arn:${TOKEN}:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:*`],
    ['sns.amazonaws.com', `arn:${TOKEN}:sns:${TEST_REGION}:${TEST_ACCOUNT}:*`],
  ])('%s may use the key only for this account (aws:SourceAccount) and its resources (aws:SourceArn %s)', (service, sourceArn) => {
    const statements = keyStatements(withEmail()).filter(
      (st) => st.Effect === 'Allow' && [st.Principal?.Service ?? []].flat().includes(service),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(flat(statements[0].Condition)).toEqual({
      StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT },
      ArnLike: { 'aws:SourceArn': sourceArn },
    });
  });

  it("CloudWatch Logs may use the key only for this account's log groups in this region (encryption context)", () => {
    const statements = keyStatements(template).filter(
      (st) => st.Effect === 'Allow' && st.Principal?.Service === `logs.${TEST_REGION}.amazonaws.com`,
    );
    expect(statements).toHaveLength(1);
    expect(flat(statements[0].Condition)).toEqual({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${TOKEN}:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:*` },
    });
  });

  it('every service principal but EventBridge is granted the key under a condition', () => {
    const services = keyStatements(withEmail()).filter((st) => st.Effect === 'Allow' && st.Principal?.Service !== undefined);
    expect(services.length).toBe(4);
    const unconditioned = services.filter((st) => Object.keys(st.Condition ?? {}).length === 0).map((st) => st.Principal.Service);
    expect(unconditioned).toEqual(['events.amazonaws.com']);
  });

  it('denies kms:CreateGrant unless the grant is for an AWS resource or the caller is an AWS service (CT.KMS.PR.3)', () => {
    expect(keyStatements(template).filter((st) => [st.Action].flat().includes('kms:CreateGrant') && st.Effect === 'Deny')).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      },
    ]);
  });

  it('the dead-letter queue refuses to be any queue’s dead-letter queue (RedriveAllowPolicy denyAll)', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: arnOf(stack.poller.key),
      RedriveAllowPolicy: { redrivePermission: 'denyAll' },
    });
  });

  it('the topic policy lets EventBridge publish with no Condition block (EventBridge guide: none are supported for SNS)', () => {
    const [policy] = Object.values(
      template.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [ref(stack.poller.alertTopic)] } }),
    );
    const fromEvents = (policy.Properties.PolicyDocument.Statement as Statement[]).filter(
      (st) => st.Principal?.Service === 'events.amazonaws.com',
    );
    // One statement per alert rule (FailedStatusRule, PollingFailedRule), as before.
    expect(fromEvents).toHaveLength(2);
    for (const st of fromEvents) {
      expect(st).toEqual({
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: ref(stack.poller.alertTopic),
      });
    }
  });
});

describe('encryption at rest and in transit', () => {
  it('the table, the topic and the queue are encrypted at rest', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true } });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(stack.poller.key) });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: arnOf(stack.poller.key) });
  });

  it('the topic and the queue deny requests without TLS', () => {
    for (const type of ['AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy']) {
      template.hasResourceProperties(type, { PolicyDocument: { Statement: Match.arrayWith([SECURE_TRANSPORT_DENY]) } });
    }
  });

  it('every log group keeps logs for a limited time and is encrypted with the key', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups)
      expect(group.Properties).toMatchObject({ RetentionInDays: expect.any(Number), KmsKeyId: arnOf(stack.poller.key) });
  });

  it('the handler roles have no managed policy; each may write to its own log group only', () => {
    for (const handler of [stack.poller.pollFunction, stack.poller.reportFailureFunction, stack.poller.starterFunction!]) {
      const role = template.toJSON().Resources[logicalId(handler.role!)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const logGroupId = template.toJSON().Resources[logicalId(handler)].Properties.LoggingConfig.LogGroup.Ref as string;
      const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [ref(handler.role!)] } }));
      const logStatements = policies
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
      expect(logStatements).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      ]);
    }
  });
});

describe('options', () => {
  it('takes the retry policy of the targets from targetRetryAttempts and targetMaxEventAge, and dead-letters alert emails too', () => {
    const { template: t, poller } = pollerTemplate({
      targetRetryAttempts: 10,
      targetMaxEventAge: Duration.hours(2),
      alertEmail: 'on-call@example.com',
    });
    for (const rule of Object.values(t.findResources('AWS::Events::Rule'))) {
      for (const target of rule.Properties.Targets)
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
    }
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'on-call@example.com',
      RedrivePolicy: {
        deadLetterTargetArn: {
          'Fn::GetAtt': [Stack.of(poller).resolve((poller.deadLetterQueue.node.defaultChild as CfnElement).logicalId), 'Arn'],
        },
      },
    });
    // SNS sends undeliverable emails to the encrypted queue.
    expect(keyActionsAllowedTo(t, 'sns.amazonaws.com')).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it.each([
    [{ targetRetryAttempts: -1 }, /targetRetryAttempts/],
    [{ targetRetryAttempts: 186 }, /targetRetryAttempts/],
    [{ targetRetryAttempts: 1.5 }, /targetRetryAttempts/],
    [{ targetMaxEventAge: Duration.seconds(59) }, /targetMaxEventAge/],
    [{ targetMaxEventAge: Duration.hours(25) }, /targetMaxEventAge/],
  ] as Array<[BatchPredictionPollerProps, RegExp]>)('rejects %p', (props, message) => {
    const app = new App();
    const s = new Stack(app, 'Invalid', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
    expect(() => new BatchPredictionPoller(s, 'Poller', props)).toThrow(message);
  });
});
