import type { StarterRequest } from '../../lib/contract/loop-state';
import type { FunctionDefinition, ScheduleDefinition } from '../template/deployment';
import type { Delivery, EventBridgeStandIn } from '../stand-ins/event-bridge/event-bridge-stand-in';
import type { AsyncAttemptRecord, AsyncFailure, LambdaStandIn } from '../stand-ins/lambda/lambda-stand-in';
import type { BatchPredictionScenario } from '../scenarios/scenario';
import type { LocalStepFunctions } from '../step-functions/step-functions';
import type { VirtualClock } from '../core/virtual-clock';

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
  get invocations(): readonly AsyncAttemptRecord[] {
    return this.lambda.asyncAttempts;
  }

  /** Events Lambda gave up on after its retries (or their age), and where their records went. */
  get failures(): readonly AsyncFailure[] {
    return this.lambda.asyncFailures;
  }

  constructor(
    private readonly clock: VirtualClock,
    private readonly functions: readonly FunctionDefinition[],
    private readonly schedules: readonly ScheduleDefinition[],
    private readonly eventBridge: EventBridgeStandIn,
    private readonly stepFunctions: LocalStepFunctions,
    private readonly batchPredictions: readonly BatchPredictionScenario[],
    /** Lambda, which runs the asynchronous invocations (retries, on-failure destinations, faults). */
    private readonly lambda: LambdaStandIn,
  ) {
    eventBridge.onDelivery = (delivery) => this.deliver(delivery);
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

  /** An asynchronous invocation of `fn` by `target` (a rule or schedule), on discovery's order of the clock. */
  private run(target: string, fn: FunctionDefinition, payload: unknown): Promise<void> {
    return this.lambda.invokeAsync(fn, payload, {
      target,
      sleepUntil: async (ms) => {
        await this.clock.sleepUntil(ms, DISCOVERY_ORDER);
      },
      background: (body) => this.process(body),
      onAnswer: (answer) => {
        const deferred = (answer as { deferred?: unknown } | null | undefined)?.deferred;
        if (Array.isArray(deferred)) this.workDeferred = deferred.length > 0;
      },
    });
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
