import { StarterRequest } from '../lib/contract';
import { FunctionDefinition, ScheduleDefinition } from './deployment';
import { Delivery, EventBridgeStandIn } from './event-bridge-stand-in';
import { BatchPredictionScenario } from './scenario';
import { LocalStepFunctions } from './step-functions';
import { VirtualClock } from './virtual-clock';

/** Runs a function as an asynchronous (event) invocation; errors are the invocation's own. */
export type AsyncInvoke = (fn: FunctionDefinition, payload: unknown) => Promise<unknown>;

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

  /** Invocations of Lambda rule targets and schedules, and how they ended. */
  readonly invocations: { readonly target: string; readonly atMs: number; outcome?: string }[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly functions: readonly FunctionDefinition[],
    private readonly schedules: readonly ScheduleDefinition[],
    private readonly eventBridge: EventBridgeStandIn,
    private readonly stepFunctions: LocalStepFunctions,
    private readonly batchPredictions: readonly BatchPredictionScenario[],
    private readonly invoke: AsyncInvoke,
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
      if (bp.cloudTrailFailedCall !== undefined) this.process(() => this.announceFailedCall(bp, bp.cloudTrailFailedCall!));
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

  private async run(target: string, fn: FunctionDefinition, payload: unknown): Promise<void> {
    const record: { target: string; atMs: number; outcome?: string } = { target, atMs: this.clock.nowMs() };
    this.invocations.push(record);
    try {
      await this.invoke(fn, payload);
      record.outcome = 'returned';
    } catch (error) {
      // EventBridge retries a failed asynchronous invocation; a local run records it and moves on.
      record.outcome = (error as Error).name || 'Error';
    }
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
   * Fires a `rate(...)` schedule while anything can still happen: a run is active, or a batch
   * prediction's timeline has not played out yet (it may still need to be found by a sweep).
   */
  private async runSchedule(schedule: ScheduleDefinition): Promise<void> {
    for (let tick = 1; ; tick++) {
      await this.clock.sleepUntil(this.clock.startMs + tick * schedule.everySeconds * 1000, DISCOVERY_ORDER);
      for (const target of schedule.targets) {
        const fn = this.functionAt(target.arn);
        if (fn !== undefined) await this.run(schedule.name, fn, target.input === undefined ? {} : (JSON.parse(target.input) as StarterRequest));
      }
      const active = this.stepFunctions.executions.some((e) => e.status === 'RUNNING');
      const pending = this.batchPredictions.some((bp) => bp.timeline.length > 0 && bp.timeline[bp.timeline.length - 1].at * 1000 > this.clock.nowMs() - this.clock.startMs);
      if (!active && !pending && !this.forever) return;
    }
  }
}
