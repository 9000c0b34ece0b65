/**
 * The local runtime's printed timeline: the poller's events as transitions and failures, anything
 * else on the bus as what it is, and the `--serve` timeline in time order whatever the order the
 * events were accepted in.
 */
import { DetailType } from '../../lib/contract/events';
import type { DeliveredEvent } from '../../local/stand-ins/event-bridge/event-bridge-stand-in';
import { ServedTimeline, formatTimeline, pollerEventSource } from '../../local/cli/timeline';

const START = Date.parse('2026-01-05T00:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString().replace('.000Z', 'Z');

function event(
  arrival: number,
  seconds: number,
  overrides: { source?: string; detailType?: string; detail?: Record<string, unknown>; bus?: string } = {},
): DeliveredEvent {
  return {
    eventBusName: overrides.bus ?? 'BatchPredictionPollerEventBus',
    arrival,
    deliveries: [],
    putRuleMatches: [],
    envelope: {
      version: '0',
      id: `envelope-${arrival}`,
      'detail-type': overrides.detailType ?? DetailType.STATUS_CHANGE,
      source: overrides.source ?? 'batch-prediction-poller',
      account: '123456789012',
      time: at(seconds),
      region: 'us-east-1',
      resources: [],
      detail: overrides.detail ?? {
        batchPredictionId: `bp-${arrival}`,
        previousStatus: null,
        status: 'PENDING',
        eventId: `event-${arrival}`,
      },
    },
  };
}

describe('formatTimeline', () => {
  it('shows a status change and a polling failure of the poller', () => {
    const lines = formatTimeline(
      {
        events: [
          event(0, 0),
          event(1, 65, {
            detailType: DetailType.POLLING_FAILED,
            detail: { batchPredictionId: 'bp-typo', reason: 'NOT_FOUND', error: 'BatchPredictionNotFoundError', eventId: 'event-1' },
          }),
        ],
      },
      START,
    );
    expect(lines).toEqual([
      '+00:00:00   bp-0         — → PENDING                event event-0',
      expect.stringMatching(/^\+00:01:05 {3}bp-typo {6}polling failed: NOT_FOUND \(BatchPredictionNotFoundError\) +event event-1$/),
    ]);
  });

  it.each([
    [
      'another source, our detail type',
      { source: 'my.app', detailType: DetailType.STATUS_CHANGE, detail: { status: 'X' } },
      /other event: my\.app "Batch Prediction Status Change" on bus BatchPredictionPollerEventBus, id envelope-0$/,
    ],
    [
      'our source, another detail type',
      { detailType: 'Order Placed', detail: { orderId: 'o-1' } },
      /other event: batch-prediction-poller "Order Placed" on bus/,
    ],
    [
      'CloudTrail on the default bus',
      { source: 'aws.machinelearning', detailType: 'AWS API Call via CloudTrail', bus: 'default', detail: {} },
      /other event: aws\.machinelearning "AWS API Call via CloudTrail" on default bus/,
    ],
  ])('shows a foreign event (%s) as what it is, never as a status change', (_case, overrides, expected) => {
    const [line] = formatTimeline({ events: [event(0, 30, overrides)] }, START);
    expect(line).toMatch(/^\+00:00:30 {3}/);
    expect(line).toMatch(expected);
    expect(line).not.toMatch(/undefined|→/);
  });

  it('treats the configured event source as the poller own', () => {
    const [line] = formatTimeline({ events: [event(0, 0, { source: 'ml.poller' })] }, START, { eventSource: 'ml.poller' });
    expect(line).toMatch(/bp-0 +— → PENDING/);
    expect(pollerEventSource({ functions: [{ environment: { POLLER_EVENT_SOURCE: 'ml.poller' } }] as never })).toBe('ml.poller');
  });
});

describe('ServedTimeline', () => {
  it('prints in time order events accepted out of order, each once the clock has left its second', () => {
    const timeline = new ServedTimeline(START);
    const accepted = [event(0, 2), event(1, 0), event(2, 1)];
    // At +00:00:02.5 the events of seconds 0 and 1 are final; one dated 2 might still come.
    expect(timeline.take(accepted, START + 2500).map((l) => l.slice(0, 9))).toEqual(['+00:00:00', '+00:00:01']);
    accepted.push(event(3, 2));
    expect(timeline.take(accepted, START + 2900)).toEqual([]);
    const later = timeline.take(accepted, START + 3000);
    expect(later.map((l) => l.match(/event (event-\d)/)?.[1])).toEqual(['event-0', 'event-3']);
    expect(timeline.take(accepted, START + 10_000)).toEqual([]);
  });

  it('places an event dated after its acceptance at its acceptance, and prints what is held when flushed', () => {
    const timeline = new ServedTimeline(START);
    const accepted = [event(0, 3600, { source: 'my.app', detailType: 'Order Placed' }), event(1, 5)];
    expect(timeline.take(accepted, START + 5200)).toEqual([]);
    const lines = timeline.take(accepted, START + 6000);
    expect(lines).toHaveLength(2);
    // Accepted at 5.2 s, after bp-1's event of second 5: printed after it, with its own time.
    expect(lines[0]).toMatch(/^\+00:00:05 +bp-1/);
    expect(lines[1]).toMatch(/^\+01:00:00 +other event: my\.app "Order Placed"/);
    accepted.push(event(2, 6));
    expect(timeline.take(accepted, START + 6100, true)).toEqual([expect.stringMatching(/^\+00:00:06 +bp-2/)]);
  });
});
