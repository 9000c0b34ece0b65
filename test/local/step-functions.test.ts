/**
 * The local Step Functions' context object: `$$.State.RetryCount` counts the retries of the state
 * being run, as Step Functions does, so a handler can tell a first attempt from a retry.
 */
import { LAMBDA_INVOKE } from '../../local/template/asl';
import { type FunctionDefinition, LAMBDA_ASYNC_DEFAULTS } from '../../local/template/deployment';
import { LocalStepFunctions } from '../../local/step-functions/step-functions';
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
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:attempts';

/** Two Lambda tasks that hand the context's counters to the function; First retries Flaky twice. */
function definition(maxAttempts: number): Record<string, unknown> {
  const task = (next: Record<string, unknown>, retry: Record<string, unknown>[]) => ({
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: {
      FunctionName: FN.arn,
      Payload: { 'state.$': '$$.State.RetryCount', 'redrives.$': '$$.Execution.RedriveCount', 'input.$': '$' },
    },
    OutputPath: '$.Payload',
    Retry: retry,
    ...next,
  });
  return {
    StartAt: 'First',
    States: {
      First: task({ Next: 'Second' }, [{ ErrorEquals: ['Flaky'], MaxAttempts: maxAttempts, IntervalSeconds: 1 }]),
      Second: task({ End: true }, []),
    },
  };
}

async function run(maxAttempts: number, failures: number) {
  const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
  const seen: { retryCount: unknown; redriveCount: unknown }[] = [];
  let left = failures;
  const invoke = async (_fn: FunctionDefinition, payload: unknown) => {
    const p = payload as { state: unknown; redrives: unknown; input: unknown };
    seen.push({ retryCount: p.state, redriveCount: p.redrives });
    if (left-- > 0) throw Object.assign(new Error('try again'), { name: 'Flaky' });
    return p.input;
  };
  const sfn = new LocalStepFunctions(
    [{ logicalId: 'M', name: 'attempts', arn: MACHINE_ARN, definition: definition(maxAttempts) }],
    lambdaRunning([FN], clock, invoke),
    clock,
    'seed',
  );
  const { executionArn } = sfn.startExecution(MACHINE_ARN, 'one', { x: 1 });
  const record = sfn.describe(executionArn)!;
  await record.done;
  return { seen, status: record.status };
}

describe('$$.State.RetryCount in the local Step Functions', () => {
  it('is 0 on a first attempt, n on the nth retry, and 0 again in the next state', async () => {
    const { seen, status } = await run(3, 2);
    expect(status).toBe('SUCCEEDED');
    expect(seen.map((s) => s.retryCount)).toEqual([0, 1, 2, 0]);
    expect(seen.every((s) => s.redriveCount === 0)).toBe(true);
  });

  it('starts again at 0 after a state fails for good', async () => {
    // First fails three times with one retry allowed: the execution fails after attempts 0 and 1.
    const { seen, status } = await run(1, 3);
    expect(status).toBe('FAILED');
    expect(seen.map((s) => s.retryCount)).toEqual([0, 1]);
  });
});
