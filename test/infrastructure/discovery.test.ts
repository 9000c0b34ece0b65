/**
 * Discovery (the CloudTrail rule and the sweeper schedule, both starting runs through the starter
 * function), the EventBridge schema registry and the dashboard; and the props that switch them off
 * or tune them.
 */
import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../lib/app';
import { LOCAL_HANDLER_METADATA } from '../../lib/contract/handlers';
import { STARTER_ASYNC_RETRY_ATTEMPTS } from '../../lib/poller/discovery';
import type { BatchPredictionPollerStack } from '../../lib/batch-prediction-poller-stack';
import { ALL_STATUSES } from '../../lib/contract/events';
import { DEFAULT_SWEEP_MINUTES } from '../../lib/contract/defaults';
import { EnvVar } from '../../lib/contract/environment';
import { PollerMetric, SERVICE_NAME } from '../../lib/contract/observability';
import type { StarterRequest } from '../../lib/contract/loop-state';
import { EVENT_SCHEMAS } from '../../lib/contract/schemas';
import * as starterHandlerModule from '../../lambda/starter/starter-handler';
import { matchesEventPattern } from '../../local/core/event-pattern-matcher';
import {
  TEST_ACCOUNT,
  TEST_REGION,
  asArray,
  contextFromCdkJson,
  iamPolicyStatements,
  joinedString,
  synth,
  logicalId,
  ref,
  pollerTemplate,
  arnOf,
  TOKEN,
} from './synth';

let template: Template;
let stack: BatchPredictionPollerStack;
let cleanup: () => void = () => undefined;

beforeAll(() => {
  ({ template, stack, cleanup } = synth());
});

afterAll(() => cleanup());

type Target = Record<string, any>;
const resourceOf = (t: Template, construct: IConstruct) =>
  t.toJSON().Resources[logicalId(construct)] as { Type: string; Properties: Record<string, any> };
const targetsOf = (t: Template, construct: IConstruct) => resourceOf(t, construct).Properties.Targets as Target[];

/**
 * What EventBridge sends for an InputTransformer: each `<name>` replaced by the value at its path;
 * outside quotes the value goes in as JSON (a string keeps its quotes).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
function transform(transformer: { InputPathsMap: Record<string, string>; InputTemplate: string }, event: Record<string, unknown>): string {
  const at = (path: string): unknown =>
    path
      .replace(/^\$\./, '')
      .split('.')
      .reduce<any>((value, key) => value?.[key], event);
  return transformer.InputTemplate.replace(/<([^<>]+)>/g, (_match, name: string) => JSON.stringify(at(transformer.InputPathsMap[name])));
}

/** CloudTrail's `CreateBatchPrediction` record as EventBridge delivers it on the default bus. */
const CLOUDTRAIL_EVENT = {
  version: '0',
  id: '6f4a1e2b-0000-4000-8000-000000000000',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.machinelearning',
  account: TEST_ACCOUNT,
  time: '2024-05-01T09:00:00Z',
  region: TEST_REGION,
  resources: [],
  detail: {
    eventSource: 'machinelearning.amazonaws.com',
    eventName: 'CreateBatchPrediction',
    requestParameters: {
      batchPredictionId: 'bp-nightly-42',
      mLModelId: 'ml-1',
      batchPredictionDataSourceId: 'ds-1',
      outputUri: 's3://bucket/out/',
    },
    responseElements: { batchPredictionId: 'bp-nightly-42' },
  },
};

describe('starter function', () => {
  it('exists by default, with the contract variables naming the state machine (its Ref is the ARN) and the restart policy', () => {
    const starter = stack.poller.starterFunction;
    expect(starter).toBeDefined();
    const { Properties } = resourceOf(template, starter!);
    expect(Properties.Environment.Variables).toEqual({
      [EnvVar.STATE_MACHINE_ARN]: ref(stack.poller.stateMachine),
      [EnvVar.MAX_RESTARTS]: '3',
      [EnvVar.RESTART_BACKOFF_SECONDS]: '900',
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    });
  });

  it('runs lambda/starter/starter-handler.ts, whose handler the named factory builds, bundled into the shipped asset (local runtime metadata)', () => {
    const metadata = resourceOf(template, stack.poller.starterFunction!) as unknown as { Metadata: Record<string, unknown> };
    expect(metadata.Metadata[LOCAL_HANDLER_METADATA]).toEqual({
      entry: 'lambda/starter/starter-handler.ts',
      asset: 'assets/lambda/starter-handler/index.js',
      factory: 'createStarterHandler',
      constructId: 'StarterFunction',
    });
    expect(typeof starterHandlerModule.createStarterHandler).toBe('function');
    expect(typeof starterHandlerModule.handler).toBe('function');
  });

  it.each([
    ['discovery', () => stack.poller.discoveryRule!],
    ['sweeper', () => stack.poller.sweeperRule!],
  ])('only EventBridge, for the %s rule, may invoke it', (_name, rule) => {
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: { FunctionName: arnOf(stack.poller.starterFunction!), SourceArn: arnOf(rule()) },
    });
    expect(Object.values(permissions).map((p) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(stack.poller.starterFunction!),
        Principal: 'events.amazonaws.com',
        SourceArn: arnOf(rule()),
      },
    ]);
  });

  it('no other Lambda permission names it', () => {
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: arnOf(stack.poller.starterFunction!) } }),
    );
    expect(permissions.map((p) => p.Properties.SourceArn).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      [arnOf(stack.poller.discoveryRule!), arnOf(stack.poller.sweeperRule!)].sort((a, b) =>
        JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
    );
  });
});

describe("starter's asynchronous invocations (after EventBridge has handed the event to Lambda)", () => {
  it('a failed invocation is retried twice, then its record goes to the dead-letter queue (on-failure destination); events wait at most an hour', () => {
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(stack.poller.starterFunction!),
      Qualifier: '$LATEST',
      MaximumRetryAttempts: STARTER_ASYNC_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: arnOf(stack.poller.deadLetterQueue) } },
    });
    expect(STARTER_ASYNC_RETRY_ATTEMPTS).toBe(2);
  });

  it('lets the starter role send to that queue, and only send (Lambda sends the record with the execution role), with the key for its encryption', () => {
    const starterRole = ref(stack.poller.starterFunction!.role!);
    const ofStarter = iamPolicyStatements(template).filter(({ roles }) =>
      roles.some((r) => JSON.stringify(r) === JSON.stringify(starterRole)),
    );
    const sqs = ofStarter.filter(({ statement }) => asArray(statement.Action).some((a) => String(a).startsWith('sqs:')));
    expect(sqs.map(({ statement }) => [asArray(statement.Action), asArray(statement.Resource)])).toEqual([
      [['sqs:SendMessage'], [arnOf(stack.poller.deadLetterQueue)]],
    ]);
    const kms = ofStarter.filter(({ statement }) => asArray(statement.Action).some((a) => String(a).startsWith('kms:')));
    expect(kms.map(({ statement }) => [[...asArray(statement.Action)].sort(), asArray(statement.Resource)])).toEqual([
      [['kms:Decrypt', 'kms:GenerateDataKey'], [arnOf(stack.poller.key)]],
    ]);
    // The queue is encrypted with that key, and the dead-letter-queue alarm watches it.
    expect(resourceOf(template, stack.poller.deadLetterQueue).Properties.KmsMasterKeyId).toEqual(arnOf(stack.poller.key));
    const alarm = resourceOf(template, stack.poller.deadLetterQueueAlarm).Properties;
    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    expect(alarm.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.poller.deadLetterQueue), 'QueueName'] } },
    ]);
  });

  it('the poll and report-failure functions (invoked synchronously by the state machine) get no asynchronous configuration and no queue access', () => {
    for (const fn of [stack.poller.pollFunction, stack.poller.reportFailureFunction]) {
      const role = ref(fn.role!);
      const ofRole = iamPolicyStatements(template).filter(({ roles }) => roles.some((r) => JSON.stringify(r) === JSON.stringify(role)));
      expect(ofRole.flatMap(({ statement }) => asArray(statement.Action)).filter((a) => /^(sqs|kms):/.test(String(a)))).toEqual([]);
    }
  });
});

describe('CloudTrail discovery rule', () => {
  let rule: { Properties: Record<string, any> };
  let target: Target;

  beforeAll(() => {
    rule = resourceOf(template, stack.poller.discoveryRule!);
    const targets = targetsOf(template, stack.poller.discoveryRule!);
    expect(targets).toHaveLength(1);
    [target] = targets;
  });

  it('is on the default bus (CloudTrail delivers AWS API calls there only) and enabled', () => {
    expect([undefined, 'default']).toContain(rule.Properties.EventBusName);
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.ScheduleExpression).toBeUndefined();
  });

  it('matches successful CreateBatchPrediction calls of Amazon ML reported by CloudTrail (no errorCode), and nothing more specific', () => {
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.machinelearning'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['machinelearning.amazonaws.com'], eventName: ['CreateBatchPrediction'], errorCode: [{ exists: false }] },
    });
  });

  it.each([
    ['a successful call', true, CLOUDTRAIL_EVENT],
    [
      'a failed call (CloudTrail records it with errorCode)',
      false,
      {
        ...CLOUDTRAIL_EVENT,
        detail: { ...CLOUDTRAIL_EVENT.detail, errorCode: 'ValidationException', errorMessage: 'No such model', responseElements: null },
      },
    ],
  ])('for %s, matches is %s (EventBridge pattern semantics)', (_name, matches, event) => {
    expect(matchesEventPattern(rule.Properties.EventPattern, event)).toBe(matches);
  });

  it('invokes the starter with {"source":"cloudtrail","batchPredictionId":<the requested id>}', () => {
    expect(target.Arn).toEqual(arnOf(stack.poller.starterFunction!));
    expect(target.Input).toBeUndefined();
    const { InputPathsMap, InputTemplate } = target.InputTransformer as { InputPathsMap: Record<string, string>; InputTemplate: string };
    expect(Object.values(InputPathsMap)).toEqual(['$.detail.requestParameters.batchPredictionId']);
    const [name] = Object.keys(InputPathsMap);
    // Unquoted: EventBridge inserts the id as a JSON string.
    expect(InputTemplate).toBe(`{"source":"cloudtrail","batchPredictionId":<${name}>}`);
    const request: StarterRequest = { source: 'cloudtrail', batchPredictionId: 'bp-nightly-42' };
    expect(JSON.parse(transform(target.InputTransformer, CLOUDTRAIL_EVENT))).toEqual(request);
  });

  it('retries delivery for 24 h (185 attempts), then dead-letters into the construct queue', () => {
    expect(target.DeadLetterConfig).toEqual({ Arn: arnOf(stack.poller.deadLetterQueue) });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 });
  });
});

describe('sweeper rule', () => {
  let rule: { Properties: Record<string, any> };
  let target: Target;

  beforeAll(() => {
    rule = resourceOf(template, stack.poller.sweeperRule!);
    const targets = targetsOf(template, stack.poller.sweeperRule!);
    expect(targets).toHaveLength(1);
    [target] = targets;
  });

  it(`runs every ${DEFAULT_SWEEP_MINUTES} minutes by default, on a schedule (no pattern, default bus)`, () => {
    expect(DEFAULT_SWEEP_MINUTES).toBe(15);
    expect(rule.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(rule.Properties.EventPattern).toBeUndefined();
    expect([undefined, 'default']).toContain(rule.Properties.EventBusName);
    expect(rule.Properties.State).toBe('ENABLED');
  });

  it('invokes the starter with the constant input {"source":"sweeper"}', () => {
    expect(target.Arn).toEqual(arnOf(stack.poller.starterFunction!));
    expect(target.InputTransformer).toBeUndefined();
    expect(target.Input).toBe('{"source":"sweeper"}');
    const request: StarterRequest = { source: 'sweeper' };
    expect(JSON.parse(target.Input as string)).toEqual(request);
  });

  it('retries delivery for 24 h (185 attempts), then dead-letters into the construct queue', () => {
    expect(target.DeadLetterConfig).toEqual({ Arn: arnOf(stack.poller.deadLetterQueue) });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 });
  });
});

describe('schema registry', () => {
  it('is one registry holding the two event schemas (JSON Schema draft-04), exactly as lib/contract/schemas.ts builds them', () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    expect(stack.poller.schemaRegistry).toBeDefined();
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema'));
    expect(schemas).toHaveLength(2);
    expect(EVENT_SCHEMAS).toHaveLength(2);
    for (const expected of EVENT_SCHEMAS) {
      const matching = schemas.filter((s) => s.Properties.SchemaName === expected.name);
      expect(matching).toHaveLength(1);
      const [{ Properties }] = matching;
      expect(Properties.Type).toBe('JSONSchemaDraft4');
      expect(Properties.RegistryName).toEqual({ 'Fn::GetAtt': [logicalId(stack.poller.schemaRegistry!), 'RegistryName'] });
      // A plain string (no token inside), which parses back to the contract's schema.
      expect(typeof Properties.Content).toBe('string');
      expect(JSON.parse(Properties.Content as string)).toEqual(expected.schema);
      expect((expected.schema as { $schema?: string }).$schema).toBe('http://json-schema.org/draft-04/schema#');
    }
  });
});

describe('dashboard', () => {
  let body: string;
  /** Every metric line of every widget: [namespace, metricName, ...dimension name/value pairs, options?]. */
  let metrics: unknown[][];

  beforeAll(() => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(logicalId(stack.poller.dashboard)).toBe(Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    // The body is a Fn::Join of JSON text and tokens that all sit inside JSON strings.
    body = joinedString(dashboard.Properties.DashboardBody, TOKEN);
    const parsed = JSON.parse(body) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
    metrics = parsed.widgets.flatMap((w) => w.properties.metrics ?? []);
  });

  const names = (namespace: string) => metrics.filter((m) => m[0] === namespace).map((m) => m[1]);

  it('mentions the custom namespace and metrics, cold starts, the dead-letter queue depth and started runs', () => {
    for (const text of [
      PollerMetric.NAMESPACE,
      'StatusTransitions',
      'PollErrors',
      'ColdStart',
      'ApproximateNumberOfMessagesVisible',
      'ExecutionsStarted',
    ]) {
      expect(body).toContain(text);
    }
    expect(PollerMetric).toMatchObject({
      NAMESPACE: 'BatchPredictionPoller',
      STATUS_TRANSITIONS: 'StatusTransitions',
      POLL_ERRORS: 'PollErrors',
      COLD_START: 'ColdStart',
    });
  });

  it('graphs transitions for every status, with the service and status dimensions the handlers emit', () => {
    const transitions = metrics.filter((m) => m[0] === PollerMetric.NAMESPACE && m[1] === PollerMetric.STATUS_TRANSITIONS);
    expect(transitions.map((m) => m.slice(2, 6))).toEqual(ALL_STATUSES.map((status) => ['service', SERVICE_NAME, 'status', status]));
  });

  it('graphs poll errors, a cold-start line per function (three with discovery on), and the AWS metrics', () => {
    expect(names(PollerMetric.NAMESPACE).filter((n) => n === PollerMetric.POLL_ERRORS)).toHaveLength(1);
    expect(names(PollerMetric.NAMESPACE).filter((n) => n === PollerMetric.COLD_START)).toHaveLength(3);
    expect(names('AWS/SQS')).toEqual(['ApproximateNumberOfMessagesVisible']);
    expect(names('AWS/States')).toEqual(
      expect.arrayContaining(['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut']),
    );
    expect(names('AWS/Lambda')).toEqual(expect.arrayContaining(['Errors', 'Duration']));
  });
});

describe('switching discovery off through context (-c discovery=false)', () => {
  let t: Template;
  let s: BatchPredictionPollerStack;

  beforeAll(() => {
    // Same app as `cdk synth -c discovery=false`, without writing a cloud assembly.
    const app = new App({ context: { ...contextFromCdkJson(), discovery: 'false' } });
    process.env.CDK_DEFAULT_ACCOUNT = TEST_ACCOUNT;
    process.env.CDK_DEFAULT_REGION = TEST_REGION;
    ({ stack: s } = buildApp(app));
    t = Template.fromStack(s);
  });

  it('creates no starter, no discovery or sweeper rule, and no starter alarm', () => {
    expect(s.poller.starterFunction).toBeUndefined();
    expect(s.poller.discoveryRule).toBeUndefined();
    expect(s.poller.sweeperRule).toBeUndefined();
    t.resourceCountIs('AWS::Lambda::Function', 2);
    t.resourceCountIs('AWS::Lambda::Permission', 0);
    expect(Object.keys(t.findResources('AWS::Events::Rule')).sort()).toEqual(
      [logicalId(s.poller.failedStatusRule), logicalId(s.poller.pollingFailedRule)].sort(),
    );
    t.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    expect(s.poller.alarms).toHaveLength(7);
  });

  it('grants DescribeBatchPredictions to no one, and StartExecution to the state machine only', () => {
    const statements = iamPolicyStatements(t);
    const actions = statements.flatMap(({ statement }) => asArray(statement.Action));
    expect(actions).not.toContain('machinelearning:DescribeBatchPredictions');
    const start = statements.filter(({ statement }) => asArray(statement.Action).includes('states:StartExecution'));
    expect(start.map(({ roles }) => roles)).toEqual([[ref(s.poller.stateMachine.role)]]);
  });

  it('keeps the schema registry (a separate switch)', () => {
    t.resourceCountIs('AWS::EventSchemas::Registry', 1);
    t.resourceCountIs('AWS::EventSchemas::Schema', 2);
  });
});

describe('construct props', () => {
  it('discovery: false, schemaRegistry: false → no starter, no discovery or sweeper rule, no registry', () => {
    const { template: t, poller } = pollerTemplate({ discovery: false, schemaRegistry: false });
    expect(poller.starterFunction).toBeUndefined();
    expect(poller.discoveryRule).toBeUndefined();
    expect(poller.sweeperRule).toBeUndefined();
    expect(poller.schemaRegistry).toBeUndefined();
    t.resourceCountIs('AWS::Lambda::Function', 2);
    // Only the two alert rules, both on the poller's bus.
    t.resourceCountIs('AWS::Events::Rule', 2);
    expect(Object.keys(t.findResources('AWS::Events::Rule', { Properties: { EventBusName: ref(poller.eventBus) } }))).toHaveLength(2);
    t.resourceCountIs('AWS::EventSchemas::Registry', 0);
    t.resourceCountIs('AWS::EventSchemas::Schema', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    // The dashboard stays, graphing the two loop functions only.
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
    const body = joinedString(dashboard.Properties.DashboardBody, TOKEN);
    expect(body).not.toContain('StarterFunction');
    expect(body.match(/"ColdStart"/g)).toHaveLength(2);
  });

  it('sweepInterval: 5 minutes → rate(5 minutes)', () => {
    const { template: t, poller } = pollerTemplate({ sweepInterval: Duration.minutes(5) });
    expect(resourceOf(t, poller.sweeperRule!).Properties.ScheduleExpression).toBe('rate(5 minutes)');
    // Discovery and the registry are on by default.
    expect(poller.discoveryRule).toBeDefined();
    t.resourceCountIs('AWS::EventSchemas::Registry', 1);
  });

  it('maxRestarts and restartBackoff reach the starter through the contract variables', () => {
    const { template: t, poller } = pollerTemplate({ maxRestarts: 0, restartBackoff: Duration.minutes(5) });
    expect(resourceOf(t, poller.starterFunction!).Properties.Environment.Variables).toMatchObject({
      [EnvVar.MAX_RESTARTS]: '0',
      [EnvVar.RESTART_BACKOFF_SECONDS]: '300',
    });
  });

  it('schemaRegistry: false alone keeps discovery', () => {
    const { template: t, poller } = pollerTemplate({ schemaRegistry: false });
    t.resourceCountIs('AWS::EventSchemas::Registry', 0);
    t.resourceCountIs('AWS::EventSchemas::Schema', 0);
    expect(poller.starterFunction).toBeDefined();
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Arn: arnOf(poller.starterFunction!) })],
    });
  });
});
