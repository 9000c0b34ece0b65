import { DetailType } from '../../../lib/contract';
import type { LocalDeployment } from '../../../local/template/deployment';
import type { DeliveredEvent } from '../../../local/stand-ins/event-bridge-stand-in';
import type { RecordedCall } from '../../../local/core/recorded-call';
import { LocalRuntime, type RunResult } from '../../../local/runtime/runtime';
import { validateScenario } from '../../../local/scenarios/scenario';

/** What {@link runLocally} hands back: the run's result and the (stopped) runtime, for its records. */
export interface LocalRun {
  readonly result: RunResult;
  readonly runtime: LocalRuntime;
}

/**
 * Runs a scenario (raw JSON form, validated like a scenario file) through the local runtime on an
 * already synthesized deployment. `beforeRun` may start executions of its own first.
 */
export async function runLocally(
  deployment: LocalDeployment,
  scenario: unknown,
  beforeRun?: (runtime: LocalRuntime) => void,
  options: { seed?: string; simulateRetryDelays?: boolean } = {},
): Promise<LocalRun> {
  const runtime = await LocalRuntime.start(validateScenario(scenario, 'test scenario'), { deployment, ...options });
  try {
    beforeRun?.(runtime);
    const result = await runtime.run();
    return { result, runtime };
  } finally {
    runtime.stop();
  }
}

/** A timeline that goes PENDING → INPROGRESS → `terminal` over two simulated hours. */
export function standardTimeline(terminal = 'COMPLETED'): { at: number; status: string }[] {
  return [
    { at: 0, status: 'PENDING' },
    { at: 600, status: 'INPROGRESS' },
    { at: 7200, status: terminal },
  ];
}

/** Status-change events about `id`, in the order the bus accepted them. */
export function statusChanges(result: RunResult, id: string): DeliveredEvent[] {
  return result.events
    .filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE && e.envelope.detail.batchPredictionId === id)
    .sort((a, b) => a.arrival - b.arrival);
}

/** Polling-failed events, in the order the bus accepted them. */
export function pollingFailures(result: RunResult): DeliveredEvent[] {
  return result.events.filter((e) => e.envelope['detail-type'] === DetailType.POLLING_FAILED).sort((a, b) => a.arrival - b.arrival);
}

/** Calls of one operation (optionally about one resource). */
export function callsOf(result: RunResult, operation: string, resource?: string): RecordedCall[] {
  return result.calls.filter((c) => c.operation === operation && (resource === undefined || c.resource === resource));
}

/** History items about `id`, in sort-key order. */
export function historyOf(result: RunResult, id: string): Record<string, unknown>[] {
  return result.history
    .filter((h) => h.batchPredictionId === id)
    .sort((a, b) => String(a.transitionKey).localeCompare(String(b.transitionKey)));
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
