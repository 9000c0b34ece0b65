/**
 * The local Lambda: execution environments (one invocation at a time each, a new one when all are
 * busy), synchronous task invocations with Lambda service faults before or after the function runs,
 * and asynchronous invocations with Lambda's retries and the on-failure record.
 */
import { VirtualClock } from '../../local/core/virtual-clock';
import { FaultPlan } from '../../local/scenarios/faults';
import {
  type AsyncInvocationRecord,
  LambdaInvokeError,
  LambdaStandIn,
  type LocalHandler,
} from '../../local/stand-ins/lambda/lambda-stand-in';
import { SqsStandIn } from '../../local/stand-ins/sqs/sqs-stand-in';
import { type FunctionDefinition, LAMBDA_ASYNC_DEFAULTS } from '../../local/template/deployment';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:dlq';
const FN: FunctionDefinition = {
  logicalId: 'Fn',
  constructId: 'Fn',
  name: 'fn',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
  entry: 'unused',
  factory: 'unused',
  environment: {},
  asyncInvoke: { ...LAMBDA_ASYNC_DEFAULTS, onFailureArn: QUEUE_ARN },
};

function lambdaWith(handler: LocalHandler, faults?: FaultPlan) {
  const clock = new VirtualClock(0);
  const queues = new SqsStandIn([{ logicalId: 'Dlq', name: 'dlq', arn: QUEUE_ARN }], clock);
  let built = 0;
  const build = () => {
    built++;
    return handler;
  };
  const lambda = new LambdaStandIn([FN], clock, build, queues, faults);
  return { lambda, queues, clock, environments: () => built };
}

describe('LambdaStandIn', () => {
  it('runs one invocation per environment at a time: a second concurrent one gets a new environment, a later one reuses them', async () => {
    let release: () => void = () => undefined;
    const { lambda, environments } = lambdaWith(() => new Promise((resolve) => (release = () => resolve('ok'))));
    const first = lambda.run(FN, {}, 'r1');
    const firstRelease = release;
    const second = lambda.run(FN, {}, 'r2');
    expect(environments()).toBe(2);
    firstRelease();
    release();
    await Promise.all([first, second]);
    const third = lambda.run(FN, {}, 'r3');
    release();
    await third;
    expect(environments()).toBe(2);
    expect(lambda.invocations.map((i) => i.outcome)).toEqual(['returned', 'returned', 'returned']);
  });

  it.each([
    ['a service fault: the function never runs', false, 0],
    ['a fault after the function ran ("after")', true, 1],
  ])('a task invocation fails with the Lambda error name on %s', async (_case, after, runs) => {
    const faults = new FaultPlan([{ operation: 'Invoke', error: 'Lambda.TooManyRequestsException', times: 1, after }]);
    const { lambda } = lambdaWith(async () => 'ok', faults);
    const call = lambda.invokeForTask(FN, { state: { batchPredictionId: 'bp-1' } }, 'Poll', () => 'r1');
    await expect(call).rejects.toBeInstanceOf(LambdaInvokeError);
    await expect(call).rejects.toMatchObject({ errorName: 'Lambda.TooManyRequestsException' });
    expect(lambda.invocations).toHaveLength(runs);
  });

  it('reports a function error as Step Functions does: its errorType, and the error JSON as cause', async () => {
    const { lambda } = lambdaWith(async () => {
      throw Object.assign(new Error('no such job'), { name: 'BatchPredictionNotFoundError' });
    });
    const call = lambda.invokeForTask(FN, {}, 'Poll', () => 'r1');
    await expect(call).rejects.toMatchObject({
      errorName: 'BatchPredictionNotFoundError',
      cause: JSON.stringify({ errorType: 'BatchPredictionNotFoundError', errorMessage: 'no such job', trace: [] }),
    });
  });

  it('retries a failed asynchronous invocation 1 and 2 minutes later, then sends the invocation record to the on-failure destination', async () => {
    const { lambda, queues, clock } = lambdaWith(async () => {
      throw Object.assign(new Error('down'), { name: 'StepFunctionsUnavailableError' });
    });
    // As discovery runs it: the retries are an activity of their own on the virtual clock.
    await lambda.invokeAsync(
      FN,
      { source: 'sweeper' },
      {
        target: 'Sweeper',
        sleepUntil: async (ms) => {
          await clock.sleepUntil(ms, 0);
        },
        background: (body) => {
          clock.begin();
          void body().finally(() => clock.end());
        },
      },
    );
    await clock.whenIdle();
    expect(lambda.asyncAttempts.map((a) => [a.attempt, a.atMs, a.outcome])).toEqual([
      [1, 0, 'StepFunctionsUnavailableError'],
      [2, 60_000, 'StepFunctionsUnavailableError'],
      [3, 180_000, 'StepFunctionsUnavailableError'],
    ]);
    expect(lambda.asyncFailures).toMatchObject([{ condition: 'RetriesExhausted', attempts: 3, destinationArn: QUEUE_ARN }]);
    const [message] = queues.contents()[0].messages;
    const record = JSON.parse(message.body) as AsyncInvocationRecord;
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: `${FN.arn}:$LATEST` },
      requestPayload: { source: 'sweeper' },
      responsePayload: { errorType: 'StepFunctionsUnavailableError', errorMessage: 'down' },
    });
  });
});
