/**
 * Property: whatever the status timeline and whatever fails on the way (transient errors before or
 * after the call took effect, failed PutEvents entries, Lambda throttling), the status-change events
 * subscribers receive, deduplicated by eventId, are exactly the transitions the poller observed, in
 * order, and the history holds each of them once, published. Run through the local runtime: the
 * synthesized state machine, the real handlers, stand-ins that fail on purpose.
 *
 * `npm run soak` runs the same model over 10,000 jobs.
 */
import fc from 'fast-check';
import type { LocalDeployment } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';

import {
  type DeliveryFigures,
  type Observation,
  addFigures,
  checkDelivery,
  collapse,
  emptyFigures,
  explains,
  jobArbitrary,
  observationsOf,
  runAndCheck,
  scenarioFor,
} from '../../scripts/soak/delivery-model';
import { runLocally } from './support/local-run';

const SEED = 20260105;
const RUNS = 25;
const JOBS_PER_RUN = 4;

let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
});

describe('delivered events = observed transitions, under random faults', () => {
  it(`holds for ${RUNS} runs × ${JOBS_PER_RUN} jobs (seed ${SEED})`, async () => {
    let totals: DeliveryFigures = emptyFigures();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(jobArbitrary, { minLength: JOBS_PER_RUN, maxLength: JOBS_PER_RUN }), async (jobs) => {
        const check = await runAndCheck(deployment, jobs, `prop${run++}`);
        totals = addFigures(totals, check);
        expect(check.problems).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // The schedule did inject faults, and some runs did deliver duplicates that dedup removed.
    expect(totals.faultsInjected).toBeGreaterThan(RUNS);
    expect(totals.duplicates).toBeGreaterThan(0);
    expect(totals).toMatchObject({ lost: 0, unexpected: 0, sequenceErrors: 0, historyMismatches: 0, failedRuns: 0 });
  });
});

describe('the oracle', () => {
  const seen = (status: string, atMs: number, attemptReturned = true): Observation => ({ status, atMs, attemptReturned });

  it('collapses repeated observations into transitions', () => {
    expect(collapse(['PENDING', 'PENDING', 'INPROGRESS', 'PENDING', 'COMPLETED', 'COMPLETED'])).toEqual([
      'PENDING',
      'INPROGRESS',
      'PENDING',
      'COMPLETED',
    ]);
  });

  it('lets a status only a failed attempt saw be left out or be delivered, nothing else', () => {
    const observations = [seen('PENDING', 0), seen('INPROGRESS', 30, false), seen('PENDING', 35), seen('COMPLETED', 60)];
    expect(explains(observations, ['PENDING', 'COMPLETED'])).toBe(true);
    expect(explains(observations, ['PENDING', 'INPROGRESS', 'PENDING', 'COMPLETED'])).toBe(true);
    // Delivered late, after a returning poll saw PENDING again: not what was observed.
    expect(explains(observations, ['PENDING', 'INPROGRESS', 'COMPLETED'])).toBe(false);
    expect(explains(observations, ['PENDING'])).toBe(false);
    expect(
      explains(
        observations.map((o) => ({ ...o, attemptReturned: true })),
        ['PENDING', 'COMPLETED'],
      ),
    ).toBe(false);
  });

  it('catches a lost event, a misplaced one and a missing history item in a real run', async () => {
    const jobs = [
      {
        timeline: [
          { at: 0, status: 'PENDING' },
          { at: 60, status: 'COMPLETED' },
        ],
        faults: [],
      },
    ];
    const { result, runtime } = await runLocally(deployment, scenarioFor(jobs, 'oracle'));
    const observations = observationsOf(runtime);
    const clean = checkDelivery(result, observations, jobs, 'oracle');
    expect(clean.problems).toEqual([]);
    expect(clean).toMatchObject({ transitions: 2, eventsDelivered: 2, lost: 0 });

    const lost = { ...result, events: result.events.slice(1) };
    expect(checkDelivery(lost, observations, jobs, 'oracle')).toMatchObject({
      lost: 1,
      unexpected: 0,
      sequenceErrors: 1,
      historyMismatches: 1,
    });
    const reordered = { ...result, events: [...result.events].reverse().map((e, i) => ({ ...e, arrival: i })) };
    expect(checkDelivery(reordered, observations, jobs, 'oracle')).toMatchObject({ sequenceErrors: 1 });
    const unseen = new Map([['oracle-0', [...(observations.get('oracle-0') ?? []), seen('FAILED', runtime.clock.nowMs() + 1000)]]]);
    expect(checkDelivery(result, unseen, jobs, 'oracle')).toMatchObject({ lost: 1, sequenceErrors: 1 });
    const unpublished = { ...result, history: result.history.map((h, i) => (i === 0 ? { ...h, published: false } : h)) };
    expect(checkDelivery(unpublished, observations, jobs, 'oracle').historyMismatches).toBe(1);
  });
});
