/**
 * Detection delay: how long after a status change the poller observed it, per status-change event,
 * checked against the bound the poll-interval policy promises.
 */
import { detectionDelayBoundSeconds } from '../../lambda/shared/domain/poll-interval';
import { DetailType } from '../../lib/contract/events';
import type { PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import type { TimelineEntry } from './scenarios';

/** What the issue allows on top of the policy's wait: the poll's own latency. */
export const LATENCY_ALLOWANCE_SECONDS = 2;

/** Per status-change event: seconds from the change to its observation, and the bound it must meet. */
export interface DetectionDelays {
  readonly delays: number[];
  readonly bounds: number[];
}

/**
 * For every status-change event: how long after the change (the scenario's time for that status)
 * it was observed, and the bound: min(cap, max(initial, 10 % of the time from the previous observed
 * transition to the change)) + 2 s.
 */
export function detectionDelays(
  batchPredictions: readonly { id: string; timeline: readonly TimelineEntry[] }[],
  events: readonly { envelope: { 'detail-type': string; detail: Record<string, unknown> } }[],
  startMs: number,
  policy: PollIntervalPolicy | null,
): DetectionDelays {
  const delays: number[] = [];
  const bounds: number[] = [];
  const byId = new Map(batchPredictions.map((bp) => [bp.id, bp]));
  const changes = new Map<string, { sequence: number; status: string; observedMs: number }[]>();
  for (const { envelope } of events) {
    if (envelope['detail-type'] !== DetailType.STATUS_CHANGE) continue;
    const d = envelope.detail;
    const id = String(d.batchPredictionId);
    const list = changes.get(id) ?? [];
    list.push({ sequence: Number(d.sequence), status: String(d.status), observedMs: Date.parse(String(d.observedAt)) });
    changes.set(id, list);
  }
  for (const [id, list] of changes) {
    const bp = byId.get(id);
    if (bp === undefined) continue;
    list.sort((a, b) => a.sequence - b.sequence);
    let previousObservedMs: number | undefined;
    for (const change of list) {
      const entry = bp.timeline.find((e) => e.status === change.status);
      if (entry === undefined) continue;
      const changedMs = startMs + entry.at * 1000;
      delays.push((change.observedMs - changedMs) / 1000);
      const since = previousObservedMs === undefined ? 0 : Math.max(0, (changedMs - previousObservedMs) / 1000);
      bounds.push(policy === null ? Infinity : detectionDelayBoundSeconds(policy, since) + LATENCY_ALLOWANCE_SECONDS);
      previousObservedMs = change.observedMs;
    }
  }
  return { delays, bounds };
}

/** The detection-delay figures over several simulations. */
export interface DetectionFigures {
  readonly delays: readonly number[];
  /** How many delays exceeded their own bound. */
  readonly violations: number;
  /** The policy's worst case: its cap (or fixed interval) plus the latency allowance. */
  readonly capBoundSeconds: number;
  readonly policy: PollIntervalPolicy;
}

/** Pools the delays of `detections` and counts the bound violations under `policy`. */
export function detectionFigures(detections: readonly DetectionDelays[], policy: PollIntervalPolicy): DetectionFigures {
  const delays = detections.flatMap((d) => d.delays);
  const bounds = detections.flatMap((d) => d.bounds);
  const violations = delays.filter((d, i) => d > bounds[i]).length;
  const capBoundSeconds = (policy.kind === 'adaptive' ? policy.maxSeconds : policy.intervalSeconds) + LATENCY_ALLOWANCE_SECONDS;
  return { delays, violations, capBoundSeconds, policy };
}
