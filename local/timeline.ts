import { DetailType } from '../lib/contract';
import { DeliveredEvent } from './event-bridge-stand-in';
import { RunResult } from './runtime';

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

/**
 * The readable timeline of a run: one line per event (simulated time, batch prediction,
 * `PREVIOUS → STATUS` or the failure, event id) and one indented line per rule that matched it.
 */
export function formatTimeline(result: Pick<RunResult, 'events'>, startMs: number): string[] {
  const lines: string[] = [];
  const idWidth = Math.min(40, Math.max(12, ...result.events.map((e) => String(e.envelope.detail.batchPredictionId ?? '').length)));
  for (const event of result.events) {
    lines.push(formatEvent(event, startMs, idWidth));
    for (const delivery of event.deliveries) {
      const input = typeof delivery.input === 'string' ? delivery.input : JSON.stringify(delivery.input);
      lines.push(`${' '.repeat(12)}↳ rule ${delivery.ruleName} → ${describeTarget(delivery.targetArn)}: ${input}`);
    }
  }
  return lines;
}

function formatEvent(event: DeliveredEvent, startMs: number, idWidth: number): string {
  const d = event.envelope.detail;
  const offset = formatOffset((Date.parse(event.envelope.time) - startMs) / 1000).padEnd(11);
  const id = String(d.batchPredictionId ?? '').padEnd(idWidth);
  if (event.envelope['detail-type'] === DetailType.POLLING_FAILED) {
    return `${offset} ${id} polling failed: ${d.reason} (${d.error})`.padEnd(idWidth + 52) + ` event ${d.eventId}`;
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
