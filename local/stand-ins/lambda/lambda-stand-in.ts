/**
 * Lambda, locally: the one place functions are invoked. It keeps each function's execution
 * environments (handler instances), applies the scenario's `Invoke` faults, and runs the two ways
 * Lambda is called here:
 * - synchronously, as Step Functions' Lambda integration calls it ({@link LambdaStandIn.invokeForTask}):
 *   a Lambda service error fails the task without running the function, a function error comes back
 *   as `errorType` and the error JSON;
 * - asynchronously, as EventBridge targets and schedules call it ({@link LambdaStandIn.invokeAsync}):
 *   Lambda's own retries 1 and 2 minutes apart while the event is young enough, then the invocation
 *   record to the function's on-failure destination.
 */
import { batchPredictionIdIn } from '../../../lib/contract/loop-state';
import type { VirtualClock } from '../../core/virtual-clock';
import type { FaultPlan } from '../../scenarios/faults';
import type { FunctionDefinition } from '../../template/deployment';
import type { SqsStandIn } from '../sqs/sqs-stand-in';

/** A handler as a function's execution environment runs it. */
export type LocalHandler = (payload: unknown, context: { awsRequestId: string }) => Promise<unknown>;

/** Builds one execution environment's handler of a function (its entry module's factory, over the runtime's clients). */
export type HandlerBuilder = (fn: FunctionDefinition) => LocalHandler;

/** One run of a handler. */
export interface InvocationRecord {
  readonly functionLogicalId: string;
  /** `state.batchPredictionId` of the payload, if a string. */
  readonly batchPredictionId: string | null;
  readonly atMs: number;
  /** How many `GetBatchPrediction` answers Amazon ML had given when it began (an index into its `answered`). */
  readonly answersBefore: number;
  /** `returned`, or the name of the error it threw; unset while it runs. */
  outcome?: string;
}

/** One attempt of an asynchronous invocation (each retry is one), and how it ended. */
export interface AsyncAttemptRecord {
  readonly target: string;
  readonly atMs: number;
  readonly requestId: string;
  readonly attempt: number;
  outcome?: string;
}

/** Why Lambda gave up on an asynchronous event, as its invocation record says. */
export type AsyncFailureCondition = 'RetriesExhausted' | 'EventAgeExceeded';

/**
 * The record Lambda sends to an on-failure destination.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export interface AsyncInvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: AsyncFailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: { readonly statusCode: number; readonly executedVersion: string; readonly functionError: 'Unhandled' };
  readonly responsePayload: { readonly errorType: string; readonly errorMessage: string; readonly trace: readonly string[] };
}

/** An asynchronous event Lambda gave up on, and where its record went. */
export interface AsyncFailure {
  readonly target: string;
  readonly functionLogicalId: string;
  readonly requestId: string;
  readonly condition: AsyncFailureCondition;
  readonly attempts: number;
  /** The queue the record was sent to, or null if the function has no on-failure destination (the event is dropped). */
  readonly destinationArn: string | null;
  readonly atMs: number;
}

/**
 * Waits before Lambda's retries of a failed asynchronous invocation: one minute before the first,
 * two before the second. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
export const ASYNC_RETRY_DELAYS_SECONDS: readonly number[] = [60, 120];

/** A synchronous invocation failed: a Lambda service error (the function did not run, or ran and its answer was lost), or the function's own error. */
export class LambdaInvokeError extends Error {
  constructor(
    /** The error name Step Functions sees: `Lambda.*`/`Sandbox.*` for the service, the function's `errorType` otherwise. */
    readonly errorName: string,
    /** The cause Step Functions reports: the error JSON for a function error. */
    readonly cause: string,
  ) {
    super(cause);
    this.name = 'LambdaInvokeError';
  }
}

/** Options of an asynchronous invocation. */
export interface AsyncInvokeOptions {
  /** The rule or schedule that invoked it, for the records. */
  readonly target: string;
  /** Sleeps until a retry is due (the caller's order on the virtual clock). */
  readonly sleepUntil: (ms: number) => Promise<void>;
  /** Runs the retries as an activity of their own, so the caller waits for the first attempt only. */
  readonly background: (body: () => Promise<void>) => void;
  /** Sees each attempt's answer (the sweeper's `deferred`). */
  readonly onAnswer?: (answer: unknown) => void;
}

/** Lambda for the local runtime: the functions of the template, their environments and their faults. */
export class LambdaStandIn {
  /** Every handler run, in start order: which function, about which batch prediction, and how it ended. */
  readonly invocations: InvocationRecord[] = [];
  /** Attempts of asynchronous invocations (each retry is one), and how they ended. */
  readonly asyncAttempts: AsyncAttemptRecord[] = [];
  /** Events Lambda gave up on after its retries (or their age), and where their records went. */
  readonly asyncFailures: AsyncFailure[] = [];
  private readonly environments = new Map<string, { readonly handler: LocalHandler; busy: boolean }[]>();
  private events = 0;

  constructor(
    readonly functions: readonly FunctionDefinition[],
    private readonly clock: VirtualClock,
    private readonly build: HandlerBuilder,
    private readonly queues: SqsStandIn,
    private readonly faults?: FaultPlan,
    /** How many `GetBatchPrediction` answers Amazon ML has given so far, for {@link InvocationRecord.answersBefore}. */
    private readonly answersSoFar: () => number = () => 0,
  ) {
    const queueArns = new Set(queues.contents().map((q) => q.arn));
    for (const fn of functions) {
      const arn = fn.asyncInvoke.onFailureArn;
      if (arn !== undefined && !queueArns.has(arn)) {
        throw new Error(
          `Function ${fn.logicalId} sends failed asynchronous invocations to ${arn}; the local runtime models SQS queues of the template only`,
        );
      }
    }
  }

  /** The function a name or ARN designates, as Lambda resolves `FunctionName`. */
  functionNamed(nameOrArn: string): FunctionDefinition | undefined {
    return this.functions.find((f) => f.arn === nameOrArn || f.name === nameOrArn);
  }

  /**
   * Runs the function once in a free execution environment, or a new one (a cold start): an
   * environment runs one invocation at a time, and has its own logger, metrics and dependencies.
   */
  async run(fn: FunctionDefinition, payload: unknown, requestId: string): Promise<unknown> {
    const pool = this.environments.get(fn.logicalId) ?? [];
    this.environments.set(fn.logicalId, pool);
    let environment = pool.find((candidate) => !candidate.busy);
    if (environment === undefined) {
      environment = { handler: this.build(fn), busy: false };
      pool.push(environment);
    }
    environment.busy = true;
    const invocation: InvocationRecord = {
      functionLogicalId: fn.logicalId,
      batchPredictionId: batchPredictionIdIn((payload as { state?: unknown } | null)?.state) ?? null,
      atMs: this.clock.nowMs(),
      answersBefore: this.answersSoFar(),
    };
    this.invocations.push(invocation);
    try {
      const output = await environment.handler(payload, { awsRequestId: requestId });
      invocation.outcome = 'returned';
      return output;
    } catch (error) {
      invocation.outcome = (error as Error).name || 'Error';
      throw error;
    } finally {
      environment.busy = false;
    }
  }

  /**
   * A synchronous invocation by a state machine's Lambda task. An injected service error fails it
   * without running the function (with `after`: once the function ran to its end, its writes and
   * publishes done, as a crash or timeout after the side effects).
   *
   * @throws LambdaInvokeError with the error name and cause Step Functions reports
   */
  async invokeForTask(
    fn: FunctionDefinition,
    payload: unknown,
    stateName: string,
    /** Names the invocation when the function is about to run (not for a service error that keeps it from running). */
    requestIdOnRun: () => string,
  ): Promise<unknown> {
    const fault = this.faults?.take('Invoke', taskIdsIn(payload), stateName, fn.constructId);
    const code = fault === undefined ? undefined : fault.kind === 'error' ? fault.error.errorType : 'Lambda.ServiceException';
    if (code !== undefined && !(fault?.kind === 'error' && fault.after)) {
      throw new LambdaInvokeError(code, `Injected fault: ${code} (Service: Lambda; Function: ${fn.name})`);
    }
    let output: unknown;
    const requestId = requestIdOnRun();
    try {
      output = await this.run(fn, payload, requestId);
    } catch (error) {
      if (code !== undefined) throw error;
      const e = error as Error;
      // Step Functions reports a function error as Error = errorType, Cause = the error JSON.
      throw new LambdaInvokeError(e.name || 'Error', JSON.stringify({ errorType: e.name || 'Error', errorMessage: e.message, trace: [] }));
    }
    if (code !== undefined) throw new LambdaInvokeError(code, `Injected fault: ${code} after the function ran (Function: ${fn.name})`);
    return output;
  }

  /**
   * One asynchronous event, as Lambda handles it once EventBridge has handed it over (EventBridge's
   * own retry policy covers only that hand-over): the first attempt now; after a function error up
   * to `maximumRetryAttempts` more, 1 and 2 minutes apart, while the event is younger than
   * `maximumEventAgeSeconds`; then the invocation record goes to the on-failure destination, or the
   * event is dropped.
   */
  async invokeAsync(fn: FunctionDefinition, payload: unknown, options: AsyncInvokeOptions): Promise<void> {
    const requestId = `local-event-${++this.events}`;
    const enqueuedMs = this.clock.nowMs();
    const first = await this.attempt(fn, payload, requestId, 1, options);
    if (first === undefined) return;
    options.background(async () => {
      let error = first;
      let attempts = 1;
      for (const delaySeconds of ASYNC_RETRY_DELAYS_SECONDS.slice(0, fn.asyncInvoke.maximumRetryAttempts)) {
        const retryMs = this.clock.nowMs() + delaySeconds * 1000;
        if (retryMs - enqueuedMs > fn.asyncInvoke.maximumEventAgeSeconds * 1000)
          return this.giveUp(options.target, fn, payload, requestId, 'EventAgeExceeded', attempts, error);
        await options.sleepUntil(retryMs);
        const next = await this.attempt(fn, payload, requestId, ++attempts, options);
        if (next === undefined) return;
        error = next;
      }
      this.giveUp(options.target, fn, payload, requestId, 'RetriesExhausted', attempts, error);
    });
  }

  /** One attempt; the function error it ended with, or undefined if it returned. */
  private async attempt(
    fn: FunctionDefinition,
    payload: unknown,
    requestId: string,
    attempt: number,
    options: AsyncInvokeOptions,
  ): Promise<Error | undefined> {
    const record: AsyncAttemptRecord = { target: options.target, atMs: this.clock.nowMs(), requestId, attempt };
    this.asyncAttempts.push(record);
    // A scenario fault on this function: the attempt fails with a function error of that name,
    // before the function runs, or ("after") once it has run to its end.
    const fault = this.faults?.take('Invoke', eventIdsIn(payload), undefined, fn.constructId);
    const injected =
      fault?.kind === 'error'
        ? Object.assign(new Error(`Injected fault: ${fault.error.errorType}`), { name: fault.error.errorType })
        : undefined;
    try {
      if (injected === undefined || (fault?.kind === 'error' && fault.after)) {
        // Run first: `onAnswer?.(...)` would skip evaluating its argument when there is no listener.
        const answer = await this.run(fn, payload, requestId);
        options.onAnswer?.(answer);
      }
      if (injected !== undefined) throw injected;
      record.outcome = 'returned';
      return undefined;
    } catch (error) {
      record.outcome = (error as Error).name || 'Error';
      return error as Error;
    }
  }

  private giveUp(
    target: string,
    fn: FunctionDefinition,
    payload: unknown,
    requestId: string,
    condition: AsyncFailureCondition,
    attempts: number,
    error: Error,
  ): void {
    const destinationArn = fn.asyncInvoke.onFailureArn ?? null;
    this.asyncFailures.push({
      target,
      functionLogicalId: fn.logicalId,
      requestId,
      condition,
      attempts,
      destinationArn,
      atMs: this.clock.nowMs(),
    });
    if (destinationArn === null) return;
    const record: AsyncInvocationRecord = {
      version: '1.0',
      timestamp: new Date(this.clock.nowMs()).toISOString(),
      requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition, approximateInvokeCount: attempts },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: error.name || 'Error', errorMessage: error.message, trace: [] },
    };
    this.queues.send(destinationArn, JSON.stringify(record));
  }
}

/** The batch prediction a Lambda task's payload is about (`state.batchPredictionId`), for id-scoped faults. */
function taskIdsIn(payload: unknown): string[] {
  const id = batchPredictionIdIn((payload as { state?: unknown } | null)?.state);
  return id === undefined ? [] : [id];
}

/** The batch prediction an asynchronous payload names (the CloudTrail start's id), for id-scoped faults. */
function eventIdsIn(payload: unknown): string[] {
  const id = batchPredictionIdIn(payload);
  return id === undefined ? [] : [id];
}
