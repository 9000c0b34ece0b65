/**
 * watch, history and list against mocked CloudFormation, Step Functions and DynamoDB: what they
 * call, what they print (text and --json) and their exit codes.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { type CliOutput, executionArnFor, watch } from '../../cli/commands';
import { createClients } from '../../cli/main';
import type { TransitionRecord } from '../../lambda/shared/ports';
import {
  CHURN,
  CHURN_RUN_1,
  CHURN_RUN_2,
  REGION,
  RUN_1,
  SCORES,
  STACK,
  STATE_MACHINE_ARN,
  TABLE,
  cloudFormation,
  dynamoDb,
  resetMocks,
  restoreMocks,
  run,
  stepFunctions,
} from './support';

const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:BatchPredictionPoller-Poller:bp-scores';
const doesNotExist = () => new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: { httpStatusCode: 400 } });
const alreadyExists = () =>
  new ExecutionAlreadyExists({ message: 'Execution Already Exists: bp-scores', $metadata: { httpStatusCode: 400 } });

beforeEach(resetMocks);
afterAll(restoreMocks);

/** Answers Query with the given records of the queried id, in pages of `pageSize`. */
function historyTable(records: readonly TransitionRecord[], pageSize = 100): void {
  dynamoDb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: { ':id': string }; ExclusiveStartKey?: { page: number } }) => {
    const items = records.filter((r) => r.batchPredictionId === input.ExpressionAttributeValues[':id']);
    const page = input.ExclusiveStartKey?.page ?? 0;
    const slice = items.slice(page * pageSize, (page + 1) * pageSize);
    const more = (page + 1) * pageSize < items.length;
    return { Items: slice, LastEvaluatedKey: more ? { page: page + 1 } : undefined };
  });
}

describe('executionArnFor', () => {
  test('turns the state machine ARN into the execution ARN', () => {
    expect(executionArnFor(STATE_MACHINE_ARN, 'bp-scores')).toBe(EXECUTION_ARN);
  });
});

describe('watch', () => {
  test('starts an execution named after the id with the id as input', async () => {
    stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date('2024-05-01T12:00:00.000Z') });
    const { code, stdout, stderr } = await run(['watch', 'bp-scores']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`polling bp-scores: execution bp-scores running since 2024-05-01T12:00:00.000Z (${EXECUTION_ARN})`);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
    expect(stepFunctions).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(stepFunctions).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'bp-scores',
      input: '{"batchPredictionId":"bp-scores"}',
    });
  });

  test('--json prints the execution', async () => {
    stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date('2024-05-01T12:00:00.000Z') });
    const { code, stdout } = await run(['watch', 'bp-scores', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      batchPredictionId: 'bp-scores',
      outcome: 'started',
      executionName: 'bp-scores',
      executionArn: EXECUTION_ARN,
      status: 'RUNNING',
      startDate: '2024-05-01T12:00:00.000Z',
    });
  });

  test('already being polled: describes the running execution, exit 0', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(alreadyExists());
    stepFunctions.on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN }).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'RUNNING',
      startDate: new Date('2024-05-01T10:00:00.000Z'),
    });
    const { code, stdout, stderr } = await run(['watch', 'bp-scores']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`bp-scores is already being polled: execution bp-scores running since 2024-05-01T10:00:00.000Z (${EXECUTION_ARN})`);
    expect(stepFunctions).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
  });

  test('follows continue-as-new hand-overs to the running execution', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(alreadyExists());
    const handedOver = (next: string) =>
      JSON.stringify({
        batchPredictionId: 'bp-scores',
        continueAsNew: true,
        continuation: { executionName: next, input: { batchPredictionId: 'bp-scores' } },
      });
    stepFunctions
      .on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN })
      .resolves({
        status: 'SUCCEEDED',
        startDate: new Date('2024-05-01T00:00:00Z'),
        stopDate: new Date('2024-05-02T00:00:00Z'),
        output: handedOver('bp-scores+g2'),
      })
      .on(DescribeExecutionCommand, { executionArn: `${EXECUTION_ARN}+g2` })
      .resolves({
        status: 'SUCCEEDED',
        startDate: new Date('2024-05-02T00:00:00Z'),
        stopDate: new Date('2024-05-03T00:00:00Z'),
        output: handedOver('bp-scores+g3'),
      })
      .on(DescribeExecutionCommand, { executionArn: `${EXECUTION_ARN}+g3` })
      .resolves({ executionArn: `${EXECUTION_ARN}+g3`, status: 'RUNNING', startDate: new Date('2024-05-03T00:00:00.000Z') });
    const { code, stdout } = await run(['watch', 'bp-scores', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      outcome: 'already-running',
      executionName: 'bp-scores+g3',
      status: 'RUNNING',
      startDate: '2024-05-03T00:00:00.000Z',
    });
    // bp-scores, bp-scores+r1 (no restart: the mock answers nothing), +g2, +g3.
    expect(stepFunctions).toHaveReceivedCommandTimes(DescribeExecutionCommand, 4);
  });

  test('a hand-over whose next execution is missing reports the last one found', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(alreadyExists());
    stepFunctions
      .on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN })
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify({ continueAsNew: true, continuation: { executionName: 'bp-scores+g2' } }) })
      .on(DescribeExecutionCommand, { executionArn: `${EXECUTION_ARN}+g2` })
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    const { code, stderr } = await run(['watch', 'bp-scores']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^batch-prediction-poller: bp-scores was already polled to a terminal status \(execution bp-scores ended SUCCEEDED\)/,
    );
  });

  test('polled to the end before: explains, exit 1', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(alreadyExists());
    stepFunctions
      .on(DescribeExecutionCommand)
      .rejects(doesNotExist())
      .on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN })
      .resolves({
        executionArn: EXECUTION_ARN,
        status: 'SUCCEEDED',
        startDate: new Date('2024-05-01T10:00:00.000Z'),
        stopDate: new Date('2024-05-01T11:00:30.000Z'),
        output: JSON.stringify({ batchPredictionId: 'bp-scores', terminal: true, continueAsNew: false }),
      });
    const { code, stdout, stderr } = await run(['watch', 'bp-scores']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'batch-prediction-poller: bp-scores was already polled to a terminal status (execution bp-scores ended SUCCEEDED at 2024-05-01T11:00:30.000Z), so there is nothing left to watch; Step Functions keeps an execution name for 90 days after it ends; see batch-prediction-poller history bp-scores',
    );
  });

  test('a failed earlier run: explains with its error and how it is restarted, exit 1; --json still prints the execution', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(alreadyExists());
    stepFunctions
      .on(DescribeExecutionCommand)
      .rejects(doesNotExist())
      .on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN })
      .resolves({
        executionArn: EXECUTION_ARN,
        status: 'FAILED',
        startDate: new Date('2024-05-01T10:00:00.000Z'),
        stopDate: new Date('2024-05-01T10:00:03.000Z'),
        error: 'BatchPredictionNotFoundError',
        cause: 'Amazon ML has no batch prediction with id "bp-scores"\nin this account',
      });
    const { code, stdout, stderr } = await run(['watch', 'bp-scores', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      outcome: 'already-finished',
      status: 'FAILED',
      error: 'BatchPredictionNotFoundError',
      stopDate: '2024-05-01T10:00:03.000Z',
    });
    expect(stderr).toBe(
      'batch-prediction-poller: bp-scores was polled before and that run did not finish (execution bp-scores ended FAILED at 2024-05-01T10:00:03.000Z: BatchPredictionNotFoundError (Amazon ML has no batch prediction with id "bp-scores" in this account)); with discovery on, the sweeper restarts such a run by itself while Amazon ML reports the job PENDING or INPROGRESS (up to the stack\'s maxRestarts, default 3, 15 min × 2^(N-1) after the run ended); to restart it now, run batch-prediction-poller watch --restart bp-scores (starts bp-scores+r1); see batch-prediction-poller history bp-scores',
    );
  });

  test('a stopped earlier run (ABORTED): says the sweeper leaves it stopped and how to restart it, exit 1', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(alreadyExists());
    stepFunctions
      .on(DescribeExecutionCommand)
      .rejects(doesNotExist())
      .on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN })
      .resolves({
        executionArn: EXECUTION_ARN,
        status: 'ABORTED',
        startDate: new Date('2024-05-01T10:00:00.000Z'),
        stopDate: new Date('2024-05-01T10:30:00.000Z'),
      });
    const { code, stdout, stderr } = await run(['watch', 'bp-scores']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'batch-prediction-poller: bp-scores was polled before and that run was stopped (execution bp-scores ended ABORTED at 2024-05-01T10:30:00.000Z); the sweeper leaves a stopped run stopped; to poll it again, run batch-prediction-poller watch --restart bp-scores (starts bp-scores+r1); see batch-prediction-poller history bp-scores',
    );
  });

  test('the state machine named by the outputs is gone', async () => {
    stepFunctions
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('State Machine Does Not Exist'), { name: 'StateMachineDoesNotExist', $metadata: {} }));
    const { code, stderr } = await run(['watch', 'bp-scores']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `batch-prediction-poller: the state machine ${STATE_MACHINE_ARN} named by stack ${STACK}'s outputs is not there: StateMachineDoesNotExist: State Machine Does Not Exist; redeploy the stack with npx cdk deploy`,
    );
  });

  test('access denied on StartExecution names the permission', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(
      Object.assign(new Error('User: arn:aws:iam::1:user/ro is not authorized to perform: states:StartExecution'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { code, stderr } = await run(['watch', 'bp-scores']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "batch-prediction-poller: states:StartExecution was denied in eu-west-1: User: arn:aws:iam::1:user/ro is not authorized to perform: states:StartExecution; use credentials allowed to call states:StartExecution on the poller's resources",
    );
  });

  test('can be called directly with injected clients and an output sink', async () => {
    stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date('2024-05-01T12:00:00.000Z') });
    const lines: string[] = [];
    const output: CliOutput = { stdout: (t) => lines.push(t), stderr: (t) => lines.push(`ERR ${t}`) };
    const clients = createClients(REGION);
    expect(clients.stepFunctions).toBeInstanceOf(SFNClient);
    await expect(watch({ clients, output, stackName: STACK, region: REGION, json: false }, 'bp-scores')).resolves.toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^polling bp-scores: /)]);
  });
});

describe('watch --restart', () => {
  const FAILED = {
    status: 'FAILED',
    startDate: new Date('2024-05-01T10:00:00.000Z'),
    stopDate: new Date('2024-05-01T10:05:00.000Z'),
    error: 'MachineLearningUnavailableError',
  };
  /** DescribeExecution answers for these names only; ExecutionDoesNotExist for any other. */
  function executionsAre(byName: Record<string, object>): void {
    stepFunctions.on(DescribeExecutionCommand).rejects(doesNotExist());
    for (const [name, answer] of Object.entries(byName))
      stepFunctions
        .on(DescribeExecutionCommand, { executionArn: executionArnFor(STATE_MACHINE_ARN, name) })
        .resolves({ executionArn: executionArnFor(STATE_MACHINE_ARN, name), ...answer });
  }

  test('a first run that FAILED: starts restart 1, <id>+r1, with the same input, without trying <id> again; exit 0', async () => {
    executionsAre({ 'bp-scores': FAILED });
    stepFunctions
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${EXECUTION_ARN}+r1`, startDate: new Date('2024-05-01T12:00:00.000Z') });
    const { code, stdout, stderr } = await run(['watch', '--restart', 'bp-scores']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      `restarted polling bp-scores: execution bp-scores+r1 running since 2024-05-01T12:00:00.000Z (${EXECUTION_ARN}+r1), restart 1, a new run; the previous run's execution bp-scores ended FAILED at 2024-05-01T10:05:00.000Z: MachineLearningUnavailableError`,
    );
    expect(stepFunctions).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(stepFunctions).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'bp-scores+r1',
      input: '{"batchPredictionId":"bp-scores"}',
    });
  });

  test('after two failed restarts: starts restart 3; --json says so', async () => {
    executionsAre({
      'bp-scores': FAILED,
      'bp-scores+r1': FAILED,
      'bp-scores+r2': { ...FAILED, status: 'TIMED_OUT', error: 'States.Timeout' },
    });
    stepFunctions
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${EXECUTION_ARN}+r3`, startDate: new Date('2024-05-01T12:00:00.000Z') });
    const { code, stdout } = await run(['watch', 'bp-scores', '--restart', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      batchPredictionId: 'bp-scores',
      outcome: 'restarted',
      executionName: 'bp-scores+r3',
      executionArn: `${EXECUTION_ARN}+r3`,
      status: 'RUNNING',
      startDate: '2024-05-01T12:00:00.000Z',
      restart: 3,
      previous: { executionName: 'bp-scores+r2', status: 'TIMED_OUT', stopDate: '2024-05-01T10:05:00.000Z', error: 'States.Timeout' },
    });
  });

  test('a restart already running (the sweeper started it): says so, starts nothing, exit 0', async () => {
    executionsAre({ 'bp-scores': FAILED, 'bp-scores+r1': { status: 'RUNNING', startDate: new Date('2024-05-01T10:20:00.000Z') } });
    const { code, stdout } = await run(['watch', '--restart', 'bp-scores']);
    expect(code).toBe(0);
    expect(stdout).toBe(
      `bp-scores is already being polled: execution bp-scores+r1 running since 2024-05-01T10:20:00.000Z, restart 1 (${EXECUTION_ARN}+r1)`,
    );
    expect(stepFunctions).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  test('without --restart, a running restart is found too: exit 0', async () => {
    stepFunctions.on(StartExecutionCommand).rejects(alreadyExists());
    executionsAre({
      'bp-scores': FAILED,
      'bp-scores+r1': { status: 'SUCCEEDED', stopDate: new Date('2024-05-01T11:00:00.000Z') },
      'bp-scores+r1+g2': { status: 'RUNNING', startDate: new Date('2024-05-01T11:00:00.000Z') },
    });
    const { code, stdout } = await run(['watch', 'bp-scores', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      outcome: 'already-running',
      executionName: 'bp-scores+r1+g2',
      restart: 1,
      status: 'RUNNING',
    });
  });

  test('a run that SUCCEEDED saw a terminal status: nothing to restart, exit 1', async () => {
    executionsAre({ 'bp-scores': { status: 'SUCCEEDED', stopDate: new Date('2024-05-01T11:00:30.000Z') } });
    const { code, stderr } = await run(['watch', '--restart', 'bp-scores']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'batch-prediction-poller: bp-scores was already polled to a terminal status (execution bp-scores ended SUCCEEDED at 2024-05-01T11:00:30.000Z), so there is nothing left to restart; Step Functions keeps an execution name for 90 days after it ends; see batch-prediction-poller history bp-scores',
    );
    expect(stepFunctions).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  test('an id never polled: --restart starts its first run', async () => {
    executionsAre({});
    stepFunctions.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date('2024-05-01T12:00:00.000Z') });
    const { code, stdout } = await run(['watch', '--restart', 'bp-scores']);
    expect(code).toBe(0);
    expect(stdout).toBe(`polling bp-scores: execution bp-scores running since 2024-05-01T12:00:00.000Z (${EXECUTION_ARN})`);
    expect(stepFunctions).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'bp-scores' });
  });

  test('access denied on DescribeExecution names the permission', async () => {
    stepFunctions.on(DescribeExecutionCommand).rejects(
      Object.assign(new Error('not authorized to perform: states:DescribeExecution'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { code, stderr } = await run(['watch', '--restart', 'bp-scores']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^batch-prediction-poller: states:DescribeExecution was denied/);
  });
});

describe('history', () => {
  test('one run: a timeline with the time spent in the previous status', async () => {
    historyTable([...SCORES, ...CHURN]);
    const { code, stdout, stderr } = await run(['history', 'bp-scores']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual([
      'bp-scores: 3 transitions in 1 run',
      '',
      `run ${RUN_1}`,
      '  OBSERVED AT               TRANSITION              IN PREVIOUS  EVENT',
      '  2024-05-01T10:00:05.000Z  — → PENDING             —            evt-bp-scores-1',
      '  2024-05-01T10:10:30.000Z  PENDING → INPROGRESS    10m 25s      evt-bp-scores-2',
      '  2024-05-01T11:00:30.000Z  INPROGRESS → COMPLETED  50m          evt-bp-scores-3',
      '',
      'final status: COMPLETED since 2024-05-01T11:00:30.000Z',
    ]);
    expect(dynamoDb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      KeyConditionExpression: '#pk = :id',
      ExpressionAttributeValues: { ':id': 'bp-scores' },
    });
  });

  test('several runs: grouped by run; a non-terminal latest status shows how long so far', async () => {
    historyTable(CHURN, 1); // one item per page: every page is read
    const { code, stdout } = await run(['history', 'bp-churn']);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'bp-churn: 4 transitions in 2 runs',
      '',
      `run ${CHURN_RUN_1}`,
      '  OBSERVED AT               TRANSITION        IN PREVIOUS  EVENT',
      '  2024-04-20T08:00:01.000Z  — → PENDING       —            evt-bp-churn-1',
      '  2024-04-21T10:30:01.000Z  PENDING → FAILED  1d 2h        evt-bp-churn-2',
      '',
      `run ${CHURN_RUN_2}`,
      '  OBSERVED AT               TRANSITION            IN PREVIOUS  EVENT',
      '  2024-05-01T09:00:02.000Z  — → PENDING           —            evt-bp-churn-1',
      '  2024-05-01T09:00:47.000Z  PENDING → INPROGRESS  45s          evt-bp-churn-2 (not published yet)',
      '',
      'latest status: INPROGRESS since 2024-05-01T09:00:47.000Z (2h 59m ago)',
    ]);
    expect(dynamoDb).toHaveReceivedCommandTimes(QueryCommand, 4);
  });

  test('--json: runs with their transitions and durations in seconds', async () => {
    historyTable(CHURN);
    const { code, stdout } = await run(['history', 'bp-churn', '--json']);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({
      batchPredictionId: 'bp-churn',
      tableName: TABLE,
      latest: { status: 'INPROGRESS', observedAt: '2024-05-01T09:00:47.000Z', terminal: false },
    });
    expect(document.runs.map((r: { runId: string }) => r.runId)).toEqual([CHURN_RUN_1, CHURN_RUN_2]);
    expect(document.runs[0].transitions[1]).toEqual({
      sequence: 2,
      observedAt: '2024-04-21T10:30:01.000Z',
      previousStatus: 'PENDING',
      status: 'FAILED',
      secondsInPreviousStatus: 95_400,
      eventId: 'evt-bp-churn-2',
      published: true,
      transitionKey: `${CHURN_RUN_1}#000002`,
      snapshot: { batchPredictionId: 'bp-churn', status: 'FAILED' },
    });
  });

  test('a restarted run is its own run, marked as a restart (text and --json)', async () => {
    const first = '2024-05-01T09:00:00.000Z/bp-retry';
    const restarted = '2024-05-01T09:30:00.000Z/bp-retry+r1';
    historyTable([
      {
        ...SCORES[0],
        batchPredictionId: 'bp-retry',
        runId: first,
        transitionKey: `${first}#000001`,
        sequence: 1,
        previousStatus: null,
        status: 'PENDING',
        observedAt: '2024-05-01T09:00:01.000Z',
        eventId: 'evt-1',
      },
      {
        ...SCORES[0],
        batchPredictionId: 'bp-retry',
        runId: restarted,
        transitionKey: `${restarted}#000001`,
        sequence: 1,
        previousStatus: null,
        status: 'INPROGRESS',
        observedAt: '2024-05-01T09:30:01.000Z',
        eventId: 'evt-2',
      },
    ]);
    const text = await run(['history', 'bp-retry']);
    expect(text.stdout.split('\n')).toEqual(
      expect.arrayContaining([`run ${first}`, `run ${restarted} (restart 1: a new run after the previous one ended)`]),
    );
    const json = await run(['history', 'bp-retry', '--json']);
    expect(JSON.parse(json.stdout).runs.map((r: { runId: string; restart: number }) => [r.runId, r.restart])).toEqual([
      [first, 0],
      [restarted, 1],
    ]);
  });

  test('an unknown id: "no history for <id>", exit 1', async () => {
    historyTable(SCORES);
    const { code, stdout, stderr } = await run(['history', 'bp-typo']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `batch-prediction-poller: no history for bp-typo in table ${TABLE} (stack ${STACK}); the poller has never recorded a transition for it: check the id and --stack/--region, or start polling it with batch-prediction-poller watch bp-typo (if an earlier run ended without recording one, watch says so and batch-prediction-poller watch --restart bp-typo starts a new run)`,
    );
  });

  test('the table named by the outputs is gone', async () => {
    dynamoDb
      .on(QueryCommand)
      .rejects(
        Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }),
      );
    const { code, stderr } = await run(['history', 'bp-scores']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `batch-prediction-poller: the history table ${TABLE} named by stack ${STACK}'s outputs does not exist in eu-west-1; redeploy the stack with npx cdk deploy, or pass --stack and --region of the poller you mean`,
    );
  });

  test('any other DynamoDB failure names the call and the SDK error', async () => {
    dynamoDb
      .on(QueryCommand)
      .rejects(
        Object.assign(new Error('Internal error'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      );
    const { code, stderr } = await run(['history', 'bp-scores']);
    expect(code).toBe(1);
    expect(stderr).toBe('batch-prediction-poller: dynamodb:Query failed in eu-west-1: InternalServerError: Internal error');
  });
});
