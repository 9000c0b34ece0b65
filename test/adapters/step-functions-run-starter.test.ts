import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionLimitExceeded,
  InvalidName,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PollerErrorName } from '../../lib/contract/errors';
import { StepFunctionsRunStarter } from '../../lambda/shared/adapters/step-functions-run-starter';
import { PollerAccessDeniedError, StepFunctionsRequestError, StepFunctionsUnavailableError } from '../../lambda/shared/domain/errors';
import { PollerConfigError } from '../../lib/contract/config-error';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:BatchPredictionPoller-Poller';

/** An error shaped as SDK v3 raises errors it has no modelled class for. */
function sdkError(name: string, httpStatusCode: number | undefined): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });
}

const sfnMock = mockClient(SFNClient);
const starter = new StepFunctionsRunStarter({ stateMachineArn: STATE_MACHINE_ARN, client: new SFNClient({}) });

beforeEach(() => {
  sfnMock.reset();
});

afterAll(() => {
  sfnMock.restore();
});

describe('StepFunctionsRunStarter', () => {
  it('starts an execution of the state machine named after the id, with input {"batchPredictionId": id}', async () => {
    // Prepare
    sfnMock
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:bp-1`, startDate: new Date() });

    // Act
    const outcome = await starter.start('bp-1');

    // Assess
    expect(outcome).toBe('running');
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const [call] = sfnMock.commandCalls(StartExecutionCommand);
    expect(call.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'bp-1',
      input: JSON.stringify({ batchPredictionId: 'bp-1' }),
    });
    // Exactly what a run is started with, and nothing else (the loop rejects unknown keys).
    expect(JSON.parse(call.args[0].input.input!)).toStrictEqual({ batchPredictionId: 'bp-1' });
  });

  it('uses the id itself as the name for ids with ".", "_" and "-" (all valid execution-name characters)', async () => {
    sfnMock.on(StartExecutionCommand).resolves({});
    await starter.start('bp_2024.05-01');
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'bp_2024.05-01' });
  });

  it('is "running" again when the run is already running: Standard StartExecution is idempotent by name and input', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:BatchPredictionPoller-Poller:bp-1' });
    await expect(starter.start('bp-1')).resolves.toBe('running');
    await expect(starter.start('bp-1')).resolves.toBe('running');
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });

  it('is "finished" when an execution of that name already ended (ExecutionAlreadyExists)', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists: bp-1', $metadata: { httpStatusCode: 400 } }));
    await expect(starter.start('bp-1')).resolves.toBe('finished');
  });

  it.each<[string, () => Error]>([
    ['AccessDeniedException', () => sdkError('AccessDeniedException', 400)],
    ['UnrecognizedClientException', () => sdkError('UnrecognizedClientException', 400)],
    ['ExpiredTokenException', () => sdkError('ExpiredTokenException', 400)],
  ])('maps %s to PollerAccessDeniedError naming states:StartExecution, keeping the cause', async (_label, makeError) => {
    // Prepare
    const sdk = makeError();
    sfnMock.on(StartExecutionCommand).rejects(sdk);

    // Act
    const failure = starter.start('bp-1');

    // Assess
    await expect(failure).rejects.toBeInstanceOf(PollerAccessDeniedError);
    await expect(failure).rejects.toMatchObject({
      name: PollerErrorName.ACCESS_DENIED,
      message: expect.stringMatching(/states:StartExecution was denied/),
      cause: sdk,
    });
  });

  it.each<[string, () => Error, RegExp, string]>([
    [
      'StateMachineDoesNotExist',
      () => new StateMachineDoesNotExist({ message: 'no such machine', $metadata: { httpStatusCode: 400 } }),
      /StateMachineDoesNotExist: no such machine/,
      StepFunctionsRequestError.name,
    ],
    [
      'ExecutionLimitExceeded',
      () => new ExecutionLimitExceeded({ message: 'too many', $metadata: { httpStatusCode: 400 } }),
      /ExecutionLimitExceeded: too many/,
      StepFunctionsRequestError.name,
    ],
    [
      'InvalidName',
      () => new InvalidName({ message: 'bad name', $metadata: { httpStatusCode: 400 } }),
      /InvalidName: bad name/,
      StepFunctionsRequestError.name,
    ],
    ['ThrottlingException', () => sdkError('ThrottlingException', 400), /ThrottlingException/, StepFunctionsUnavailableError.name],
  ])('fails on %s with a named error naming the id and the SDK error, keeping the cause', async (_label, makeError, message, name) => {
    // Prepare
    const sdk = makeError();
    sfnMock.on(StartExecutionCommand).rejects(sdk);

    // Act
    const failure = starter.start('bp-7');

    // Assess
    await expect(failure).rejects.toMatchObject({ message: expect.stringMatching(/^StartExecution for bp-7 failed: /), cause: sdk });
    await expect(failure).rejects.toMatchObject({ message: expect.stringMatching(message) });
    await expect(failure).rejects.not.toBeInstanceOf(PollerAccessDeniedError);
    await expect(failure).rejects.toMatchObject({ name });
  });

  it('lists the RUNNING executions of its state machine, every page, as the ids they poll', async () => {
    // Prepare: two pages; names of a first execution, of a hand-over (+g2) and of a run on a bad id.
    const execution = (name: string) => ({
      executionArn: `${STATE_MACHINE_ARN}:${name}`,
      stateMachineArn: STATE_MACHINE_ARN,
      name,
      status: 'RUNNING' as const,
      startDate: new Date(),
    });
    sfnMock
      .on(ListExecutionsCommand, { nextToken: undefined })
      .resolves({ executions: [execution('bp-1'), execution('bp-2+g2')], nextToken: 'page-2' })
      .on(ListExecutionsCommand, { nextToken: 'page-2' })
      .resolves({ executions: [execution('bp-3'), execution('name with spaces')] });

    // Act
    const ids = await starter.runningIds();

    // Assess
    expect([...ids].sort()).toEqual(['bp-1', 'bp-2', 'bp-3']);
    // (The paginator reuses one input object, so each recorded call shows the last nextToken.)
    const calls = sfnMock.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    for (const input of calls)
      expect(input).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, statusFilter: 'RUNNING', maxResults: 1000 });
    expect(calls[1].nextToken).toBe('page-2');
  });

  it('maps a denied ListExecutions to PollerAccessDeniedError naming states:ListExecutions', async () => {
    const sdk = sdkError('AccessDeniedException', 400);
    sfnMock.on(ListExecutionsCommand).rejects(sdk);
    await expect(starter.runningIds()).rejects.toMatchObject({
      name: PollerErrorName.ACCESS_DENIED,
      message: expect.stringMatching(/states:ListExecutions was denied/),
      cause: sdk,
    });
  });

  it('fails on any other ListExecutions error with a named error and a message naming it, keeping the cause', async () => {
    const sdk = sdkError('ThrottlingException', 400);
    sfnMock.on(ListExecutionsCommand).rejects(sdk);
    await expect(starter.runningIds()).rejects.toMatchObject({
      name: StepFunctionsUnavailableError.name,
      message: expect.stringMatching(/^ListExecutions failed: ThrottlingException/),
      cause: sdk,
    });
  });

  it('failedSince lists FAILED and TIMED_OUT executions, every page, and keeps the ids of those stopped at or after the time', async () => {
    // Prepare
    const since = new Date('2024-05-01T10:00:00.000Z');
    const execution = (name: string, stopDate: Date) => ({
      name,
      stopDate,
      executionArn: `arn:${name}`,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'FAILED' as const,
      startDate: stopDate,
    });
    sfnMock
      .on(ListExecutionsCommand, { statusFilter: 'FAILED' })
      .resolvesOnce({ executions: [execution('bp-new+r1', new Date('2024-05-01T11:00:00.000Z'))], nextToken: 'page-2' })
      .resolvesOnce({ executions: [execution('bp-old', new Date('2024-05-01T09:59:59.999Z')), execution('bp-edge', since)] });
    sfnMock.on(ListExecutionsCommand, { statusFilter: 'TIMED_OUT' }).resolves({ executions: [execution('bp-slow+g2', since)] });

    // Act
    const ids = await starter.failedSince(since);

    // Assess
    expect([...ids].sort()).toEqual(['bp-edge', 'bp-new', 'bp-slow']);
    expect(sfnMock.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input.statusFilter)).toEqual(['FAILED', 'FAILED', 'TIMED_OUT']);
  });

  it('names a restart <id>+r<N>, with the same input as the first run', async () => {
    sfnMock.on(StartExecutionCommand).resolves({});
    await expect(starter.start('bp-1', 2)).resolves.toBe('running');
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'bp-1+r2',
      input: JSON.stringify({ batchPredictionId: 'bp-1' }),
    });
  });

  describe('latestRun (DescribeExecution on the deterministic names)', () => {
    const EXECUTION_PREFIX = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:`;
    const STOPPED = new Date('2024-05-01T10:00:00.000Z');
    /** Answers DescribeExecution from `executions` by name, ExecutionDoesNotExist for any other. */
    function executionsAre(executions: Record<string, { status: string; error?: string; stopDate?: Date }>): void {
      sfnMock.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
        const name = input.executionArn.slice(EXECUTION_PREFIX.length);
        const execution = executions[name];
        if (execution === undefined)
          throw new ExecutionDoesNotExist({
            message: `Execution Does Not Exist: '${input.executionArn}'`,
            $metadata: { httpStatusCode: 400 },
          });
        return { executionArn: input.executionArn, name, ...execution };
      });
    }
    const described = () =>
      sfnMock.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn!.slice(EXECUTION_PREFIX.length));

    it('is undefined for an id that never had a run', async () => {
      executionsAre({});
      await expect(starter.latestRun('bp-1')).resolves.toBeUndefined();
      expect(described()).toEqual(['bp-1']);
    });

    it('is the first run when there is no restart', async () => {
      executionsAre({ 'bp-1': { status: 'FAILED', error: 'MachineLearningUnavailableError', stopDate: STOPPED } });
      await expect(starter.latestRun('bp-1')).resolves.toEqual({
        restart: 0,
        executionName: 'bp-1',
        status: 'FAILED',
        stoppedAt: STOPPED.toISOString(),
        error: 'MachineLearningUnavailableError',
      });
      expect(described()).toEqual(['bp-1', 'bp-1+r1']);
    });

    it('is the highest restart that exists', async () => {
      executionsAre({
        'bp-1': { status: 'FAILED', stopDate: STOPPED },
        'bp-1+r1': { status: 'TIMED_OUT', stopDate: STOPPED },
        'bp-1+r2': { status: 'ABORTED', stopDate: STOPPED },
      });
      await expect(starter.latestRun('bp-1')).resolves.toMatchObject({ restart: 2, executionName: 'bp-1+r2', status: 'ABORTED' });
      expect(described()).toEqual(['bp-1', 'bp-1+r1', 'bp-1+r2', 'bp-1+r3']);
    });

    it("follows a run's hand-overs to its latest execution (a hand-over ends SUCCEEDED)", async () => {
      executionsAre({
        'bp-1': { status: 'FAILED', stopDate: STOPPED },
        'bp-1+r1': { status: 'SUCCEEDED', stopDate: STOPPED },
        'bp-1+r1+g2': { status: 'SUCCEEDED', stopDate: STOPPED },
        'bp-1+r1+g3': { status: 'FAILED', error: 'States.Timeout', stopDate: STOPPED },
      });
      await expect(starter.latestRun('bp-1')).resolves.toMatchObject({
        restart: 1,
        executionName: 'bp-1+r1+g3',
        status: 'FAILED',
        error: 'States.Timeout',
      });
      expect(described()).toEqual(['bp-1', 'bp-1+r1', 'bp-1+r2', 'bp-1+r1+g2', 'bp-1+r1+g3']);
    });

    it('is a run that SUCCEEDED at its last execution (Done, no hand-over)', async () => {
      executionsAre({ 'bp-1': { status: 'SUCCEEDED', stopDate: STOPPED } });
      await expect(starter.latestRun('bp-1')).resolves.toMatchObject({ restart: 0, executionName: 'bp-1', status: 'SUCCEEDED' });
    });

    it('reports a RUNNING execution without a stop time', async () => {
      executionsAre({ 'bp-1': { status: 'RUNNING' } });
      const latest = await starter.latestRun('bp-1');
      expect(latest).toEqual({ restart: 0, executionName: 'bp-1', status: 'RUNNING' });
    });

    it('maps a denied DescribeExecution to PollerAccessDeniedError naming states:DescribeExecution', async () => {
      const sdk = sdkError('AccessDeniedException', 400);
      sfnMock.on(DescribeExecutionCommand).rejects(sdk);
      await expect(starter.latestRun('bp-1')).rejects.toMatchObject({
        name: PollerErrorName.ACCESS_DENIED,
        message: expect.stringMatching(/states:DescribeExecution was denied/),
        cause: sdk,
      });
    });

    it('fails on any other DescribeExecution error with a named error and a message naming the execution, keeping the cause', async () => {
      const sdk = sdkError('ThrottlingException', 400);
      sfnMock.on(DescribeExecutionCommand).rejects(sdk);
      await expect(starter.latestRun('bp-1')).rejects.toMatchObject({
        name: StepFunctionsUnavailableError.name,
        message: expect.stringMatching(/^DescribeExecution of bp-1 failed: ThrottlingException/),
        cause: sdk,
      });
    });
  });

  it('refuses an empty state machine ARN with PollerConfigError', () => {
    expect(() => new StepFunctionsRunStarter({ stateMachineArn: '', client: new SFNClient({}) })).toThrow(PollerConfigError);
    expect(() => new StepFunctionsRunStarter({ stateMachineArn: '', client: new SFNClient({}) })).toThrow(
      expect.objectContaining({ name: PollerErrorName.CONFIGURATION }),
    );
  });
});
