/**
 * GetExecutionHistory from the interpreter's event log: Step Functions' event types and details,
 * as many events as the runtime counts towards the 25,000-event limit, and StopExecution stopping
 * the interpreter for real.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
import { LAMBDA_INVOKE } from '../../local/template/asl';
import { type FunctionDefinition, LAMBDA_ASYNC_DEFAULTS } from '../../local/template/deployment';
import { wireEvent } from '../../local/step-functions/execution-history';
import { HistoryNotKeptError, LocalStepFunctions } from '../../local/step-functions/step-functions';
import { VirtualClock, installVirtualTime } from '../../local/core/virtual-clock';
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
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:history';
const START = Date.parse('2026-01-01T00:00:00Z');

/** Work (a Lambda task, retried on Flaky, caught to Failed on Fatal) → Pause (Wait 60 s) → Check (Choice) → Done / Work again. */
function definition(timeoutSeconds?: number): Record<string, unknown> {
  return {
    StartAt: 'Work',
    ...(timeoutSeconds !== undefined ? { TimeoutSeconds: timeoutSeconds } : {}),
    States: {
      Work: {
        Type: 'Task',
        Resource: LAMBDA_INVOKE,
        Parameters: { FunctionName: FN.arn, 'Payload.$': '$' },
        ResultSelector: { 'round.$': '$.Payload.round' },
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['Fatal'], Next: 'Failed' }],
        Next: 'Pause',
      },
      Pause: { Type: 'Wait', Seconds: 60, Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.round', NumericGreaterThanEquals: 2, Next: 'Done' }], Default: 'Work' },
      Done: { Type: 'Succeed' },
      Failed: { Type: 'Fail', Error: 'WorkFailed', Cause: 'Work failed for good' },
    },
  };
}

// As in the local runtime, `Date` reads the virtual clock (the interpreter stamps its events with it).
let restoreTime: (() => void) | undefined;
afterEach(() => restoreTime?.());

/** Runs one execution; `outcomes` says what each Lambda call does in turn ('ok', or an error name). */
async function run(outcomes: string[], options: { timeoutSeconds?: number; keepHistory?: boolean } = {}) {
  const clock = new VirtualClock(START);
  restoreTime = installVirtualTime(clock, 'seed');
  // Held by the test until it lets the clock go: nothing sleeping wakes before `release`.
  clock.begin();
  let round = 0;
  const invoke = async () => {
    const outcome = outcomes.shift() ?? 'ok';
    if (outcome !== 'ok') throw Object.assign(new Error(`${outcome} happened`), { name: outcome });
    return { round: ++round };
  };
  const sfn = new LocalStepFunctions(
    [{ logicalId: 'M', name: 'history', arn: MACHINE_ARN, definition: definition(options.timeoutSeconds) }],
    lambdaRunning([FN], clock, invoke),
    clock,
    'seed',
  );
  sfn.keepHistory = options.keepHistory ?? true;
  const { executionArn } = sfn.startExecution(MACHINE_ARN, 'one', { round: 0 });
  const record = sfn.describe(executionArn)!;
  return {
    sfn,
    executionArn,
    record,
    clock,
    done: () => {
      clock.end();
      return record.done;
    },
  };
}

const types = (sfn: LocalStepFunctions, arn: string) => sfn.history(arn).map((e) => e.type);

describe('GetExecutionHistory from the interpreter event log', () => {
  it('gives Step Functions event types for Task (with a retry), Wait, Choice and Succeed states, as many as the runtime counts', async () => {
    const { sfn, executionArn, record, done } = await run(['Flaky', 'ok', 'ok']);
    await done();
    expect(record.status).toBe('SUCCEEDED');
    const task = ['TaskStateEntered', 'TaskScheduled', 'TaskStarted'];
    expect(types(sfn, executionArn)).toEqual([
      'ExecutionStarted',
      ...task,
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      ...task,
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(sfn.history(executionArn)).toHaveLength(record.counts.historyEvents);
  });

  it('numbers events from 1, each after the previous one, on the virtual clock', async () => {
    const { sfn, executionArn, done } = await run([]);
    await done();
    const events = sfn.history(executionArn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.previousEventId)).toEqual(events.map((_, i) => i));
    expect(events[0].timestampMs).toBe(START);
    // Two 60 s waits.
    expect(events[events.length - 1].timestampMs).toBe(START + 120_000);
    const timestamps = events.map((e) => e.timestampMs);
    expect([...timestamps].sort((a, b) => a - b)).toEqual(timestamps);
  });

  it('carries the details objects: input, role, task parameters and raw result, state output, error and cause', async () => {
    const { sfn, executionArn, done } = await run(['Flaky']);
    await done();
    const events = sfn.history(executionArn);
    const byType = (type: string) => events.filter((e) => e.type === type);
    expect(byType('ExecutionStarted')[0].details.executionStartedEventDetails).toEqual({
      input: '{"round":0}',
      inputDetails: { truncated: false },
      roleArn: 'arn:aws:iam::123456789012:role/local',
    });
    expect(byType('TaskStateEntered')[0].details.stateEnteredEventDetails).toEqual({
      name: 'Work',
      input: '{"round":0}',
      inputDetails: { truncated: false },
    });
    expect(byType('TaskScheduled')[0].details.taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: JSON.stringify({ FunctionName: FN.arn, Payload: { round: 0 } }),
    });
    expect(byType('TaskFailed')[0].details.taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'Flaky',
    });
    expect(JSON.parse(String(byType('TaskFailed')[0].details.taskFailedEventDetails.cause))).toMatchObject({
      errorType: 'Flaky',
      errorMessage: 'Flaky happened',
    });
    // The task's raw result (the Lambda integration's shape), then the state's output after ResultSelector.
    expect(JSON.parse(String(byType('TaskSucceeded')[0].details.taskSucceededEventDetails.output))).toMatchObject({
      Payload: { round: 1 },
      StatusCode: 200,
    });
    expect(byType('TaskStateExited')[0].details.stateExitedEventDetails).toEqual({
      name: 'Work',
      output: '{"round":1}',
      outputDetails: { truncated: false },
    });
    expect(byType('ExecutionSucceeded')[0].details.executionSucceededEventDetails).toEqual({
      output: '{"round":2}',
      outputDetails: { truncated: false },
    });
  });

  it('a caught error exits the Task state into the Fail state, which has no Exited event', async () => {
    const { sfn, executionArn, record, done } = await run(['Fatal']);
    await done();
    expect(record.status).toBe('FAILED');
    expect(types(sfn, executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(sfn.history(executionArn).at(-1)?.details.executionFailedEventDetails).toEqual({
      error: 'WorkFailed',
      cause: 'Work failed for good',
    });
    expect(sfn.history(executionArn)).toHaveLength(record.counts.historyEvents);
  });

  it('an uncaught error after the retries ends the execution in the Task state', async () => {
    const { sfn, executionArn, record, done } = await run(['Flaky', 'Flaky', 'Flaky']);
    await done();
    expect(types(sfn, executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'ExecutionFailed',
    ]);
    expect(sfn.history(executionArn)).toHaveLength(record.counts.historyEvents);
  });

  it('a timed-out execution ends with ExecutionTimedOut (States.Timeout)', async () => {
    const { sfn, executionArn, record, done } = await run([], { timeoutSeconds: 30 });
    await done();
    expect(record.status).toBe('TIMED_OUT');
    const events = sfn.history(executionArn);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['WaitStateEntered', 'ExecutionTimedOut']);
    expect(events.at(-1)?.details.executionTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });
    expect(events.at(-1)?.timestampMs).toBe(START + 30_000);
    expect(events).toHaveLength(record.counts.historyEvents);
  });

  it('leaves out inputs, outputs and parameters unless includeExecutionData', async () => {
    const { sfn, executionArn, done } = await run([]);
    await done();
    const scheduled = sfn.history(executionArn).find((e) => e.type === 'TaskScheduled')!;
    expect(wireEvent(scheduled, false)).toEqual({
      id: 3,
      previousEventId: 2,
      timestamp: START / 1000,
      type: 'TaskScheduled',
      taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' },
    });
    expect(wireEvent(scheduled, true).taskScheduledEventDetails).toHaveProperty('parameters');
  });

  it('says so when the execution was started without keeping its history', async () => {
    const { sfn, executionArn, done } = await run([], { keepHistory: false });
    await done();
    expect(() => sfn.history(executionArn)).toThrow(HistoryNotKeptError);
  });
});

describe('StopExecution in the interpreter', () => {
  it('aborts a sleeping execution at once: ABORTED, stopDate now, error and cause, no further task', async () => {
    const { sfn, executionArn, record, clock, done } = await run([]);
    // Let it run into its first Wait state; the test holds the clock, so it sleeps there.
    while (!sfn.history(executionArn).some((e) => e.type === 'WaitStateEntered')) await new Promise((r) => setImmediate(r));
    const calls = record.invocations.Worker;
    const { stopDate } = await sfn.stopExecution(executionArn, 'Operator.Stop', 'no longer needed');
    expect(stopDate).toBe(clock.nowMs() / 1000);
    expect(record).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'no longer needed', stopMs: START });
    await done();
    await clock.whenIdle();
    expect(record.invocations.Worker).toBe(calls);
    const events = sfn.history(executionArn);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['WaitStateEntered', 'ExecutionAborted']);
    expect(events.at(-1)?.details.executionAbortedEventDetails).toEqual({ error: 'Operator.Stop', cause: 'no longer needed' });
    expect(events).toHaveLength(record.counts.historyEvents);
  });

  it('aborts an execution whose Lambda task is in flight: the call finishes, no task starts after it', async () => {
    const clock = new VirtualClock(START);
    restoreTime = installVirtualTime(clock, 'seed');
    let release: (value: unknown) => void = () => undefined;
    let calls = 0;
    const invoke = () => {
      calls++;
      return new Promise((resolve) => (release = resolve));
    };
    const sfn = new LocalStepFunctions(
      [{ logicalId: 'M', name: 'history', arn: MACHINE_ARN, definition: definition() }],
      lambdaRunning([FN], clock, invoke),
      clock,
      'seed',
    );
    sfn.keepHistory = true;
    const { executionArn } = sfn.startExecution(MACHINE_ARN, 'busy', { round: 0 });
    while (calls === 0) await new Promise((r) => setImmediate(r));
    await sfn.stopExecution(executionArn, 'Operator.Stop');
    const record = sfn.describe(executionArn)!;
    expect(record).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop' });
    release({ round: 1 });
    await clock.whenIdle();
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    expect(types(sfn, executionArn)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'ExecutionAborted']);
  });

  it('is a no-op on an execution that has ended', async () => {
    const { sfn, executionArn, record, done } = await run([]);
    await done();
    const stopMs = record.stopMs;
    await expect(sfn.stopExecution(executionArn)).resolves.toEqual({ stopDate: stopMs! / 1000 });
    expect(record.status).toBe('SUCCEEDED');
  });
});
