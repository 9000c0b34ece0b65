import { DEFAULT_EVENT_SOURCE, DetailType } from '../../lib/contract/events';
import { EnvVar } from '../../lib/contract/environment';
import type { LocalDeployment } from '../template/deployment';
import type { DeliveredEvent } from '../stand-ins/event-bridge/event-bridge-stand-in';
import type { LocalRuntime, RunResult } from '../runtime/runtime';

/** `+HH:MM:SS` (or `+Dd HH:MM:SS`) of simulated time since the run's start. */
export function formatOffset(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const days = Math.floor(whole / 86400);
  const hms = new Date((whole % 86400) * 1000).toISOString().slice(11, 19);
  return days > 0 ? `+${days}d ${hms}` : `+${hms}`;
}

/** What a rule target is, for people: `SNS topic X`, `SQS queue Y`, or the ARN. */
export function describeTarget(arn: string): string {
  const [, , service, , , ...rest] = arn.split(':');
  const name = rest.join(':');
  if (service === 'sns') return `SNS topic ${name}`;
  if (service === 'sqs') return `SQS queue ${name}`;
  if (service === 'lambda') return `Lambda ${name.replace(/^function:/, '')}`;
  return arn;
}

/** How {@link formatTimeline} and {@link ServedTimeline} lay out events. */
export interface TimelineOptions {
  /** The poller's event `source`: events with another source or detail type are foreign. @default DEFAULT_EVENT_SOURCE */
  readonly eventSource?: string;
  /** Width of the batch prediction id column. @default - the widest id among the events, 12 to 40 */
  readonly idWidth?: number;
}

/** The `source` the deployment's poller publishes with (its functions' `POLLER_EVENT_SOURCE`). */
export function pollerEventSource(deployment: Pick<LocalDeployment, 'functions'>): string {
  return deployment.functions.map((f) => f.environment[EnvVar.EVENT_SOURCE]).find((s) => s !== undefined) ?? DEFAULT_EVENT_SOURCE;
}

/** The id column's width for these batch prediction ids: the widest, 12 to 40. */
export function idColumnWidth(ids: readonly string[]): number {
  return Math.min(40, Math.max(12, ...ids.map((id) => id.length)));
}

/**
 * The readable timeline of a run: one line per event (simulated time, batch prediction,
 * `PREVIOUS → STATUS` or the failure, event id; a foreign event as its source and detail type)
 * and one indented line per rule that matched it.
 */
export function formatTimeline(result: Pick<RunResult, 'events'>, startMs: number, options: TimelineOptions = {}): string[] {
  const idWidth =
    options.idWidth ??
    idColumnWidth(result.events.filter((e) => isOurs(e, options)).map((e) => String(e.envelope.detail.batchPredictionId ?? '')));
  const lines: string[] = [];
  for (const event of result.events) {
    lines.push(formatEvent(event, startMs, idWidth, options));
    for (const delivery of event.deliveries) {
      const input = typeof delivery.input === 'string' ? delivery.input : JSON.stringify(delivery.input);
      lines.push(`${' '.repeat(12)}↳ rule ${delivery.ruleName} → ${describeTarget(delivery.targetArn)}: ${input}`);
    }
  }
  return lines;
}

/** The timeline `npm start` prints after a run (and the README's quick start shows, for the demo). */
export function timelineLines(result: Pick<RunResult, 'events'>, runtime: Pick<LocalRuntime, 'clock' | 'deployment'>): string[] {
  return formatTimeline(result, runtime.clock.startMs, { eventSource: pollerEventSource(runtime.deployment) });
}

/**
 * The `--serve` timeline: events printed in time order although they are accepted in another
 * (a re-published event carries its first time; a user's `PutEvents` any `Time`). An event is held
 * until the clock has left its second: the clock never goes back and every event the runtime
 * publishes is dated with the clock, so nothing accepted later can be dated earlier. An event
 * dated after its acceptance is placed at its acceptance, so that it is never held indefinitely.
 */
export class ServedTimeline {
  private seen = 0;
  private pending: { event: DeliveredEvent; keyMs: number }[] = [];

  constructor(
    private readonly startMs: number,
    private readonly options: TimelineOptions = {},
  ) {}

  /**
   * The lines to print now. `events`: every event accepted so far, in acceptance order (it only
   * grows); `nowMs`: the simulated time. `flush` prints everything held (at the end).
   */
  take(events: readonly DeliveredEvent[], nowMs: number, flush = false): string[] {
    return formatTimeline({ events: this.due(events, nowMs, flush) }, this.startMs, this.options);
  }

  /** The events to print now, in time order: {@link take} before formatting. */
  due(events: readonly DeliveredEvent[], nowMs: number, flush = false): DeliveredEvent[] {
    for (; this.seen < events.length; this.seen++) {
      const event = events[this.seen];
      const timeMs = Date.parse(event.envelope.time);
      this.pending.push({ event, keyMs: Number.isFinite(timeMs) ? Math.min(timeMs, nowMs) : nowMs });
    }
    const horizonMs = Math.floor(nowMs / 1000) * 1000;
    const due = this.pending
      .filter((p) => flush || p.keyMs < horizonMs)
      .sort((a, b) => a.keyMs - b.keyMs || a.event.arrival - b.event.arrival);
    this.pending = this.pending.filter((p) => !due.includes(p));
    return due.map((p) => p.event);
  }
}

function isOurs(event: DeliveredEvent, options: TimelineOptions): boolean {
  const { envelope } = event;
  const ourDetailTypes: readonly string[] = [DetailType.STATUS_CHANGE, DetailType.POLLING_FAILED];
  return envelope.source === (options.eventSource ?? DEFAULT_EVENT_SOURCE) && ourDetailTypes.includes(envelope['detail-type']);
}

function formatEvent(event: DeliveredEvent, startMs: number, idWidth: number, options: TimelineOptions): string {
  const d = event.envelope.detail;
  const offset = formatOffset((Date.parse(event.envelope.time) - startMs) / 1000).padEnd(11);
  if (!isOurs(event, options)) {
    // Not the poller's: say what it is rather than read it as a status change.
    const bus = event.eventBusName === 'default' ? 'default bus' : `bus ${event.eventBusName}`;
    return `${offset} other event: ${event.envelope.source} ${JSON.stringify(event.envelope['detail-type'])} on ${bus}, id ${event.envelope.id}`;
  }
  const id = String(d.batchPredictionId ?? '').padEnd(idWidth);
  if (event.envelope['detail-type'] === DetailType.POLLING_FAILED) {
    return `${`${offset} ${id} polling failed: ${d.reason} (${d.error})`.padEnd(idWidth + 52)} event ${d.eventId}`;
  }
  const change = `${d.previousStatus ?? '—'} → ${d.status}`;
  return `${offset} ${id} ${change.padEnd(26)} event ${d.eventId}`;
}

/** One line per execution: how it ended and what it cost. */
export function formatExecutions(result: RunResult): string[] {
  return result.executions.map(
    (e) =>
      `  ${e.name.padEnd(28)} ${e.status.padEnd(9)} ${(e.error ?? '').padEnd(30)} polls ${String(e.polls).padStart(5)}  transitions ${String(e.stateTransitions).padStart(6)}  history events ${String(e.historyEvents).padStart(6)}  simulated ${formatOffset(e.simulatedSeconds)}`,
  );
}
