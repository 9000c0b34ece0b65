/**
 * What the local runtime needs to know about Amazon States Language beyond what the interpreter
 * does: which definitions it can run faithfully, how long a Wait state waits, and how Step
 * Functions would count history events and billed state transitions.
 */

import { readReferencePath } from '../core/reference-path';

/** A definition uses something the local interpreter would run wrongly or not at all. */
export class UnsupportedDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedDefinitionError';
  }
}

/** Task resources the local runtime can run. */
export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const START_EXECUTION = 'arn:aws:states:::states:startExecution';
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/;

type State = Record<string, unknown>;

/**
 * Refuses, with a message naming the state and the construct, any definition that
 * aws-local-stepfunctions 3.0.0 would run differently from Step Functions: JSONata and variables
 * (silently ignored), `ResultPath: "$"` (mishandled), task integrations other than Lambda invoke
 * and StartExecution, callback and `.sync` patterns, heartbeats.
 *
 * @throws UnsupportedDefinitionError
 */
export function assertRunnableLocally(definition: Record<string, unknown>): void {
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONPath') {
    throw new UnsupportedDefinitionError(
      `The definition uses QueryLanguage ${JSON.stringify(definition.QueryLanguage)}; the local interpreter ignores JSONata silently, so keep the stack's definition to JSONPath`,
    );
  }
  walkStates(definition, (name, state) => {
    const where = `state "${name}"`;
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
      throw new UnsupportedDefinitionError(
        `${where} uses QueryLanguage ${JSON.stringify(state.QueryLanguage)}; the local interpreter runs JSONPath only`,
      );
    }
    for (const key of [
      'Arguments',
      'Output',
      'Assign',
      'Items',
      'Credentials',
      'HeartbeatSeconds',
      'HeartbeatSecondsPath',
      'ItemReader',
      'ResultWriter',
      'ItemBatcher',
    ]) {
      if (key in state) throw new UnsupportedDefinitionError(`${where} uses "${key}", which the local interpreter does not run faithfully`);
    }
    if (state.ResultPath === '$') {
      throw new UnsupportedDefinitionError(
        `${where} has ResultPath "$", which the local interpreter mishandles; use OutputPath or a sub-path instead`,
      );
    }
    for (const catcher of (state.Catch ?? []) as State[]) {
      if (catcher.ResultPath === '$')
        throw new UnsupportedDefinitionError(`${where} has a Catch with ResultPath "$", which the local interpreter mishandles`);
    }
    // The local context object has Execution (RedriveCount always 0), StateMachine and
    // State.RetryCount; a path to anything else would fail at run time, so fail at load instead.
    const contextPath = /\$\$\.(State\.(?:Name|EnteredTime)|Task|Execution\.RedriveTime)\b/.exec(JSON.stringify(state));
    if (contextPath !== null) {
      throw new UnsupportedDefinitionError(
        `${where} reads $$.${contextPath[1]} from the context object, which the local runtime does not provide; it provides $$.Execution, $$.StateMachine and $$.State.RetryCount`,
      );
    }
    if (state.Type === 'Task') {
      const resource = String(state.Resource);
      if (resource !== LAMBDA_INVOKE && resource !== START_EXECUTION && !LAMBDA_ARN.test(resource)) {
        throw new UnsupportedDefinitionError(
          `${where} calls ${resource}; the local runtime runs Lambda invoke and Step Functions StartExecution tasks only`,
        );
      }
    }
  });
}

/** Calls `visit` for every state, nested Parallel branches and Map processors included. */
export function walkStates(definition: Record<string, unknown>, visit: (name: string, state: State) => void): void {
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, State>)) {
    visit(name, state);
    for (const branch of (state.Branches ?? []) as Record<string, unknown>[]) walkStates(branch, visit);
    const processor = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
    if (processor !== undefined) walkStates(processor, visit);
  }
}

/**
 * Seconds a Wait state waits for `input` (after its InputPath), per the ASL spec: `Seconds`,
 * `SecondsPath`, `Timestamp` or `TimestampPath` (reference paths only).
 */
export function waitMillisecondsOf(state: State, input: unknown, nowMs: number): number {
  if (typeof state.Seconds === 'number') return state.Seconds * 1000;
  if (typeof state.SecondsPath === 'string') {
    const seconds = readReferencePath(input, state.SecondsPath);
    if (!(Number.isInteger(seconds) && (seconds as number) >= 0)) {
      throw Object.assign(new Error(`SecondsPath ${state.SecondsPath} must point to a whole number ≥ 0, got ${JSON.stringify(seconds)}`), {
        name: 'States.Runtime',
      });
    }
    return (seconds as number) * 1000;
  }
  const timestamp =
    typeof state.Timestamp === 'string'
      ? state.Timestamp
      : typeof state.TimestampPath === 'string'
        ? readReferencePath(input, state.TimestampPath)
        : undefined;
  if (typeof timestamp === 'string') {
    const at = Date.parse(timestamp);
    // A NaN wake-up time would stall the virtual clock for good; Step Functions fails the state.
    if (Number.isNaN(at))
      throw Object.assign(new Error(`Wait state timestamp ${JSON.stringify(timestamp)} is not an ISO-8601 timestamp`), {
        name: 'States.Runtime',
      });
    return Math.max(0, at - nowMs);
  }
  throw Object.assign(new Error('Wait state has no Seconds, SecondsPath, Timestamp or TimestampPath'), { name: 'States.Runtime' });
}

/** Counts of one execution, as Step Functions would report and bill them. */
export interface ExecutionCounts {
  /** Events in the execution's history (the 25,000 limit applies to these). */
  historyEvents: number;
  /** Billed state transitions: every state entered, every retry. */
  stateTransitions: number;
}

/** One event of the interpreter's log, the fields that matter for counting. */
export interface InterpreterEvent {
  readonly type: string;
  readonly state?: { readonly name: string };
}

/**
 * Maps the interpreter's event log to Step Functions history events: an execution starts and ends
 * with one event each; a Task state has Entered and Exited events and, per attempt, Scheduled,
 * Started and Succeeded/Failed (the Lambda integration's shape); every other state that is left
 * has Entered and Exited events; a Fail state only Entered.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
export function countEvent(counts: ExecutionCounts, event: InterpreterEvent, stateTypes: ReadonlyMap<string, string>): void {
  const type = event.state === undefined ? undefined : stateTypes.get(event.state.name);
  switch (event.type) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
    case 'ExecutionFailed':
    case 'ExecutionAborted':
    case 'ExecutionTimeout':
      counts.historyEvents += 1;
      break;
    case 'StateEntered':
      counts.stateTransitions += 1;
      counts.historyEvents += type === 'Task' ? 1 + 3 : 1;
      break;
    case 'StateRetried':
      counts.stateTransitions += 1;
      counts.historyEvents += type === 'Task' ? 3 : 0;
      break;
    case 'StateExited':
      counts.historyEvents += 1;
      break;
    default:
      break;
  }
}
