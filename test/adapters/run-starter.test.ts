import { ExecutionAlreadyExists, ExecutionLimitExceeded, InvalidName, ListExecutionsCommand, SFNClient, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PollerErrorName } from '../../lib/contract';
import { StepFunctionsRunStarter } from '../../lambda/adapters/run-starter';
import { PollerAccessDeniedError, PollerConfigurationError } from '../../lambda/domain/errors';

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
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:bp-1`, startDate: new Date() });

    // Act
    const outcome = await starter.start('bp-1');

    // Assess
    expect(outcome).toBe('running');
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const [call] = sfnMock.commandCalls(StartExecutionCommand);
    expect(call.args[0].input).toEqual({ stateMachineArn: STATE_MACHINE_ARN, name: 'bp-1', input: JSON.stringify({ batchPredictionId: 'bp-1' }) });
    // Exactly what a run is started with, and nothing else (the loop rejects unknown keys).
    expect(JSON.parse(call.args[0].input.input!)).toStrictEqual({ batchPredictionId: 'bp-1' });
  });

  it('uses the id itself as the name for ids with ".", "_" and "-" (all valid execution-name characters)', async () => {
    sfnMock.on(StartExecutionCommand).resolves({});
    await starter.start('bp_2024.05-01');
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'bp_2024.05-01' });
  });

  it('is "running" again when the run is already running: Standard StartExecution is idempotent by name and input', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:BatchPredictionPoller-Poller:bp-1' });
    await expect(starter.start('bp-1')).resolves.toBe('running');
    await expect(starter.start('bp-1')).resolves.toBe('running');
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });

  it('is "finished" when an execution of that name already ended (ExecutionAlreadyExists)', async () => {
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists: bp-1', $metadata: { httpStatusCode: 400 } }));
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
    await expect(failure).rejects.toMatchObject({ name: PollerErrorName.ACCESS_DENIED, message: expect.stringMatching(/states:StartExecution was denied/), cause: sdk });
  });

  it.each<[string, () => Error, RegExp]>([
    ['StateMachineDoesNotExist', () => new StateMachineDoesNotExist({ message: 'no such machine', $metadata: { httpStatusCode: 400 } }), /StateMachineDoesNotExist: no such machine/],
    ['ExecutionLimitExceeded', () => new ExecutionLimitExceeded({ message: 'too many', $metadata: { httpStatusCode: 400 } }), /ExecutionLimitExceeded: too many/],
    ['InvalidName', () => new InvalidName({ message: 'bad name', $metadata: { httpStatusCode: 400 } }), /InvalidName: bad name/],
    ['ThrottlingException', () => sdkError('ThrottlingException', 400), /ThrottlingException/],
  ])('fails on %s with an error naming the id and the SDK error, keeping the cause', async (_label, makeError, message) => {
    // Prepare
    const sdk = makeError();
    sfnMock.on(StartExecutionCommand).rejects(sdk);

    // Act
    const failure = starter.start('bp-7');

    // Assess
    await expect(failure).rejects.toMatchObject({ message: expect.stringMatching(/^StartExecution for bp-7 failed: /), cause: sdk });
    await expect(failure).rejects.toMatchObject({ message: expect.stringMatching(message) });
    await expect(failure).rejects.not.toBeInstanceOf(PollerAccessDeniedError);
  });

  it('lists the RUNNING executions of its state machine, every page, as the ids they poll', async () => {
    // Prepare: two pages; names of a first execution, of a hand-over (+g2) and of a run on a bad id.
    const execution = (name: string) => ({ executionArn: `${STATE_MACHINE_ARN}:${name}`, stateMachineArn: STATE_MACHINE_ARN, name, status: 'RUNNING' as const, startDate: new Date() });
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
    for (const input of calls) expect(input).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, statusFilter: 'RUNNING', maxResults: 1000 });
    expect(calls[1].nextToken).toBe('page-2');
  });

  it('maps a denied ListExecutions to PollerAccessDeniedError naming states:ListExecutions', async () => {
    const sdk = sdkError('AccessDeniedException', 400);
    sfnMock.on(ListExecutionsCommand).rejects(sdk);
    await expect(starter.runningIds()).rejects.toMatchObject({ name: PollerErrorName.ACCESS_DENIED, message: expect.stringMatching(/states:ListExecutions was denied/), cause: sdk });
  });

  it('fails on any other ListExecutions error with a message naming it, keeping the cause', async () => {
    const sdk = sdkError('ThrottlingException', 400);
    sfnMock.on(ListExecutionsCommand).rejects(sdk);
    await expect(starter.runningIds()).rejects.toMatchObject({ message: expect.stringMatching(/^ListExecutions failed: ThrottlingException/), cause: sdk });
  });

  it('refuses an empty state machine ARN with PollerConfigurationError', () => {
    expect(() => new StepFunctionsRunStarter({ stateMachineArn: '' })).toThrow(PollerConfigurationError);
    expect(() => new StepFunctionsRunStarter({ stateMachineArn: '' })).toThrow(expect.objectContaining({ name: PollerErrorName.CONFIGURATION }));
  });
});
