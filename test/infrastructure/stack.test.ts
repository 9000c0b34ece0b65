import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type BatchPredictionPollerStack, StackOutput } from '../../lib/batch-prediction-poller-stack';
import { BatchPredictionStatus, DEFAULT_EVENT_SOURCE, DetailType } from '../../lib/contract/events';
import {
  DEFAULT_MAX_POLLS_PER_EXECUTION,
  DEFAULT_MAX_RESTARTS,
  DEFAULT_RESTART_BACKOFF_SECONDS,
  DEFAULT_MAX_RUN_SECONDS,
} from '../../lib/contract/defaults';
import { DEFAULT_POLL_INTERVAL_POLICY } from '../../lib/contract/poll-interval-policy';
import { EnvVar } from '../../lib/contract/environment';
import { HistoryTable } from '../../lib/contract/history';
import { LAMBDA_CRASH_ERROR_NAMES, LAMBDA_SERVICE_ERROR_NAMES, PollerErrorName, TRANSIENT_ERROR_NAMES } from '../../lib/contract/errors';
import { type PolicyStatementJson, TEST_ACCOUNT, asArray, joinedString, synth, logicalId, arnOf, ref, TOKEN } from './synth';

const SEVEN_DAYS = 7 * 24 * 3600;

let template: Template;
let stack: BatchPredictionPollerStack;
let cleanup: () => void = () => undefined;

beforeAll(() => {
  ({ template, stack, cleanup } = synth());
});

afterAll(() => cleanup());

/** The logical ids of the resources of `type` that match `props` (an objectLike pattern). */
function idsMatching(type: string, props: Record<string, unknown>): string[] {
  return Object.keys(template.findResources(type, { Properties: props }));
}

/** The three handlers, by name; their resources are looked up once the stack is synthesized. */
const FUNCTIONS: Array<[string, (s: BatchPredictionPollerStack) => IConstruct]> = [
  ['poll', (s) => s.poller.pollFunction],
  ['report-failure', (s) => s.poller.reportFailureFunction],
  ['starter', (s) => s.poller.starterFunction!],
];

describe('Lambda functions', () => {
  it('there are exactly the three handlers (discovery is on by default)', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
    expect(stack.poller.starterFunction).toBeDefined();
  });

  // The latest Node.js runtime this CDK version knows (cdk-nag AwsSolutions-L1 / Serverless-LambdaLatestVersion).
  it.each(FUNCTIONS)('%s: Node.js 24 on arm64 with active X-Ray tracing', (_name, fn) => {
    expect(
      idsMatching('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
      }),
    ).toContain(logicalId(fn(stack)));
  });

  /** The contract's variables each handler gets, with the stack defaults; no handler gets any other. */
  const loopEnvironment = (): Record<string, unknown> => ({
    [EnvVar.EVENT_BUS_NAME]: ref(stack.poller.eventBus),
    [EnvVar.EVENT_SOURCE]: DEFAULT_EVENT_SOURCE,
    [EnvVar.HISTORY_TABLE_NAME]: ref(stack.poller.historyTable),
    [EnvVar.POLL_INTERVAL_POLICY]: JSON.stringify(DEFAULT_POLL_INTERVAL_POLICY),
    [EnvVar.MAX_RUN_SECONDS]: String(DEFAULT_MAX_RUN_SECONDS),
    [EnvVar.MAX_POLLS_PER_EXECUTION]: String(DEFAULT_MAX_POLLS_PER_EXECUTION),
    [EnvVar.ACCOUNT_ID]: TEST_ACCOUNT,
    // The handlers build ARNs with it, so it must follow the deployment partition (aws-cn, ...).
    [EnvVar.PARTITION]: { Ref: 'AWS::Partition' },
  });
  const ENVIRONMENTS: Record<string, () => Record<string, unknown>> = {
    poll: loopEnvironment,
    'report-failure': loopEnvironment,
    // The starter only starts runs: the state machine, nothing of the loop's configuration.
    starter: () => ({
      [EnvVar.STATE_MACHINE_ARN]: ref(stack.poller.stateMachine),
      [EnvVar.MAX_RESTARTS]: String(DEFAULT_MAX_RESTARTS),
      [EnvVar.RESTART_BACKOFF_SECONDS]: String(DEFAULT_RESTART_BACKOFF_SECONDS),
    }),
  };
  const CONTRACT_VARIABLES: readonly string[] = Object.values(EnvVar);

  it('the table below covers every variable the contract names; STATE_MACHINE_ARN goes to the starter only', () => {
    // Guards the table: a variable added to the contract must be asserted here too.
    const covered = new Set(Object.values(ENVIRONMENTS).flatMap((env) => Object.keys(env())));
    expect([...covered].sort()).toEqual([...CONTRACT_VARIABLES].sort());
    expect(
      Object.entries(ENVIRONMENTS)
        .filter(([, env]) => EnvVar.STATE_MACHINE_ARN in env())
        .map(([name]) => name),
    ).toEqual(['starter']);
  });

  it.each(FUNCTIONS)('%s: sets exactly its contract variables, with the stack defaults', (name, fn) => {
    const expected = ENVIRONMENTS[name]();
    expect(idsMatching('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike(expected) } })).toContain(
      logicalId(fn(stack)),
    );
    // No contract variable beyond its own (the loop handlers never learn the state machine ARN).
    const variables = template.toJSON().Resources[logicalId(fn(stack))].Properties.Environment.Variables as Record<string, unknown>;
    expect(
      Object.keys(variables)
        .filter((key) => CONTRACT_VARIABLES.includes(key))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  it.each(FUNCTIONS)('%s: logs to its own log group, which has a retention', (_name, fn) => {
    const resource = template.toJSON().Resources[logicalId(fn(stack))];
    const logGroupRef = resource.Properties.LoggingConfig?.LogGroup as { Ref: string } | undefined;
    expect(logGroupRef).toEqual({ Ref: expect.any(String) });
    expect(template.toJSON().Resources[logGroupRef!.Ref]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: expect.any(Number) },
    });
  });

  it('every log group in the stack has a retention (none keeps logs forever)', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).length).toBeGreaterThanOrEqual(4); // three handlers + the state machine, at least
    for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toEqual(expect.any(Number));
  });
});

/** The parts of an Amazon States Language document these tests read. */
interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}
interface AslCatcher {
  ErrorEquals: string[];
  ResultPath?: string | null;
  Next: string;
}
interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  OutputPath?: string;
  ResultPath?: string | null;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  Choices?: Array<Record<string, unknown> & { Next: string }>;
  Default?: string;
  SecondsPath?: string;
  ErrorPath?: string;
  CausePath?: string;
  QueryLanguage?: string;
}
interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
}

describe('state machine', () => {
  let machine: Record<string, any>;
  let asl: AslDefinition;
  const state = (name: string): AslState => {
    const found = asl.States[name];
    if (found === undefined) throw new Error(`no state "${name}"; states: ${Object.keys(asl.States).join(', ')}`);
    return found;
  };
  const sameSet = (a: readonly string[], b: readonly string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');

  beforeAll(() => {
    machine = template.toJSON().Resources[logicalId(stack.poller.stateMachine)].Properties;
    // DefinitionString is a Fn::Join of JSON text and tokens (partition, function ARNs); the tokens
    // all sit inside JSON strings, so a placeholder keeps the document parseable.
    asl = JSON.parse(joinedString(machine.DefinitionString, TOKEN)) as AslDefinition;
  });

  it('is a Standard state machine with X-Ray tracing and ALL-level logging', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({
        Level: 'ALL',
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PollerStateMachineLogs'), 'Arn'] } } },
        ],
      }),
    });
  });

  it('logs to a group under /aws/vendedlogs/states/ named after the state machine, keeping its logical id', () => {
    const logGroupId = machine.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
    expect(logGroupId).toBe('PollerStateMachineLogs27689342');
    expect(template.toJSON().Resources[logGroupId].Properties.LogGroupName).toBe(`/aws/vendedlogs/states/${machine.StateMachineName}`);
  });

  it('starts at Poll, a Lambda invoke whose output is the handler payload', () => {
    expect(asl.StartAt).toBe('Poll');
    expect(state('Poll')).toMatchObject({
      Type: 'Task',
      Resource: `arn:${TOKEN}:states:::lambda:invoke`,
      // The handler returns the whole next loop state; without this the state would be Lambda's envelope.
      OutputPath: '$.Payload',
      Next: 'IsTerminal',
      Parameters: { FunctionName: TOKEN },
    });
  });

  it('hands Poll its loop state, the execution and which attempt this is, from the context object', () => {
    expect(state('Poll').Parameters).toMatchObject({
      Payload: {
        'state.$': '$',
        execution: { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'startTime.$': '$$.Execution.StartTime' },
        // Only a retry or a redriven execution pays for looking up a crashed attempt's write.
        attempt: { 'retryCount.$': '$$.State.RetryCount', 'redriveCount.$': '$$.Execution.RedriveCount' },
      },
    });
  });

  // Lambda's own transient errors on both Lambda tasks; the handler's transient errors on Poll.
  it.each([
    ['Poll', 'Lambda service errors', LAMBDA_SERVICE_ERROR_NAMES],
    ['Poll', 'transient dependency errors', TRANSIENT_ERROR_NAMES],
    ['ReportFailure', 'Lambda service errors', LAMBDA_SERVICE_ERROR_NAMES],
    ['Poll', 'crashes and timeouts of the function', LAMBDA_CRASH_ERROR_NAMES],
    ['ReportFailure', 'crashes and timeouts of the function', LAMBDA_CRASH_ERROR_NAMES],
  ])('%s retries %s with full-jitter exponential backoff, a bounded number of times', (name, _what, errors) => {
    const retriers = (state(name).Retry ?? []).filter((r) => sameSet(r.ErrorEquals, errors));
    expect(retriers).toHaveLength(1);
    const [retrier] = retriers;
    expect(retrier).toMatchObject({ JitterStrategy: 'FULL', BackoffRate: 2 });
    expect(retrier.MaxAttempts).toBeGreaterThanOrEqual(1);
    expect(retrier.MaxAttempts).toBeLessThanOrEqual(10);
  });

  it('Poll retries nothing else: permanent errors (not found, bad input, access denied) go straight to the catch', () => {
    const retried = (state('Poll').Retry ?? []).flatMap((r) => r.ErrorEquals);
    expect([...retried].sort()).toEqual([...LAMBDA_SERVICE_ERROR_NAMES, ...LAMBDA_CRASH_ERROR_NAMES, ...TRANSIENT_ERROR_NAMES].sort());
    expect(retried).not.toContain('States.ALL');
  });

  // The names Step Functions reports for Lambda's own failures, as its documentation lists them.
  // https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
  it.each([
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
    'Lambda.Unknown',
    'Sandbox.Timedout',
  ])('Poll and ReportFailure both retry %s', (name) => {
    for (const task of ['Poll', 'ReportFailure']) expect((state(task).Retry ?? []).some((r) => r.ErrorEquals.includes(name))).toBe(true);
  });

  it('a crash or timeout is retried at most 3 times, 5 s apart at first, each wait capped at a minute', () => {
    for (const task of ['Poll', 'ReportFailure']) {
      const [retrier] = (state(task).Retry ?? []).filter((r) => sameSet(r.ErrorEquals, LAMBDA_CRASH_ERROR_NAMES));
      expect(retrier).toMatchObject({ IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' });
    }
  });

  it('Poll catches every error into $.failure and reports it; an input that is no object first goes where no ResultPath is applied to it', () => {
    expect(state('Poll').Catch).toEqual([
      { ErrorEquals: [PollerErrorName.INPUT_NOT_AN_OBJECT], ResultPath: null, Next: 'RejectNonObjectInput' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ReportFailure' },
    ]);
  });

  it('RejectNonObjectInput wraps the input in an object with an INVALID_INPUT failure and reports it', () => {
    expect(state('RejectNonObjectInput')).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      Parameters: {
        'input.$': '$',
        failure: { Error: PollerErrorName.INVALID_INPUT, Cause: expect.stringMatching(/must be a JSON object/) },
      },
      Next: 'ReportFailure',
    });
  });

  it('IsTerminal ends on a terminal status first, then hands over, else waits', () => {
    // Order matters: a run whose last poll is both terminal and at the hand-over limit must end.
    expect(state('IsTerminal')).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.terminal', BooleanEquals: true, Next: 'Done' },
        { Variable: '$.continueAsNew', BooleanEquals: true, Next: 'ContinueAsNew' },
      ],
      Default: 'WaitBeforeNextPoll',
    });
    expect(state('Done').Type).toBe('Succeed');
  });

  it('WaitBeforeNextPoll waits the seconds the handler computed, then polls again', () => {
    expect(state('WaitBeforeNextPoll')).toEqual({ Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Poll' });
  });

  it('ContinueAsNew starts this same state machine with the handed-over name and input, without waiting for it', () => {
    const continueAsNew = state('ContinueAsNew');
    expect(continueAsNew).toMatchObject({
      Type: 'Task',
      // Not `.sync`: each execution would otherwise stay open until the whole run ends.
      Resource: `arn:${TOKEN}:states:::states:startExecution`,
      Parameters: { 'Name.$': '$.continuation.executionName', 'Input.$': '$.continuation.input' },
      Next: 'HandedOver',
    });
    // The state machine starts itself: its ARN is built from the name set at synthesis time.
    expect(continueAsNew.Parameters?.StateMachineArn).toBe(
      `arn:${TOKEN}:states:us-east-1:${TEST_ACCOUNT}:stateMachine:${machine.StateMachineName}`,
    );
    expect(state('HandedOver').Type).toBe('Succeed');
  });

  it('ContinueAsNew treats an already-started next execution as a completed hand-over, before the catch-all', () => {
    const catchers = state('ContinueAsNew').Catch ?? [];
    expect(catchers[0]).toMatchObject({ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], Next: 'HandedOver' });
    expect(catchers[catchers.length - 1]).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ReportFailure' });
  });

  it('ReportFailure keeps $.failure intact and always ends in PollingFailed, even when the report itself fails', () => {
    const report = state('ReportFailure');
    expect(report).toMatchObject({ Type: 'Task', Resource: `arn:${TOKEN}:states:::lambda:invoke`, Next: 'PollingFailed' });
    expect(report.ResultPath).not.toBe('$.failure');
    expect(report.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'PollingFailed' })]);
    expect(report.Catch?.[0].ResultPath).not.toBe('$.failure');
  });

  it('PollingFailed fails the execution with the original error', () => {
    expect(state('PollingFailed')).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });
  });

  it('has an execution timeout above 7 days (and above the run deadline) but at most 7 days + 2 h', () => {
    // The handler fails the run with TIMED_OUT at its deadline; the uncatchable execution timeout
    // is only a backstop and must not fire first.
    expect(asl.TimeoutSeconds).toBeGreaterThan(SEVEN_DAYS);
    expect(asl.TimeoutSeconds).toBeGreaterThan(DEFAULT_MAX_RUN_SECONDS);
    expect(asl.TimeoutSeconds).toBeLessThanOrEqual(SEVEN_DAYS + 2 * 3600);
  });

  it('never replaces the whole state with a result, and uses JSONPath (no QueryLanguage)', () => {
    // ResultPath "$" would drop the loop state carried between polls.
    for (const [name, s] of Object.entries(asl.States)) {
      expect({ name, resultPath: s.ResultPath }).not.toEqual({ name, resultPath: '$' });
      for (const c of s.Catch ?? []) expect({ name, catchResultPath: c.ResultPath }).not.toEqual({ name, catchResultPath: '$' });
      expect({ name, queryLanguage: s.QueryLanguage }).toEqual({ name, queryLanguage: undefined });
    }
    expect(asl).not.toHaveProperty('QueryLanguage');
  });

  it('every transition targets an existing state, and every state is reachable', () => {
    const targets = (s: AslState) =>
      [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].filter(
        (t): t is string => t !== undefined,
      );
    const reachable = new Set<string>([asl.StartAt]);
    const queue = [asl.StartAt];
    while (queue.length > 0) {
      for (const next of targets(state(queue.shift()!))) {
        if (!reachable.has(next)) {
          reachable.add(next);
          queue.push(next);
        }
      }
    }
    expect([...reachable].sort()).toEqual(Object.keys(asl.States).sort());
  });
});

describe('history table', () => {
  it('is keyed by batch prediction id and transition key, on demand, with PITR and encryption, and retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: HistoryTable.PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: HistoryTable.SORT_KEY, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: HistoryTable.PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: HistoryTable.SORT_KEY, AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      // The history outlives the stack: deleting or replacing the stack must not delete it.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('event bus and alert rules', () => {
  it('creates an event bus', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });

  it('has exactly four rules: two alert rules on the bus, the discovery rule and the sweeper schedule', () => {
    template.resourceCountIs('AWS::Events::Rule', 4);
    expect(idsMatching('AWS::Events::Rule', { EventBusName: ref(stack.poller.eventBus) }).sort()).toEqual(
      [logicalId(stack.poller.failedStatusRule), logicalId(stack.poller.pollingFailedRule)].sort(),
    );
    expect(Object.keys(template.findResources('AWS::Events::Rule')).sort()).toEqual(
      [stack.poller.failedStatusRule, stack.poller.pollingFailedRule, stack.poller.discoveryRule!, stack.poller.sweeperRule!]
        .map(logicalId)
        .sort(),
    );
  });

  it.each([
    [
      'FAILED status changes',
      { source: [DEFAULT_EVENT_SOURCE], 'detail-type': [DetailType.STATUS_CHANGE], detail: { status: [BatchPredictionStatus.FAILED] } },
    ],
    ['failed polling runs', { source: [DEFAULT_EVENT_SOURCE], 'detail-type': [DetailType.POLLING_FAILED] }],
  ])('a rule on the bus matches %s and sends a message naming the batch prediction to the alert topic', (_what, pattern) => {
    // Match.exact: a stray extra filter (e.g. on detail) would silently drop alerts.
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { EventBusName: ref(stack.poller.eventBus), EventPattern: Match.exact(pattern), State: 'ENABLED' },
    });
    expect(Object.keys(rules)).toHaveLength(1);
    const [rule] = Object.values(rules);
    const topicTargets = (rule.Properties.Targets as Array<Record<string, any>>).filter(
      (t) => JSON.stringify(t.Arn) === JSON.stringify(ref(stack.poller.alertTopic)),
    );
    expect(topicTargets).toHaveLength(1);
    const { InputPathsMap, InputTemplate } = topicTargets[0].InputTransformer as {
      InputPathsMap: Record<string, string>;
      InputTemplate: string;
    };
    // The template refers to paths through the placeholder names of InputPathsMap.
    const idPlaceholder = Object.keys(InputPathsMap).find((key) => InputPathsMap[key] === '$.detail.batchPredictionId');
    expect(idPlaceholder).toBeDefined();
    expect(InputTemplate).toContain(`<${idPlaceholder}>`);
  });
});

describe('alert topic and key', () => {
  /**
   * Actions the key policy allows to a service principal. Read from the statements rather than
   * matched as one: with minimizePolicies CDK merges principals that share actions into one statement.
   */
  const keyActionsAllowedTo = (service: string): string[] => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    return (key.Properties.KeyPolicy.Statement as PolicyStatementJson[])
      .filter(
        (st) => st.Effect === 'Allow' && asArray((st.Principal as { Service?: string | string[] } | undefined)?.Service).includes(service),
      )
      .flatMap((st) => asArray(st.Action));
  };

  it('the topic is encrypted with the stack key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(stack.poller.key) });
  });

  it('the topic policy denies publishing without TLS and lets EventBridge publish', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(stack.poller.alertTopic)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  it('the key rotates', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('the key policy lets EventBridge use the key for the encrypted topic', () => {
    // Without these EventBridge cannot deliver to an encrypted topic, and alerts are lost silently.
    expect(keyActionsAllowedTo('events.amazonaws.com')).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it('the state machine log group is encrypted with the key, which CloudWatch Logs of the region may use', () => {
    const machine = template.toJSON().Resources[logicalId(stack.poller.stateMachine)].Properties;
    const logGroupId = machine.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
    expect(idsMatching('AWS::Logs::LogGroup', { KmsKeyId: arnOf(stack.poller.key) })).toContain(logGroupId);
    expect(keyActionsAllowedTo('logs.us-east-1.amazonaws.com')).toEqual(
      expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*']),
    );
  });
});

describe('outputs', () => {
  it.each([
    [StackOutput.STATE_MACHINE_ARN, (s: BatchPredictionPollerStack) => ref(s.poller.stateMachine)],
    [StackOutput.EVENT_BUS_NAME, (s: BatchPredictionPollerStack) => ref(s.poller.eventBus)],
    [StackOutput.HISTORY_TABLE_NAME, (s: BatchPredictionPollerStack) => ref(s.poller.historyTable)],
    [StackOutput.ALERT_TOPIC_ARN, (s: BatchPredictionPollerStack) => ref(s.poller.alertTopic)],
  ])('%s', (name, value) => {
    template.hasOutput(name, { Value: value(stack) });
  });

  it('the table above covers every output name', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(Object.values(StackOutput).sort());
  });
});
