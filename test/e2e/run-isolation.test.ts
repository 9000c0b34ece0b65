import { DetailType } from '../../lib/contract/events';

import type { LocalDeployment } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { runLocally, standardTimeline } from './support/local-run';

// Two runs in one process (as tests, benchmarks and a `--serve` restart do) share only what lives
// as long as the process: the synthesized deployment and the loopback endpoints. Everything a run
// produces (events, history items, calls, faults, executions, queue messages, the clock) belongs to
// its runtime, so a second run sees none of the first one's.
let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
});

const first = {
  batchPredictions: [{ id: 'bp-first', timeline: standardTimeline('FAILED') }],
  faults: [{ operation: 'PutEvents', id: 'bp-first', error: 'InternalFailure', times: 1 }],
};
const second = { batchPredictions: [{ id: 'bp-second', timeline: standardTimeline() }] };

describe('two runs in one process', () => {
  it('a second run sees none of the first run’s events, history, calls, faults or executions', async () => {
    // Act
    const one = await runLocally(deployment, first);
    const two = await runLocally(deployment, second);
    const alone = await runLocally(deployment, second);

    // Assert: the first run did happen (so that the second has something not to see)
    expect(one.result.totals.faultsInjected).toBe(1);
    expect(one.result.events.some((e) => e.envelope.detail.batchPredictionId === 'bp-first')).toBe(true);

    // Assert: nothing of bp-first in the second run
    const idsOf = (values: readonly unknown[]) => JSON.stringify(values);
    expect(idsOf(two.result.events)).not.toContain('bp-first');
    expect(idsOf(two.result.history)).not.toContain('bp-first');
    expect(idsOf(two.result.calls)).not.toContain('bp-first');
    expect(idsOf(two.result.executions)).not.toContain('bp-first');
    expect(idsOf(two.result.queues)).not.toContain('bp-first');
    expect(two.result.totals.faultsInjected).toBe(0);
    expect(
      two.result.events.filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE).map((e) => e.envelope.detail.status),
    ).toEqual(['PENDING', 'INPROGRESS', 'COMPLETED']);

    // Assert: the second run is the run it would have been on its own (same seed, same start)
    expect(two.result).toEqual(alone.result);
  });
});
