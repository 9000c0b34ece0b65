import './polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  LAMBDA_INVOKE,
  START_EXECUTION,
  type ExecutionCounts,
  assertRunnableLocally,
  countEvent,
  walkStates,
  waitMillisecondsOf,
} from '../template/asl';
import { ServiceError } from '../core/service-error';
import type { StateMachineDefinitionInfo } from '../template/deployment';
import { type HistoryEvent, type LoggedEvent, type TaskAttempt, historyOf } from './execution-history';
import { LambdaInvokeError, type LambdaStandIn } from '../stand-ins/lambda/lambda-stand-in';
import type { RecordedCall } from '../core/recorded-call';
import { type VirtualClock, seededRandom } from '../core/virtual-clock';
import { assertArn, localRoleArn, regionOf } from './arns';

/** What the interpreter's Lambda tasks call: the local Lambda ({@link LambdaStandIn}). */
export type TaskInvoker = Pick<LambdaStandIn, 'functionNamed' | 'invokeForTask'>;

/** Status of an execution, as DescribeExecution reports it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One execution and what it did. */
export interface ExecutionRecord {
  readonly name: string;
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly input: unknown;
  readonly inputText: string;
  /** Start order, used to break ties deterministically. */
  readonly ordinal: number;
  readonly startMs: number;
  stopMs?: number;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Lambda invocations per function logical id. */
  readonly invocations: Record<string, number>;
  readonly counts: ExecutionCounts;
  /** Resolves when the execution has ended. */
  done: Promise<void>;
  /** The interpreter's event log, when {@link LocalStepFunctions.keepHistory} was on at its start. */
  readonly log?: LoggedEvent[];
  /** Every Task attempt, in the order they ran (kept with {@link log}). */
  readonly attempts?: TaskAttempt[];
  /** Set by StopExecution: the error and cause it was stopped with. */
  stopped?: { readonly error?: string; readonly cause?: string };
  /** Aborts the execution in the interpreter and wakes it if it sleeps (set while it runs). */
  abort?: () => void;
}

/** A state machine of the deployment, as ListStateMachines and DescribeStateMachine report it. */
export interface StateMachineRecord {
  readonly info: StateMachineDefinitionInfo;
  /** When the local deployment created it: when this local Step Functions was. */
  readonly creationMs: number;
}

/** Names Step Functions accepts for executions (1–80 characters, none of the reserved ones). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among the ones Step Functions refuses in names
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/**
 * Step Functions, locally: runs the synthesized definitions with aws-local-stepfunctions, maps
 * Lambda tasks to the real handlers in-process, runs StartExecution tasks against itself, and keeps
 * time with the virtual clock (Wait states sleep on it; retry delays are zero).
 */
export class LocalStepFunctions {
  readonly executions: ExecutionRecord[] = [];
  /** Calls of the Step Functions API endpoint (the starter's, the CLI's), with the ARN each is about. */
  readonly calls: RecordedCall[] = [];
  /**
   * When true, a Task state retried by its `Retry` first waits the retrier's backoff on the virtual
   * clock (`IntervalSeconds × BackoffRate^attempt`, capped by `MaxDelaySeconds`, full jitter drawn
   * from the execution's random stream), as Step Functions does; when false retries happen at once.
   */
  simulateRetryDelays = false;
  /**
   * When true, executions started from now on keep the interpreter's event log and their task
   * attempts, for GetExecutionHistory (the `--serve` mode turns it on). Off by default: a batch
   * run of thousands of jobs would hold every state's input and output in memory.
   */
  keepHistory = false;
  /** When the state machines were created (this instance's creation, on the virtual clock). */
  readonly createdMs: number;
  private readonly byArn = new Map<string, ExecutionRecord>();
  private readonly machines = new Map<
    string,
    {
      info: StateMachineDefinitionInfo;
      machine: StateMachine;
      stateTypes: Map<string, string>;
      runnable: Record<string, unknown>;
      timeoutSeconds?: number;
    }
  >();
  private invocationCounter = 0;

  constructor(
    stateMachines: readonly StateMachineDefinitionInfo[],
    /** Lambda, which runs the tasks' functions (and applies the scenario's `Invoke` faults). */
    private readonly lambda: TaskInvoker,
    private readonly clock: VirtualClock,
    private readonly seed: string,
  ) {
    this.createdMs = clock.nowMs();
    for (const info of stateMachines) {
      assertRunnableLocally(info.definition);
      // Validate the definition as synthesized; then run a copy whose Wait states sleep on the
      // virtual clock and whose execution timeout is kept by the clock too.
      new StateMachine(info.definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
      const stateTypes = new Map<string, string>();
      walkStates(info.definition, (name, state) => stateTypes.set(name, String(state.Type)));
      const { TimeoutSeconds, ...rest } = info.definition;
      const runnable = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
      walkStates(runnable, (name, state) => {
        if (state.Type !== 'Wait') return;
        // Same InputPath/OutputPath semantics; the local handler returns its input unchanged.
        for (const key of ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) delete state[key];
        state.Type = 'Task';
        state.Resource = `arn:aws:states:::local:wait:${name}`;
      });
      const machine = new StateMachine(runnable as never, { validationOptions: { noValidate: true } });
      this.machines.set(info.arn, {
        info,
        machine,
        stateTypes,
        runnable,
        timeoutSeconds: typeof TimeoutSeconds === 'number' ? TimeoutSeconds : undefined,
      });
    }
  }

  /**
   * StartExecution. Idempotent as in Step Functions Standard: the same name and input as a running
   * execution returns that execution; a name already used otherwise is ExecutionAlreadyExists.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
   */
  startExecution(stateMachineArn: string, name: string, input: unknown): { executionArn: string; startDate: number } {
    assertArn(stateMachineArn, 'stateMachine');
    const entry = this.machines.get(stateMachineArn);
    if (entry === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    if (!EXECUTION_NAME.test(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
    const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    // No input is `{}`, as in Step Functions; any JSON value given (null, a string, an array) is kept as it is.
    const inputText = input === undefined ? '{}' : JSON.stringify(input);
    const existing = this.byArn.get(arn);
    if (existing !== undefined) {
      if (existing.status === 'RUNNING' && existing.inputText === inputText)
        return { executionArn: arn, startDate: existing.startMs / 1000 };
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const record: ExecutionRecord = {
      name,
      arn,
      stateMachineArn,
      input: input === undefined ? {} : input,
      inputText,
      ordinal: this.executions.length,
      startMs: this.clock.nowMs(),
      status: 'RUNNING',
      invocations: {},
      counts: { historyEvents: 0, stateTransitions: 0 },
      done: Promise.resolve(),
      ...(this.keepHistory ? { log: [], attempts: [] } : {}),
    };
    this.executions.push(record);
    this.byArn.set(arn, record);
    this.clock.begin();
    record.done = this.run(record, entry).finally(() => this.clock.end());
    return { executionArn: arn, startDate: record.startMs / 1000 };
  }

  /** One execution by ARN. */
  describe(executionArn: string): ExecutionRecord | undefined {
    return this.byArn.get(executionArn);
  }

  /** The deployment's state machines, in template order. */
  stateMachines(): StateMachineRecord[] {
    return [...this.machines.values()].map((m) => ({ info: m.info, creationMs: this.createdMs }));
  }

  /** One state machine by ARN. @throws ServiceError InvalidArn, StateMachineDoesNotExist */
  stateMachine(stateMachineArn: string): StateMachineRecord {
    assertArn(stateMachineArn, 'stateMachine');
    const entry = this.machines.get(stateMachineArn);
    if (entry === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return { info: entry.info, creationMs: this.createdMs };
  }

  /** One execution by ARN. @throws ServiceError InvalidArn, ExecutionDoesNotExist */
  execution(executionArn: string): ExecutionRecord {
    assertArn(executionArn, 'execution');
    const execution = this.byArn.get(executionArn);
    if (execution === undefined) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /**
   * The execution's history in Step Functions' event types, from the interpreter's event log.
   * @throws ServiceError InvalidArn, ExecutionDoesNotExist; HistoryNotKeptError if it was started with `keepHistory` off
   */
  history(executionArn: string): HistoryEvent[] {
    const record = this.execution(executionArn);
    if (record.log === undefined || record.attempts === undefined) throw new HistoryNotKeptError(executionArn);
    const entry = this.machines.get(record.stateMachineArn);
    if (entry === undefined) throw new Error(`no state machine ${record.stateMachineArn} for ${executionArn}`);
    const end =
      record.status === 'TIMED_OUT'
        ? ({ type: 'ExecutionTimedOut', error: record.error, cause: record.cause } as const)
        : record.stopped !== undefined
          ? ({ type: 'ExecutionAborted', ...record.stopped } as const)
          : undefined;
    return historyOf(record.log, record.attempts, {
      region: regionOf(record.arn),
      roleArn: entry.info.roleArn ?? localRoleArn(record.arn),
      stateTypes: entry.stateTypes,
      startMs: record.startMs,
      ...(record.status !== 'RUNNING' ? { stopMs: record.stopMs } : {}),
      end,
    });
  }

  /**
   * StopExecution: aborts a running execution in the interpreter (status ABORTED, `stopDate` now,
   * with the given error and cause). It polls no more: a Lambda task in flight finishes, as in
   * AWS, but no task starts after it. An execution that has ended is left as it is.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html
   */
  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<{ stopDate: number }> {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING' && record.stopped === undefined) {
      record.stopped = { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
      record.stopMs = this.clock.nowMs();
      record.abort?.();
      await record.done;
    }
    return { stopDate: (record.stopMs ?? this.clock.nowMs()) / 1000 };
  }

  /**
   * Runs one execution to its end, in named steps: the Task handlers of its states, their retry
   * counting, the interpreter's run, the count of its events, and how it ended.
   */
  private async run(record: ExecutionRecord, entry: MachineEntry): Promise<void> {
    const control: RunControl = {
      deadlineMs: entry.timeoutSeconds === undefined ? Infinity : record.startMs + entry.timeoutSeconds * 1000,
      timedOut: false,
      abort: () => undefined,
      // StopExecution wakes a sleeping Wait state through this signal.
      stopping: new AbortController(),
    };
    const { handlers, retryOverrides } = this.taskHandlers(record, entry, control);
    // The context object's `State.RetryCount`. The interpreter evaluates a state's Parameters before
    // it calls the handler, so the wrapper of a failed attempt sets the count its retry will read.
    const stateContext = { RetryCount: 0 };
    this.countRetries(record, entry, handlers, stateContext, control.stopping.signal);
    const execution = this.interpret(record, entry, handlers, retryOverrides, stateContext);
    control.abort = () => execution.abort();
    record.abort = () => {
      control.stopping.abort();
      execution.abort();
    };
    const events = this.countEvents(record, execution, entry.stateTypes);
    try {
      record.output = await execution.result;
      record.status = 'SUCCEEDED';
    } catch (error) {
      settleFailure(record, error, control.timedOut, entry.timeoutSeconds);
    }
    const lastEventMs = await events;
    record.abort = undefined;
    // The last event's time is the execution's stopDate (in paced mode time flows while it runs).
    record.stopMs ??= Math.min(lastEventMs ?? Infinity, this.clock.nowMs());
  }

  /** The local handler of every Task state (Wait states were rewritten into local tasks), and the retriers whose interval the clock keeps instead. */
  private taskHandlers(
    record: ExecutionRecord,
    entry: MachineEntry,
    control: RunControl,
  ): { handlers: Record<string, TaskHandler>; retryOverrides: Record<string, number> } {
    const handlers: Record<string, TaskHandler> = {};
    const retryOverrides: Record<string, number> = {};
    walkStates(entry.runnable, (name, state) => {
      if (Array.isArray(state.Retry)) retryOverrides[name] = 0;
      if (state.Type !== 'Task') return;
      const resource = String(state.Resource);
      const recorded = (resourceType: string, taskResource: string, handler: TaskHandler) =>
        attempted(record, () => this.clock.nowMs(), name, resourceType, taskResource, handler);
      if (resource.startsWith('arn:aws:states:::local:wait:')) {
        handlers[name] = this.waitHandler(record, findState(entry.info.definition, name), control);
      } else if (resource === LAMBDA_INVOKE) {
        handlers[name] = recorded('lambda', 'invoke', async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
          const result = await this.invokeFunction(record, FunctionName, Payload, name);
          // The shape Step Functions' Lambda integration returns.
          return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200, SdkHttpMetadata: { HttpStatusCode: 200 } };
        });
      } else if (resource === START_EXECUTION) {
        handlers[name] = recorded('states', 'startExecution', (input) => this.startChild(record, input));
      } else {
        handlers[name] = recorded('lambda', resource, (input) => this.invokeFunction(record, resource, input, name));
      }
    });
    return { handlers, retryOverrides };
  }

  /** A Wait state, on the virtual clock: it sleeps its time, or until the execution's timeout, which ends the run. */
  private waitHandler(record: ExecutionRecord, original: Record<string, unknown>, control: RunControl): TaskHandler {
    return async (input) => {
      const wakeMs = this.clock.nowMs() + waitMillisecondsOf(original, input, this.clock.nowMs());
      if (wakeMs > control.deadlineMs) {
        await this.clock.sleepUntil(control.deadlineMs, record.ordinal, control.stopping.signal);
        if (control.stopping.signal.aborted) return input;
        control.timedOut = true;
        control.abort();
        return input;
      }
      await this.clock.sleepUntil(wakeMs, record.ordinal, control.stopping.signal);
      return input;
    };
  }

  /** A `states:startExecution` task: a new execution, its service errors named as the integration names them. */
  private async startChild(record: ExecutionRecord, input: unknown): Promise<unknown> {
    const { StateMachineArn, Name, Input } = input as { StateMachineArn: string; Name?: string; Input?: unknown };
    try {
      const started = this.startExecution(
        StateMachineArn,
        Name ?? `${record.name}-child-${this.executions.length}`,
        typeof Input === 'string' ? JSON.parse(Input) : Input,
      );
      return { ExecutionArn: started.executionArn, StartDate: new Date(started.startDate * 1000).toISOString() };
    } catch (error) {
      // As the StartExecution integration names service errors: StepFunctions.<Code>Exception.
      const code = error instanceof ServiceError ? error.errorType : 'StepFunctions';
      throw taskError(`StepFunctions.${code}Exception`, (error as Error).message);
    }
  }

  /** Wraps each Task handler to keep `$$.State.RetryCount` (and, if asked, the retry backoff) as Step Functions does. */
  private countRetries(
    record: ExecutionRecord,
    entry: MachineEntry,
    handlers: Record<string, TaskHandler>,
    stateContext: { RetryCount: number },
    signal: AbortSignal,
  ): void {
    // Backoff jitter from the execution's own stream: other executions' retries do not shift it.
    const retryDelays = this.simulateRetryDelays ? seededRandom(`${this.seed}/${record.name}`) : undefined;
    walkStates(entry.runnable, (name, state) => {
      const handler = handlers[name];
      if (handler !== undefined)
        handlers[name] = this.withAttempts(
          record,
          Array.isArray(state.Retry) ? (state.Retry as Retrier[]) : [],
          stateContext,
          retryDelays,
          handler,
          signal,
        );
    });
  }

  /** Starts the interpreter on the execution's input, with the local handlers and the context object. */
  private interpret(
    record: ExecutionRecord,
    entry: MachineEntry,
    handlers: Record<string, TaskHandler>,
    retryOverrides: Record<string, number>,
    stateContext: { RetryCount: number },
  ) {
    return entry.machine.run(record.input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryOverrides },
      context: {
        // Executions are never redriven locally.
        Execution: { Id: record.arn, Name: record.name, RoleArn: `arn:aws:iam::000000000000:role/local`, RedriveCount: 0 },
        StateMachine: { Id: entry.info.arn, Name: entry.info.name },
        // Shared, not copied, by the interpreter: the wrappers' updates are what `$$.State` reads.
        State: stateContext,
      },
    });
  }

  /** Counts the interpreter's events as Step Functions counts them (and logs them, when kept); resolves with the last one's time. */
  private async countEvents(
    record: ExecutionRecord,
    execution: ReturnType<StateMachine['run']>,
    stateTypes: Map<string, string>,
  ): Promise<number | undefined> {
    let lastEventMs: number | undefined;
    for await (const event of execution.eventLogs) {
      countEvent(record.counts, event as never, stateTypes);
      record.log?.push(event as LoggedEvent);
      lastEventMs = (event as LoggedEvent).timestamp;
    }
    return lastEventMs;
  }

  /**
   * Wraps a Task handler to keep `$$.State.RetryCount` as Step Functions does: an attempt the
   * interpreter will retry (it matches the same retrier, by the same rules, with attempts left)
   * counts one more retry; success or a final failure starts the next state at zero. Given
   * `retryDelays` (a random stream, when `simulateRetryDelays` is on), the next attempt also sleeps
   * the retrier's backoff on the virtual clock first (the interpreter's own retry interval is
   * overridden to zero).
   */
  private withAttempts(
    record: ExecutionRecord,
    retriers: readonly Retrier[],
    stateContext: { RetryCount: number },
    retryDelays: (() => number) | undefined,
    handler: (input: unknown) => Promise<unknown>,
    stopped: AbortSignal,
  ) {
    let attempts: number[] | undefined;
    let delayMs = 0;
    return async (input: unknown): Promise<unknown> => {
      if (delayMs > 0) {
        const wakeMs = this.clock.nowMs() + delayMs;
        delayMs = 0;
        await this.clock.sleepUntil(wakeMs, record.ordinal, stopped);
      }
      // A stopped execution starts no task (no poll) after StopExecution, even if the interpreter asks.
      if (stopped.aborted) throw taskError('States.Aborted', 'The execution was stopped');
      try {
        const output = await handler(input);
        attempts = undefined;
        stateContext.RetryCount = 0;
        return output;
      } catch (error) {
        const name = (error as Error).name;
        attempts ??= retriers.map(() => 0);
        const i = retriers.findIndex((r) => r.ErrorEquals.some((e) => e === name || e === 'States.ALL' || e === 'States.TaskFailed'));
        const retrier = retriers[i];
        if (retrier === undefined || attempts[i] >= (retrier.MaxAttempts ?? 3)) {
          attempts = undefined;
          stateContext.RetryCount = 0;
          throw error;
        }
        if (retryDelays !== undefined) {
          const capMs =
            Math.min((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempts[i], retrier.MaxDelaySeconds ?? Infinity) *
            1000;
          delayMs = retrier.JitterStrategy === 'FULL' ? Math.floor(retryDelays() * (capMs + 1)) : capMs;
        }
        attempts[i]++;
        stateContext.RetryCount++;
        throw error;
      }
    };
  }

  private async invokeFunction(record: ExecutionRecord, nameOrArn: string, payload: unknown, stateName: string): Promise<unknown> {
    const fn = this.lambda.functionNamed(nameOrArn);
    if (fn === undefined) throw taskError('Lambda.ResourceNotFoundException', `Function not found: ${nameOrArn}`);
    try {
      return await this.lambda.invokeForTask(fn, payload, stateName, () => {
        record.invocations[fn.logicalId] = (record.invocations[fn.logicalId] ?? 0) + 1;
        return `local-${record.ordinal}-${++this.invocationCounter}`;
      });
    } catch (error) {
      // The task fails with the name and cause Step Functions' Lambda integration reports.
      if (error instanceof LambdaInvokeError) throw taskError(error.errorName, error.cause);
      throw error;
    }
  }
}

/**
 * Wraps a Task handler to record each attempt (effective parameters, raw result or error) for the
 * execution's history, when the execution keeps one.
 */
function attempted(
  record: ExecutionRecord,
  now: () => number,
  stateName: string,
  resourceType: string,
  resource: string,
  handler: (input: unknown) => Promise<unknown>,
) {
  if (record.attempts === undefined) return handler;
  const attempts = record.attempts;
  return async (input: unknown): Promise<unknown> => {
    const attempt: TaskAttempt = { stateName, parameters: input, resourceType, resource, startMs: now() };
    attempts.push(attempt);
    try {
      attempt.output = await handler(input);
      return attempt.output;
    } catch (error) {
      attempt.error = (error as Error).name;
      attempt.cause = (error as Error).message;
      throw error;
    } finally {
      attempt.endMs = now();
    }
  };
}

/** GetExecutionHistory of an execution started while {@link LocalStepFunctions.keepHistory} was off. */
export class HistoryNotKeptError extends Error {
  constructor(executionArn: string) {
    super(
      `The local runtime kept no history for ${executionArn}: it keeps execution histories in --serve mode (LocalStepFunctions.keepHistory)`,
    );
    this.name = 'HistoryNotKeptError';
  }
}

/** A `Retry` entry of a Task state. */
interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}

/** A state machine as the runtime keeps it: the definition, the interpreter's machine, state types, the runnable copy. */
interface MachineEntry {
  readonly info: StateMachineDefinitionInfo;
  readonly machine: StateMachine;
  readonly stateTypes: Map<string, string>;
  readonly runnable: Record<string, unknown>;
  readonly timeoutSeconds?: number;
}

/** What one execution's steps share: its timeout, whether it struck, and how to stop the interpreter. */
interface RunControl {
  readonly deadlineMs: number;
  timedOut: boolean;
  abort: () => void;
  readonly stopping: AbortController;
}

/** A Task state's local handler. */
type TaskHandler = (input: unknown) => Promise<unknown>;

/** How an execution that did not succeed ended: stopped, timed out, or failed with the error the interpreter reports. */
function settleFailure(record: ExecutionRecord, error: unknown, timedOut: boolean, timeoutSeconds: number | undefined): void {
  if (record.stopped !== undefined) {
    record.status = 'ABORTED';
    record.error = record.stopped.error;
    record.cause = record.stopped.cause;
  } else if (timedOut) {
    record.status = 'TIMED_OUT';
    record.error = 'States.Timeout';
    record.cause = `Execution exceeded its TimeoutSeconds of ${timeoutSeconds}`;
    // Its one last event (ExecutionTimedOut) is the interpreter's ExecutionAborted, already counted.
  } else {
    const cause = (error as { cause?: { name?: string; message?: string; cause?: unknown } }).cause;
    record.status = 'FAILED';
    record.error = cause?.name ?? (error as Error).name;
    record.cause = typeof cause?.cause === 'string' ? cause.cause : (cause?.message ?? (error as Error).message);
  }
}

function taskError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

function findState(definition: Record<string, unknown>, name: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  walkStates(definition, (n, s) => {
    if (n === name) found = s;
  });
  if (found === undefined) throw new Error(`No state named ${name}`);
  return found;
}
