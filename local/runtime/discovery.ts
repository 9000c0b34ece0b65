import type { StarterRequest } from '../../lib/contract/loop-state';
import type { FunctionDefinition, ScheduleDefinition } from '../template/deployment';
import type { Delivery, EventBridgeStandIn } from '../stand-ins/event-bridge-stand-in';
import type { FaultPlan } from '../scenarios/faults';
import type { SqsStandIn } from '../stand-ins/sqs-stand-in';
import type { BatchPredictionScenario } from '../scenarios/scenario';
import type { LocalStepFunctions } from '../step-functions/step-functions';
import type { VirtualClock } from '../core/virtual-clock';

/** Runs a function once for an asynchronous (event) invocation; errors are the attempt's own. */
export type AsyncInvoke = (fn: FunctionDefinition, payload: unknown, requestId: string) => Promise<unknown>;

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

/** Sleepers of discovery run after every execution due at the same instant. */
const DISCOVERY_ORDER = Number.MAX_SAFE_INTEGER - 1;

/**
 * Automatic discovery, locally: the template's Lambda rule targets run when their rule matches
 * (the CloudTrail discovery rule), scheduled rules fire on the virtual clock (the sweeper), and
 * batch predictions marked `cloudTrail` announce themselves on the default bus when created (and
 * those with `cloudTrailFailedCall`, a failed creation call, at time 0).
 */
export class LocalDiscovery {
  private forever = false;
  /** The last sweep answered with restarts due later (`deferred`): the schedule keeps firing for them. */
  private workDeferred = false;

  /** Attempts of asynchronous invocations of Lambda rule targets and schedules (each retry is one), and how they ended. */
  readonly invocations: {
    readonly target: string;
    readonly atMs: number;
    readonly requestId: string;
    readonly attempt: number;
    outcome?: string;
  }[] = [];
  /** Events Lambda gave up on after its retries (or their age), and where their records went. */
  readonly failures: AsyncFailure[] = [];
  private events = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly functions: readonly FunctionDefinition[],
    private readonly schedules: readonly ScheduleDefinition[],
    private readonly eventBridge: EventBridgeStandIn,
    private readonly stepFunctions: LocalStepFunctions,
    private readonly batchPredictions: readonly BatchPredictionScenario[],
    private readonly invoke: AsyncInvoke,
    private readonly queues: SqsStandIn,
    private readonly faults?: FaultPlan,
  ) {
    eventBridge.onDelivery = (delivery) => this.deliver(delivery);
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

  /**
   * Starts the schedules and the CloudTrail announcements. They end by themselves once nothing can
   * happen any more, unless `forever` (the long-running `--serve` mode).
   */
  start(forever = false): void {
    this.forever = forever;
    for (const bp of this.batchPredictions) {
      const failedCall = bp.cloudTrailFailedCall;
      if (failedCall !== undefined) this.process(() => this.announceFailedCall(bp, failedCall));
      if (bp.cloudTrail && !bp.missing && bp.timeline.length > 0) this.process(() => this.announce(bp));
    }
    for (const schedule of this.schedules) this.process(() => this.runSchedule(schedule));
  }

  private deliver(delivery: Delivery): void {
    const fn = this.functionAt(delivery.targetArn);
    if (fn !== undefined) this.process(() => this.run(delivery.ruleName, fn, delivery.input));
  }

  private functionAt(arn: string): FunctionDefinition | undefined {
    return this.functions.find((f) => f.arn === arn);
  }

  /** An activity of its own on the clock, so time does not move on while it runs. */
  private process(body: () => Promise<void>): void {
    this.clock.begin();
    void body().finally(() => this.clock.end());
  }

  /**
   * One asynchronous event, as Lambda handles it once EventBridge has handed it over (EventBridge's
   * own retry policy covers only that hand-over): the first attempt now; after a function error up
   * to `maximumRetryAttempts` more, 1 and 2 minutes apart, while the event is younger than
   * `maximumEventAgeSeconds`; then the invocation record goes to the on-failure destination, or the
   * event is dropped. The retries run as an activity of their own, so a caller (the sweeper's
   * schedule) waits for the first attempt only.
   */
  private async run(target: string, fn: FunctionDefinition, payload: unknown): Promise<void> {
    const requestId = `local-event-${++this.events}`;
    const enqueuedMs = this.clock.nowMs();
    const first = await this.attempt(target, fn, payload, requestId, 1);
    if (first === undefined) return;
    this.process(async () => {
      let error = first;
      let attempts = 1;
      for (const delaySeconds of ASYNC_RETRY_DELAYS_SECONDS.slice(0, fn.asyncInvoke.maximumRetryAttempts)) {
        const retryMs = this.clock.nowMs() + delaySeconds * 1000;
        if (retryMs - enqueuedMs > fn.asyncInvoke.maximumEventAgeSeconds * 1000)
          return this.giveUp(target, fn, payload, requestId, 'EventAgeExceeded', attempts, error);
        await this.clock.sleepUntil(retryMs, DISCOVERY_ORDER);
        const next = await this.attempt(target, fn, payload, requestId, ++attempts);
        if (next === undefined) return;
        error = next;
      }
      this.giveUp(target, fn, payload, requestId, 'RetriesExhausted', attempts, error);
    });
  }

  /** One attempt; the function error it ended with, or undefined if it returned. */
  private async attempt(
    target: string,
    fn: FunctionDefinition,
    payload: unknown,
    requestId: string,
    attempt: number,
  ): Promise<Error | undefined> {
    const record: { target: string; atMs: number; requestId: string; attempt: number; outcome?: string } = {
      target,
      atMs: this.clock.nowMs(),
      requestId,
      attempt,
    };
    this.invocations.push(record);
    // A scenario fault on this function: the attempt fails with a function error of that name,
    // before the function runs, or ("after") once it has run to its end.
    const fault = this.faults?.take('Invoke', idsIn(payload), undefined, fn.constructId);
    const injected =
      fault?.kind === 'error'
        ? Object.assign(new Error(`Injected fault: ${fault.error.errorType}`), { name: fault.error.errorType })
        : undefined;
    try {
      if (injected === undefined || (fault?.kind === 'error' && fault.after)) {
        const answer = (await this.invoke(fn, payload, requestId)) as { deferred?: unknown } | null | undefined;
        if (Array.isArray(answer?.deferred)) this.workDeferred = answer.deferred.length > 0;
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
    this.failures.push({
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

  /** CloudTrail's record of a successful `CreateBatchPrediction`, as EventBridge delivers it. */
  private async announce(bp: BatchPredictionScenario): Promise<void> {
    await this.clock.sleepUntil(this.clock.startMs + bp.timeline[0].at * 1000, DISCOVERY_ORDER);
    this.emitCreateCall(bp.id, { responseElements: { batchPredictionId: bp.id } });
  }

  /**
   * CloudTrail's record of a failed `CreateBatchPrediction` at time 0: `errorCode` and
   * `errorMessage` set, `responseElements` null.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
   */
  private async announceFailedCall(bp: BatchPredictionScenario, errorCode: string): Promise<void> {
    await this.clock.sleepUntil(this.clock.startMs, DISCOVERY_ORDER);
    this.emitCreateCall(bp.id, { errorCode, errorMessage: `CreateBatchPrediction failed: ${errorCode}`, responseElements: null });
  }

  private emitCreateCall(id: string, outcome: Record<string, unknown>): void {
    this.eventBridge.emitAwsEvent({
      Source: 'aws.machinelearning',
      DetailType: 'AWS API Call via CloudTrail',
      Detail: JSON.stringify({
        eventVersion: '1.08',
        eventSource: 'machinelearning.amazonaws.com',
        eventName: 'CreateBatchPrediction',
        awsRegion: 'us-east-1',
        requestParameters: { batchPredictionId: id, mLModelId: `ml-${id}`, batchPredictionDataSourceId: `ds-${id}` },
        ...outcome,
      }),
    });
  }

  /**
   * Fires a `rate(...)` schedule while anything can still happen: a run is active, a batch
   * prediction's timeline has not played out yet (it may still need to be found by a sweep), or the
   * last sweep deferred a restart to a later sweep (a failed run revisited after its backoff).
   */
  private async runSchedule(schedule: ScheduleDefinition): Promise<void> {
    for (let tick = 1; ; tick++) {
      await this.clock.sleepUntil(this.clock.startMs + tick * schedule.everySeconds * 1000, DISCOVERY_ORDER);
      for (const target of schedule.targets) {
        const fn = this.functionAt(target.arn);
        if (fn !== undefined)
          await this.run(schedule.name, fn, target.input === undefined ? {} : (JSON.parse(target.input) as StarterRequest));
      }
      const active = this.stepFunctions.executions.some((e) => e.status === 'RUNNING');
      const pending = this.batchPredictions.some(
        (bp) => bp.timeline.length > 0 && bp.timeline[bp.timeline.length - 1].at * 1000 > this.clock.nowMs() - this.clock.startMs,
      );
      if (!active && !pending && !this.workDeferred && !this.forever) return;
    }
  }
}

/** The batch prediction an asynchronous payload names (the CloudTrail start's id), for id-scoped faults. */
function idsIn(payload: unknown): string[] {
  const id = (payload as { batchPredictionId?: unknown } | null)?.batchPredictionId;
  return typeof id === 'string' ? [id] : [];
}
