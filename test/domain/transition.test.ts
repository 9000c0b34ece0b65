import fc from 'fast-check';
import { ALL_STATUSES, type BatchPredictionStatus } from '../../lib/contract/events';
import { type Transition, detectTransition } from '../../lambda/shared/domain/transition';

describe('detectTransition', () => {
  it.each<[string, BatchPredictionStatus | null, BatchPredictionStatus, number, Transition | undefined]>([
    ['first observation of a run', null, 'PENDING', 0, { previousStatus: null, status: 'PENDING', sequence: 1 }],
    ['first observation of a finished job', null, 'COMPLETED', 0, { previousStatus: null, status: 'COMPLETED', sequence: 1 }],
    ['PENDING → INPROGRESS', 'PENDING', 'INPROGRESS', 1, { previousStatus: 'PENDING', status: 'INPROGRESS', sequence: 2 }],
    ['INPROGRESS → COMPLETED', 'INPROGRESS', 'COMPLETED', 2, { previousStatus: 'INPROGRESS', status: 'COMPLETED', sequence: 3 }],
    ['INPROGRESS → FAILED', 'INPROGRESS', 'FAILED', 2, { previousStatus: 'INPROGRESS', status: 'FAILED', sequence: 3 }],
    ['PENDING → DELETED (skipping states)', 'PENDING', 'DELETED', 1, { previousStatus: 'PENDING', status: 'DELETED', sequence: 2 }],
    [
      'a handed-over run continues its numbering',
      'INPROGRESS',
      'COMPLETED',
      41,
      { previousStatus: 'INPROGRESS', status: 'COMPLETED', sequence: 42 },
    ],
    ['PENDING unchanged', 'PENDING', 'PENDING', 1, undefined],
    ['INPROGRESS unchanged', 'INPROGRESS', 'INPROGRESS', 2, undefined],
    ['COMPLETED unchanged', 'COMPLETED', 'COMPLETED', 3, undefined],
  ])('%s', (_label, lastStatus, observed, lastSequence, expected) => {
    expect(detectTransition(lastStatus, observed, lastSequence)).toEqual(expected);
  });

  it('over any sequence of observed statuses, numbers transitions 1, 2, 3… and chains them', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALL_STATUSES), { minLength: 1, maxLength: 60 }), (observed) => {
        // Act: feed the observations through the detector as the poll loop does.
        const transitions: Transition[] = [];
        let lastStatus: BatchPredictionStatus | null = null;
        let sequence = 0;
        for (const status of observed) {
          const transition = detectTransition(lastStatus, status, sequence);
          if (transition !== undefined) {
            transitions.push(transition);
            lastStatus = transition.status;
            sequence = transition.sequence;
          }
        }

        // Assess
        transitions.forEach((transition, index) => {
          expect(transition.sequence).toBe(index + 1);
          expect(transition.previousStatus).toBe(index === 0 ? null : transitions[index - 1].status);
          expect(transition.status).not.toBe(transition.previousStatus);
        });
        // Exactly one transition per run of equal observations, in order.
        const runs = observed.filter((status, index) => index === 0 || status !== observed[index - 1]);
        expect(transitions.map((t) => t.status)).toEqual(runs);
      }),
    );
  });
});
