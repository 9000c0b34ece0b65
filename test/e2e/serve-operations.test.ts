import type { Server } from 'node:http';
import {
  DescribeBatchPredictionsCommand,
  type DescribeBatchPredictionsCommandInput,
  InvalidInputException,
  MachineLearningClient,
} from '@aws-sdk/client-machine-learning';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
  InvalidArn,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { LocalRuntime } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';
import { startServeEndpoint } from '../../local/cli/serve';
import { until } from './support/served';

// The served endpoint (`npm start -- --serve`) through the real SDK clients, as the aws CLI and
// boto3 reach it: Amazon ML DescribeBatchPredictions' filters, sort and paging, and the Step
// Functions operations, each with its errors.
const START_MS = Date.parse('2026-01-05T00:00:00.000Z');
let runtime: LocalRuntime;
let server: Server;
let ml: MachineLearningClient;
let sfn: SFNClient;

beforeAll(async () => {
  const alice = 'arn:aws:iam::123456789012:user/alice';
  const scenario = validateScenario({
    batchPredictions: [
      {
        id: 'bp-a',
        starts: 0,
        timeline: [
          {
            at: 0,
            status: 'COMPLETED',
            mlModelId: 'ml-a',
            batchPredictionDataSourceId: 'ds-1',
            name: 'Holiday-a',
            createdByIamUser: alice,
            inputDataLocationS3: 's3://in/a.csv',
          },
        ],
      },
      {
        id: 'bp-b',
        starts: 0,
        timeline: [
          {
            at: 60,
            status: 'FAILED',
            mlModelId: 'ml-b',
            batchPredictionDataSourceId: 'ds-2',
            name: 'Churn-b',
            createdByIamUser: 'arn:aws:iam::123456789012:user/bob',
            inputDataLocationS3: 's3://in/b.csv',
          },
        ],
      },
      {
        id: 'bp-c',
        starts: 0,
        timeline: [
          {
            at: 120,
            status: 'DELETED',
            mlModelId: 'ml-a',
            batchPredictionDataSourceId: 'ds-3',
            name: 'Holiday-c',
            createdByIamUser: alice,
            inputDataLocationS3: 's3://other/c.csv',
          },
        ],
      },
      // Runs nobody starts but the tests: one that ends at its first poll, one that never ends.
      {
        id: 'bp-quick',
        starts: 0,
        timeline: [
          { at: 0, status: 'PENDING' },
          { at: 600, status: 'COMPLETED' },
        ],
      },
      { id: 'bp-long', starts: 0, timeline: [{ at: 0, status: 'PENDING' }] },
    ],
  });
  // Discovery off: only the tests start executions.
  runtime = await LocalRuntime.start(scenario, { deployment: synthesizeDeployment({ discovery: false }) });
  const started = await startServeEndpoint(runtime, 0);
  server = started.server;
  const config = {
    endpoint: started.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
  ml = new MachineLearningClient(config);
  sfn = new SFNClient(config);
  // 10 simulated minutes in 30 ms of real time.
  runtime.serve(20_000);
  await until(async () => (runtime.clock.nowMs() > START_MS + 700_000 ? true : undefined));
}, 120_000);

afterAll(async () => {
  ml.destroy();
  sfn.destroy();
  server.close();
  await runtime.stop();
});

describe('Amazon ML DescribeBatchPredictions (served)', () => {
  const ids = async (input: DescribeBatchPredictionsCommandInput) =>
    ((await ml.send(new DescribeBatchPredictionsCommand(input))).Results ?? []).map((r) => r.BatchPredictionId);
  const iso = (seconds: number) => new Date(START_MS + seconds * 1000).toISOString();

  it.each<[DescribeBatchPredictionsCommandInput, string[]]>([
    [{ FilterVariable: 'MLModelId', EQ: 'ml-a' }, ['bp-a', 'bp-c']],
    [{ FilterVariable: 'MLModelId', NE: 'ml-a' }, ['bp-b', 'bp-long', 'bp-quick']],
    [{ FilterVariable: 'MLModelId', GT: 'ml-a' }, ['bp-b', 'bp-long', 'bp-quick']],
    [{ FilterVariable: 'MLModelId', GE: 'ml-b' }, ['bp-b', 'bp-long', 'bp-quick']],
    [{ FilterVariable: 'MLModelId', LT: 'ml-b' }, ['bp-a', 'bp-c']],
    [{ FilterVariable: 'MLModelId', LE: 'ml-a' }, ['bp-a', 'bp-c']],
    [{ FilterVariable: 'MLModelId', Prefix: 'ml-bp-' }, ['bp-long', 'bp-quick']],
    [{ FilterVariable: 'Status', EQ: 'FAILED' }, ['bp-b']],
    [{ FilterVariable: 'Status', Prefix: 'DEL' }, ['bp-c']],
    [{ FilterVariable: 'Status', EQ: 'PENDING' }, ['bp-long']],
    [{ FilterVariable: 'Name', Prefix: 'Holiday' }, ['bp-a', 'bp-c']],
    [{ FilterVariable: 'IAMUser', EQ: 'arn:aws:iam::123456789012:user/alice' }, ['bp-a', 'bp-c']],
    [{ FilterVariable: 'DataSourceId', EQ: 'ds-2' }, ['bp-b']],
    [{ FilterVariable: 'DataURI', Prefix: 's3://in/' }, ['bp-a', 'bp-b']],
    [{ FilterVariable: 'CreatedAt', GT: iso(30) }, ['bp-b', 'bp-c']],
    [{ FilterVariable: 'CreatedAt', GE: iso(60), LT: iso(120) }, ['bp-b']],
    [{ FilterVariable: 'LastUpdatedAt', GE: iso(600) }, ['bp-quick']],
    [{ FilterVariable: 'Name', SortOrder: 'dsc' }, ['bp-c', 'bp-a', 'bp-b', 'bp-quick', 'bp-long']],
    [{ FilterVariable: 'CreatedAt', SortOrder: 'dsc', Prefix: '2026-01-05' }, ['bp-c', 'bp-b', 'bp-a', 'bp-long', 'bp-quick']],
  ])('%j lists %j', async (input, expected) => {
    expect(await ids(input)).toEqual(expected);
  });

  it('answers BatchPrediction fields, without GetBatchPrediction’s presigned LogUri', async () => {
    const { Results } = await ml.send(new DescribeBatchPredictionsCommand({ FilterVariable: 'DataSourceId', EQ: 'ds-1' }));
    expect(Results).toEqual([
      expect.objectContaining({
        BatchPredictionId: 'bp-a',
        MLModelId: 'ml-a',
        Status: 'COMPLETED',
        Name: 'Holiday-a',
        CreatedAt: new Date(START_MS),
        InputDataLocationS3: 's3://in/a.csv',
      }),
    ]);
    expect(Results?.[0]).not.toHaveProperty('LogUri');
  });

  it('pages with Limit and NextToken', async () => {
    const pages: (string | undefined)[][] = [];
    let NextToken: string | undefined;
    do {
      const page = await ml.send(new DescribeBatchPredictionsCommand({ FilterVariable: 'Name', Limit: 2, NextToken }));
      pages.push((page.Results ?? []).map((r) => r.BatchPredictionId));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    expect(pages).toEqual([['bp-long', 'bp-quick'], ['bp-b', 'bp-a'], ['bp-c']]);
  });

  it.each<[string, DescribeBatchPredictionsCommandInput, RegExp]>([
    ['Limit 0', { Limit: 0 }, /Value '0' at 'limit' failed to satisfy constraint/],
    ['Limit 101', { Limit: 101 }, /Value '101' at 'limit'/],
    [
      'an unknown FilterVariable',
      { FilterVariable: 'Id' as never, EQ: 'x' },
      /Value 'Id' at 'filterVariable' failed to satisfy constraint: Member must satisfy enum value set/,
    ],
    ['an unknown SortOrder', { SortOrder: 'desc' as never }, /at 'sortOrder'/],
    ['an operator without FilterVariable', { EQ: 'ml-a' }, /EQ given without a FilterVariable/],
    ['a date that is not one', { FilterVariable: 'CreatedAt', LT: 'tomorrow' }, /not a date for FilterVariable CreatedAt/],
    ['a made-up NextToken', { NextToken: 'page-2' }, /NextToken 'page-2' is not valid for this request/],
  ])('refuses %s with InvalidInputException', async (_label, input, message) => {
    const error = await ml.send(new DescribeBatchPredictionsCommand(input)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputException);
    expect((error as Error).message).toMatch(message);
  });
});

describe('Step Functions (served)', () => {
  const MALFORMED = 'arn:aws:states:us-east-1:123456789012:activity:nope';
  const unknownMachine = () => runtime.stateMachineArn.replace(/:stateMachine:.*/, ':stateMachine:Nope');
  const execution = (name: string) => `${runtime.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  const start = (id: string) =>
    sfn.send(
      new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: id, input: JSON.stringify({ batchPredictionId: id }) }),
    );
  const ended = (executionArn: string) =>
    until(async () => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    });
  const fullHistory = async (input: GetExecutionHistoryCommandInput) => {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ ...input, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return events;
  };

  it('ListStateMachines and DescribeStateMachine describe the synthesized state machine', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    const [machine] = runtime.deployment.stateMachines;
    expect(stateMachines).toEqual([
      { stateMachineArn: machine.arn, name: machine.name, type: 'STANDARD', creationDate: new Date(START_MS) },
    ]);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine.arn }));
    expect(described).toMatchObject({
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: machine.roleArn,
      tracingConfiguration: { enabled: true },
    });
    expect(JSON.parse(described.definition!)).toEqual(machine.definition);
    expect(described.loggingConfiguration).toMatchObject({
      level: 'ALL',
      includeExecutionData: false,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: expect.stringContaining(':log-group:') } }],
    });
  });

  it.each([
    ['DescribeStateMachine', () => sfn.send(new DescribeStateMachineCommand({ stateMachineArn: unknownMachine() }))],
    ['ListExecutions', () => sfn.send(new ListExecutionsCommand({ stateMachineArn: unknownMachine() }))],
    ['StartExecution', () => sfn.send(new StartExecutionCommand({ stateMachineArn: unknownMachine(), name: 'x' }))],
  ])('%s on an unknown state machine is StateMachineDoesNotExist', async (_operation, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    expect((error as Error).message).toBe(`State Machine Does Not Exist: '${unknownMachine()}'`);
  });

  it.each([
    ['DescribeStateMachine', () => sfn.send(new DescribeStateMachineCommand({ stateMachineArn: MALFORMED }))],
    ['ListExecutions', () => sfn.send(new ListExecutionsCommand({ stateMachineArn: 'not-an-arn' }))],
    ['DescribeExecution', () => sfn.send(new DescribeExecutionCommand({ executionArn: runtime.stateMachineArn }))],
    [
      'GetExecutionHistory',
      () => sfn.send(new GetExecutionHistoryCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution' })),
    ],
    ['StopExecution', () => sfn.send(new StopExecutionCommand({ executionArn: MALFORMED }))],
    ['DescribeStateMachineForExecution', () => sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: 'x' }))],
  ])('%s with a malformed ARN is InvalidArn', async (_operation, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArn);
    expect((error as Error).message).toMatch(/^Invalid Arn: '/);
  });

  it('ListExecutions without a state machine ARN is a ValidationException', async () => {
    const error = await sfn.send(new ListExecutionsCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
    );
  });

  it.each([
    ['DescribeExecution', () => sfn.send(new DescribeExecutionCommand({ executionArn: execution('nobody') }))],
    ['GetExecutionHistory', () => sfn.send(new GetExecutionHistoryCommand({ executionArn: execution('nobody') }))],
    ['StopExecution', () => sfn.send(new StopExecutionCommand({ executionArn: execution('nobody') }))],
    [
      'DescribeStateMachineForExecution',
      () => sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: execution('nobody') })),
    ],
  ])('%s of an unknown execution is ExecutionDoesNotExist', async (_operation, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionDoesNotExist);
    expect((error as Error).message).toBe(`Execution Does Not Exist: '${execution('nobody')}'`);
  });

  it('GetExecutionHistory reads a finished run as the console shows it, in order or reversed, in pages, with or without data', async () => {
    const executionArn = (await start('bp-quick')).executionArn!;
    expect((await ended(executionArn)).status).toBe('SUCCEEDED');
    const events = await fullHistory({ executionArn, maxResults: 3 });
    const record = runtime.stepFunctions.describe(executionArn)!;
    expect(events).toHaveLength(record.counts.historyEvents);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({
      type: 'ExecutionStarted',
      previousEventId: 0,
      timestamp: new Date(record.startMs),
      executionStartedEventDetails: { input: '{"batchPredictionId":"bp-quick"}' },
    });
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', timestamp: new Date(record.stopMs!) });
    const types = events.map((e) => e.type);
    expect(types.slice(1, 6)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited']);
    expect(types).toContain('ChoiceStateEntered');
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
    expect(JSON.parse(scheduled.taskScheduledEventDetails!.parameters!)).toMatchObject({
      FunctionName: expect.stringContaining(':function:'),
    });

    const reversed = await fullHistory({ executionArn, reverseOrder: true, maxResults: 1000 });
    expect(reversed.map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());
    const withoutData = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }))).events ?? [];
    expect(withoutData[0].executionStartedEventDetails).not.toHaveProperty('input');
    expect(withoutData.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails).not.toHaveProperty('parameters');

    const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(forExecution).toMatchObject({ stateMachineArn: runtime.stateMachineArn, updateDate: new Date(START_MS) });
    expect(JSON.parse(forExecution.definition!)).toEqual(runtime.deployment.stateMachines[0].definition);
  });

  it.each([
    ['maxResults 1001', { maxResults: 1001 }, ValidationException, /Value '1001' at 'maxResults'/],
    ['a made-up nextToken', { nextToken: 'bogus' }, InvalidToken, /^Invalid Token: 'bogus'/],
  ])('GetExecutionHistory refuses %s', async (_label, extra, type, message) => {
    const error = await sfn
      .send(new GetExecutionHistoryCommand({ executionArn: execution('bp-quick'), ...extra }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('StopExecution stops a polling run for good: ABORTED with its error and cause, stopDate, and no more polls', async () => {
    const executionArn = (await start('bp-long')).executionArn!;
    const polls = () =>
      runtime.machineLearning.calls.filter((c) => c.operation === 'GetBatchPrediction' && c.resource === 'bp-long').length;
    await until(async () => (polls() >= 2 ? true : undefined));
    const { stopDate } = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Operator.Cancelled', cause: 'not needed any more' }),
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator.Cancelled', cause: 'not needed any more', stopDate });
    const pollsAtStop = polls();
    // 300 ms of real time is 100 simulated minutes: a running loop would poll many times.
    await new Promise((r) => setTimeout(r, 300));
    expect(polls()).toBe(pollsAtStop);
    const events = await fullHistory({ executionArn, reverseOrder: true, maxResults: 1 });
    expect(events[0]).toMatchObject({
      type: 'ExecutionAborted',
      timestamp: stopDate,
      executionAbortedEventDetails: { error: 'Operator.Cancelled', cause: 'not needed any more' },
    });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: runtime.stateMachineArn, statusFilter: 'ABORTED' }));
    expect(listed.executions?.map((e) => e.name)).toEqual(['bp-long']);
    // An abort is no error a Catch sees: no ReportFailure, so no Polling Failed event, as in AWS.
    const ofRun = runtime.eventBridge.events
      .filter((e) => e.envelope.detail.batchPredictionId === 'bp-long')
      .map((e) => e.envelope['detail-type']);
    expect(ofRun).toEqual(['Batch Prediction Status Change']);
  });

  it('ListExecutions pages with maxResults and nextToken, newest first', async () => {
    const names: (string | undefined)[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: runtime.stateMachineArn, maxResults: 1, nextToken }));
      expect(page.executions).toHaveLength(1);
      names.push(...(page.executions ?? []).map((e) => e.name));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(names).toEqual(['bp-long', 'bp-quick']);
  });

  it.each([
    ['maxResults -1', { maxResults: -1 }, ValidationException, /Value '-1' at 'maxResults' failed to satisfy constraint/],
    [
      'a nextToken of another request',
      { nextToken: Buffer.from(JSON.stringify({ o: 1, q: 'other' })).toString('base64url') },
      InvalidToken,
      /^Invalid Token: /,
    ],
  ])('ListStateMachines refuses %s', async (_label, extra, type, message) => {
    const error = await sfn.send(new ListStateMachinesCommand(extra)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('StopExecution refuses an error longer than 256 characters with ValidationException', async () => {
    const error = await sfn
      .send(new StopExecutionCommand({ executionArn: execution('bp-long'), error: 'e'.repeat(257) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(/at 'error' failed to satisfy constraint: Member must have length less than or equal to 256/);
  });
});
