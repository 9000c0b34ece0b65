/**
 * Step Functions' execution history (`GetExecutionHistory`) built from the local interpreter's
 * event log: the same events, in Step Functions' event types and detail shapes, counted the way
 * `countEvent` (`local/template/asl.ts`) counts them for the 25,000-event limit.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */

/** One event of the interpreter's log (aws-local-stepfunctions' `EventLog`), the fields used here. */
export interface LoggedEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly state?: { readonly name: string; readonly input?: unknown; readonly output?: unknown };
}

/** One attempt of a Task state, as the local Step Functions ran it (its handler wrapper records it). */
export interface TaskAttempt {
  readonly stateName: string;
  /** The task's effective parameters (after InputPath and Parameters). */
  readonly parameters: unknown;
  /** Step Functions' names for the integration, e.g. `lambda` / `invoke`. */
  readonly resourceType: string;
  readonly resource: string;
  readonly startMs: number;
  endMs?: number;
  /** The task's raw result (before ResultSelector and ResultPath), when it succeeded. */
  output?: unknown;
  error?: string;
  cause?: string;
}

/** What the history needs to know about the execution besides its log. */
export interface HistoryContext {
  readonly region: string;
  readonly roleArn: string;
  /** The original state types by name (Wait states run as local tasks, but are Wait states). */
  readonly stateTypes: ReadonlyMap<string, string>;
  /**
   * StartExecution's `startDate` and, once it ended, the execution's `stopDate`: the first and last
   * events' times (in paced mode the interpreter stamps them a few real milliseconds later).
   */
  readonly startMs: number;
  readonly stopMs?: number;
  /** Set when the execution timed out or was stopped: how its end reads in the history. */
  readonly end?: { readonly type: 'ExecutionTimedOut' | 'ExecutionAborted'; readonly error?: string; readonly cause?: string };
}

/** A history event in the API's shape (timestamps in epoch milliseconds here; the endpoint sends seconds). */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestampMs: number;
  readonly type: string;
  readonly details: Readonly<Record<string, Record<string, unknown>>>;
}

const json = (value: unknown) => JSON.stringify(value ?? null);
const data = (value: unknown) => ({ text: json(value), details: { truncated: false } });

/**
 * Converts the interpreter's log to Step Functions' history. Per state: `<Type>StateEntered`,
 * then, for a Task, per attempt `TaskScheduled`, `TaskStarted` and `TaskSucceeded` or
 * `TaskFailed`, and `<Type>StateExited` when the state is left (a Fail state, or a state whose
 * error ends the execution, is never exited). `previousEventId` is the event before it.
 */
export function historyOf(log: readonly LoggedEvent[], attempts: readonly TaskAttempt[], context: HistoryContext): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const push = (type: string, timestampMs: number, detailsKey?: string, details?: Record<string, unknown>) => {
    const id = events.length + 1;
    events.push({
      id,
      previousEventId: id - 1,
      timestampMs,
      type,
      details: detailsKey === undefined ? {} : { [detailsKey]: details ?? {} },
    });
  };
  // Attempts of each Task state, in the order they ran; `open` is the one without a result event yet.
  const queues = new Map<string, TaskAttempt[]>();
  for (const attempt of attempts) {
    const queue = queues.get(attempt.stateName) ?? [];
    queue.push(attempt);
    queues.set(attempt.stateName, queue);
  }
  const open = new Map<string, TaskAttempt | undefined>();
  const schedule = (name: string, atMs: number) => {
    const attempt = queues.get(name)?.shift();
    const resourceType = attempt?.resourceType ?? 'lambda';
    const resource = attempt?.resource ?? 'invoke';
    const startMs = attempt?.startMs ?? atMs;
    push('TaskScheduled', startMs, 'taskScheduledEventDetails', {
      resourceType,
      resource,
      region: context.region,
      parameters: json(attempt?.parameters ?? {}),
    });
    push('TaskStarted', startMs, 'taskStartedEventDetails', { resourceType, resource });
    open.set(name, attempt ?? { stateName: name, parameters: {}, resourceType, resource, startMs });
  };
  const finish = (name: string, atMs: number, failure?: { error?: string; cause?: unknown }, output?: unknown) => {
    const attempt = open.get(name);
    if (attempt === undefined) return;
    open.delete(name);
    const base = { resourceType: attempt.resourceType, resource: attempt.resource };
    const endMs = attempt.endMs ?? atMs;
    if (failure !== undefined) {
      push('TaskFailed', endMs, 'taskFailedEventDetails', {
        ...base,
        error: attempt.error ?? failure.error,
        cause: attempt.cause ?? causeText(failure.cause),
      });
    } else {
      const result = data(attempt.output ?? output);
      push('TaskSucceeded', endMs, 'taskSucceededEventDetails', { ...base, output: result.text, outputDetails: result.details });
    }
  };

  for (const event of log) {
    const name = event.state?.name ?? '';
    const stateType = context.stateTypes.get(name) ?? 'Task';
    switch (event.type) {
      case 'ExecutionStarted': {
        const input = data(event.input);
        push('ExecutionStarted', context.startMs, 'executionStartedEventDetails', {
          input: input.text,
          inputDetails: input.details,
          roleArn: context.roleArn,
        });
        break;
      }
      case 'ExecutionSucceeded': {
        const output = data(event.output);
        push('ExecutionSucceeded', context.stopMs ?? event.timestamp, 'executionSucceededEventDetails', {
          output: output.text,
          outputDetails: output.details,
        });
        break;
      }
      case 'ExecutionFailed':
        push('ExecutionFailed', context.stopMs ?? event.timestamp, 'executionFailedEventDetails', {
          error: event.Error,
          cause: causeText(event.Cause),
        });
        break;
      case 'ExecutionAborted':
      case 'ExecutionTimeout': {
        const end = context.end ?? { type: event.type === 'ExecutionTimeout' ? 'ExecutionTimedOut' : 'ExecutionAborted' };
        const key = end.type === 'ExecutionTimedOut' ? 'executionTimedOutEventDetails' : 'executionAbortedEventDetails';
        push(end.type, context.stopMs ?? event.timestamp, key, {
          ...(end.error !== undefined ? { error: end.error } : {}),
          ...(end.cause !== undefined ? { cause: end.cause } : {}),
        });
        break;
      }
      case 'StateEntered': {
        const input = data(event.state?.input);
        push(`${stateType}StateEntered`, event.timestamp, 'stateEnteredEventDetails', {
          name,
          input: input.text,
          inputDetails: input.details,
        });
        if (stateType === 'Task') schedule(name, event.timestamp);
        break;
      }
      case 'StateFailed':
        finish(name, event.timestamp, { error: event.Error, cause: event.Cause });
        break;
      case 'StateRetried':
        if (stateType === 'Task') schedule(name, event.timestamp);
        break;
      case 'StateExited': {
        if (stateType === 'Task') finish(name, event.timestamp, undefined, undefined);
        const output = data(event.state?.output);
        push(`${stateType}StateExited`, event.timestamp, 'stateExitedEventDetails', {
          name,
          output: output.text,
          outputDetails: output.details,
        });
        break;
      }
      default:
        break;
    }
  }
  return events;
}

/** The fields of a history event that hold execution data (input or output), per details object. */
const DATA_FIELDS = ['input', 'inputDetails', 'output', 'outputDetails', 'parameters'];

/**
 * A history event as `GetExecutionHistory` sends it: timestamps in epoch seconds, and without
 * execution data unless `includeExecutionData`.
 */
export function wireEvent(event: HistoryEvent, includeExecutionData: boolean): Record<string, unknown> {
  const details = Object.fromEntries(
    Object.entries(event.details).map(([key, value]) => [
      key,
      includeExecutionData ? value : Object.fromEntries(Object.entries(value).filter(([field]) => !DATA_FIELDS.includes(field))),
    ]),
  );
  return { timestamp: event.timestampMs / 1000, type: event.type, id: event.id, previousEventId: event.previousEventId, ...details };
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
