/**
 * The local Step Functions API, as the starter and the CLI use it through a real SDK client:
 * Standard's name semantics (idempotent while running, ExecutionAlreadyExists once ended),
 * DescribeExecution of unknown and ended executions, and ListExecutions' status filter.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { LAMBDA_INVOKE } from '../../local/template/asl';
import { type FunctionDefinition, LAMBDA_ASYNC_DEFAULTS } from '../../local/template/deployment';
import { LocalStepFunctions } from '../../local/step-functions/step-functions';
import { stepFunctionsListener } from '../../local/step-functions/step-functions-endpoint';
import { VirtualClock } from '../../local/core/virtual-clock';
import { lambdaRunning } from './support/lambda';

const FN: FunctionDefinition = {
  logicalId: 'Worker',
  name: 'worker',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:worker',
  entry: 'unused',
  factory: 'unused',
  environment: {},
  asyncInvoke: LAMBDA_ASYNC_DEFAULTS,
};
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:names';
const EXECUTION = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:names:${name}`;

let server: Server;
let client: SFNClient;
let sfn: LocalStepFunctions;
/** Executions whose task has not returned yet, by their input's `id`. */
const pending = new Map<string, (outcome: 'succeed' | 'fail') => void>();

beforeAll(async () => {
  const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
  const invoke = (_fn: FunctionDefinition, payload: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      pending.set(String((payload as { id: string }).id), (outcome) =>
        outcome === 'succeed' ? resolve({}) : reject(Object.assign(new Error('boom'), { name: 'Boom' })),
      );
    });
  const definition = {
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: LAMBDA_INVOKE, Parameters: { FunctionName: FN.arn, 'Payload.$': '$' }, End: true } },
  };
  sfn = new LocalStepFunctions(
    [{ logicalId: 'M', name: 'names', arn: MACHINE_ARN, definition }],
    lambdaRunning([FN], clock, invoke),
    clock,
    'seed',
  );
  server = createServer(stepFunctionsListener(sfn));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new SFNClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const start = (name: string, id = name) =>
  client.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name, input: JSON.stringify({ id }) }));
const ended = async (name: string, outcome: 'succeed' | 'fail') => {
  await new Promise((resolve) => setImmediate(resolve));
  pending.get(name)!(outcome);
  await sfn.describe(EXECUTION(name))!.done;
};

describe('local Step Functions API', () => {
  it('StartExecution: the same name and input while running is the same execution; a different input is ExecutionAlreadyExists', async () => {
    const first = await start('running-one');
    await expect(start('running-one')).resolves.toMatchObject({ executionArn: first.executionArn });
    await expect(start('running-one', 'other')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await ended('running-one', 'succeed');
  });

  it.each<['succeed' | 'fail', string, string | undefined]>([
    ['succeed', 'SUCCEEDED', undefined],
    ['fail', 'FAILED', 'Boom'],
  ])(
    'StartExecution of a name whose execution ended (%s) is ExecutionAlreadyExists, even with the same input; DescribeExecution says how it ended',
    async (outcome, status, error) => {
      const name = `ended-${outcome}`;
      await start(name);
      await ended(name, outcome);
      await expect(start(name)).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
      const described = await client.send(new DescribeExecutionCommand({ executionArn: EXECUTION(name) }));
      expect(described).toMatchObject({ name, status, startDate: expect.any(Date), stopDate: expect.any(Date) });
      expect(described.error).toBe(error);
    },
  );

  it('DescribeExecution of a name never started is ExecutionDoesNotExist', async () => {
    await expect(client.send(new DescribeExecutionCommand({ executionArn: EXECUTION('never+r1') }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
  });

  it('ListExecutions filters by status', async () => {
    await start('listed-running');
    const names = async (statusFilter: 'RUNNING' | 'FAILED' | 'SUCCEEDED') =>
      ((await client.send(new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN, statusFilter }))).executions ?? []).map((e) => e.name);
    expect(await names('RUNNING')).toEqual(['listed-running']);
    expect(await names('FAILED')).toEqual(['ended-fail']);
    expect((await names('SUCCEEDED')).sort()).toEqual(['ended-succeed', 'running-one']);
    await ended('listed-running', 'succeed');
  });

  it('records every call with the ARN it is about', () => {
    expect(sfn.calls).toContainEqual({ service: 'states', operation: 'StartExecution', resource: MACHINE_ARN });
    expect(sfn.calls).toContainEqual({ service: 'states', operation: 'DescribeExecution', resource: EXECUTION('never+r1') });
    expect(sfn.calls).toContainEqual({ service: 'states', operation: 'ListExecutions', resource: MACHINE_ARN });
  });
});
