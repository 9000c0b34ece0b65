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

  private async run(
    record: ExecutionRecord,
    entry: {
      info: StateMachineDefinitionInfo;
      machine: StateMachine;
      stateTypes: Map<string, string>;
      runnable: Record<string, unknown>;
      timeoutSeconds?: number;
    },
  ): Promise<void> {
    const deadlineMs = entry.timeoutSeconds === undefined ? Infinity : record.startMs + entry.timeoutSeconds * 1000;
    let timedOut = false;
    let abort: () => void = () => undefined;
    // StopExecution wakes a sleeping Wait state through this signal.
    const stopping = new AbortController();
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const retryOverrides: Record<string, number> = {};
    walkStates(entry.runnable, (name, state) => {
      if (Array.isArray(state.Retry)) retryOverrides[name] = 0;
      if (state.Type !== 'Task') return;
      const resource = String(state.Resource);
      if (resource.startsWith('arn:aws:states:::local:wait:')) {
        const original = findState(entry.info.definition, name);
        handlers[name] = async (input) => {
          const wakeMs = this.clock.nowMs() + waitMillisecondsOf(original, input, this.clock.nowMs());
          if (wakeMs > deadlineMs) {
            await this.clock.sleepUntil(deadlineMs, record.ordinal, stopping.signal);
            if (stopping.signal.aborted) return input;
            timedOut = true;
            abort();
            return input;
          }
          await this.clock.sleepUntil(wakeMs, record.ordinal, stopping.signal);
          return input;
        };
      } else if (resource === LAMBDA_INVOKE) {
        handlers[name] = attempted(
          record,
          () => this.clock.nowMs(),
          name,
          'lambda',
          'invoke',
          async (input) => {
            const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
            const result = await this.invokeFunction(record, FunctionName, Payload, name);
            // The shape Step Functions' Lambda integration returns.
            return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200, SdkHttpMetadata: { HttpStatusCode: 200 } };
          },
        );
      } else if (resource === START_EXECUTION) {
        handlers[name] = attempted(
          record,
          () => this.clock.nowMs(),
          name,
          'states',
          'startExecution',
          async (input) => {
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
          },
        );
      } else {
        handlers[name] = attempted(
          record,
          () => this.clock.nowMs(),
          name,
          'lambda',
          resource,
          (input) => this.invokeFunction(record, resource, input, name),
        );
      }
    });

    // The context object's `State.RetryCount`. The interpreter evaluates a state's Parameters before
    // it calls the handler, so the wrapper of a failed attempt sets the count its retry will read.
    const stateContext = { RetryCount: 0 };
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
          stopping.signal,
        );
    });

    const execution = entry.machine.run(record.input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryOverrides },
      context: {
        // Executions are never redriven locally.
        Execution: { Id: record.arn, Name: record.name, RoleArn: `arn:aws:iam::000000000000:role/local`, RedriveCount: 0 },
        StateMachine: { Id: entry.info.arn, Name: entry.info.name },
        // Shared, not copied, by the interpreter: the wrappers' updates are what `$$.State` reads.
        State: stateContext,
      },
    });
    abort = () => execution.abort();
    record.abort = () => {
      stopping.abort();
      execution.abort();
    };
    // The last event's time is the execution's stopDate (in paced mode time flows while it runs).
    let lastEventMs: number | undefined;
    const counting = (async () => {
      for await (const event of execution.eventLogs) {
        countEvent(record.counts, event as never, entry.stateTypes);
        record.log?.push(event as LoggedEvent);
        lastEventMs = (event as LoggedEvent).timestamp;
      }
    })();
    try {
      record.output = await execution.result;
      record.status = 'SUCCEEDED';
    } catch (error) {
      if (record.stopped !== undefined) {
        record.status = 'ABORTED';
        record.error = record.stopped.error;
        record.cause = record.stopped.cause;
      } else if (timedOut) {
        record.status = 'TIMED_OUT';
        record.error = 'States.Timeout';
        record.cause = `Execution exceeded its TimeoutSeconds of ${entry.timeoutSeconds}`;
        // Its one last event (ExecutionTimedOut) is the interpreter's ExecutionAborted, already counted.
      } else {
        const cause = (error as { cause?: { name?: string; message?: string; cause?: unknown } }).cause;
        record.status = 'FAILED';
        record.error = cause?.name ?? (error as Error).name;
        record.cause = typeof cause?.cause === 'string' ? cause.cause : (cause?.message ?? (error as Error).message);
      }
    }
    await counting;
    record.abort = undefined;
    record.stopMs ??= Math.min(lastEventMs ?? Infinity, this.clock.nowMs());
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

/** ARNs the Step Functions API accepts, by resource type. */
const ARN_PATTERNS = {
  stateMachine: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]{1,80}$/,
  execution: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]{1,80}:[^:]{1,80}$/,
} as const;

/**
 * Refuses a malformed ARN as Step Functions does, with InvalidArn (a missing one: ValidationException).
 * @throws ServiceError InvalidArn, ValidationException
 */
export function assertArn(arn: string, resourceType: keyof typeof ARN_PATTERNS): void {
  if (ARN_PATTERNS[resourceType].test(arn)) return;
  if (arn === '') {
    const member = resourceType === 'stateMachine' ? 'stateMachineArn' : 'executionArn';
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  const parts = arn.split(':');
  const reason =
    parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'states'
      ? `Invalid ARN prefix: ${arn}`
      : parts[5] !== resourceType
        ? `Resource type not valid in this context: ${parts[5]}`
        : `Invalid resource name in ARN: ${arn}`;
  throw new ServiceError('InvalidArn', `Invalid Arn: '${reason}'`);
}

function regionOf(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

function localRoleArn(arn: string): string {
  return `arn:aws:iam::${arn.split(':')[4] ?? '000000000000'}:role/local`;
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
