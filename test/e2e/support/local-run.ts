import { DetailType } from '../../../lib/contract/events';
import type { DeliveredEvent } from '../../../local/stand-ins/event-bridge/event-bridge-stand-in';
import type { RecordedCall } from '../../../local/core/recorded-call';
import type { RunResult } from '../../../local/runtime/runtime';

// Shared with the delivery model of `npm run soak`, which may not import test support.
export { type LocalRun, historyOf, runLocally, statusChanges } from '../../../scripts/soak/local-run';

/** A timeline that goes PENDING → INPROGRESS → `terminal` over two simulated hours. */
export function standardTimeline(terminal = 'COMPLETED'): { at: number; status: string }[] {
  return [
    { at: 0, status: 'PENDING' },
    { at: 600, status: 'INPROGRESS' },
    { at: 7200, status: terminal },
  ];
}

/** Polling-failed events, in the order the bus accepted them. */
export function pollingFailures(result: RunResult): DeliveredEvent[] {
  return result.events.filter((e) => e.envelope['detail-type'] === DetailType.POLLING_FAILED).sort((a, b) => a.arrival - b.arrival);
}

/** Calls of one operation (optionally about one resource). */
export function callsOf(result: RunResult, operation: string, resource?: string): RecordedCall[] {
  return result.calls.filter((c) => c.operation === operation && (resource === undefined || c.resource === resource));
}

/** `[previousStatus, status, sequence, eventId]` of each event, for compact assertions. */
export function transitionsOf(events: readonly DeliveredEvent[]): [unknown, unknown, unknown, unknown][] {
  return events.map((e) => [
    e.envelope.detail.previousStatus,
    e.envelope.detail.status,
    e.envelope.detail.sequence,
    e.envelope.detail.eventId,
  ]);
}

/** Distinct event ids, in first-seen order. */
export function distinctEventIds(events: readonly DeliveredEvent[]): string[] {
  return [...new Set(events.map((e) => String(e.envelope.detail.eventId)))];
}
