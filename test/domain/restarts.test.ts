import fc from 'fast-check';
import { DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_BACKOFF_SECONDS, MAX_AUTOMATIC_RESTARTS } from '../../lib/contract/defaults';
import type { LatestRun } from '../../lib/contract/runs';
import {
  type RestartDecision,
  type RestartPolicy,
  decideRestart,
  restartPolicyProblems,
  restartSpacingSeconds,
  revisitWindowSeconds,
} from '../../lambda/shared/domain/restarts';

const POLICY: RestartPolicy = { maxRestarts: 3, backoffBaseSeconds: 900 };
const STOPPED_AT = '2024-05-01T10:00:00.000Z';
const afterStop = (seconds: number) => new Date(Date.parse(STOPPED_AT) + seconds * 1000);
const ended = (restart: number, status: string, stoppedAt: string | undefined = STOPPED_AT): LatestRun => ({
  restart,
  executionName: restart === 0 ? 'bp-1' : `bp-1+r${restart}`,
  status,
  ...(stoppedAt === undefined ? {} : { stoppedAt }),
});

describe('restartSpacingSeconds', () => {
  it.each<[number, number, number]>([
    [1, 900, 900],
    [2, 900, 1800],
    [3, 900, 3600],
    [4, 60, 480],
    [10, 900, 900 * 512],
  ])('restart %p with base %p s waits %p s', (restart, base, expected) => {
    expect(restartSpacingSeconds(restart, base)).toBe(expected);
  });

  it('doubles with every restart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 86_400 }), (restart, base) => {
        expect(restartSpacingSeconds(restart + 1, base)).toBe(2 * restartSpacingSeconds(restart, base));
      }),
    );
  });
});

describe('decideRestart', () => {
  it.each<[string, LatestRun, Date, RestartDecision]>([
    ['a first run that FAILED, 15 min later: restart 1', ended(0, 'FAILED'), afterStop(900), { kind: 'restart', restart: 1 }],
    ['a first run that TIMED_OUT, an hour later: restart 1', ended(0, 'TIMED_OUT'), afterStop(3600), { kind: 'restart', restart: 1 }],
    ['a first run that was ABORTED (StopExecution): left stopped', ended(0, 'ABORTED'), afterStop(86_400), { kind: 'stopped' }],
    ['a restart that was ABORTED: left stopped', ended(2, 'ABORTED'), afterStop(86_400), { kind: 'stopped' }],
    [
      'a first run that FAILED 14 min 59 s ago: not yet',
      ended(0, 'FAILED'),
      afterStop(899),
      { kind: 'backoff', restart: 1, notBefore: afterStop(900).toISOString() },
    ],
    [
      'restart 1 that FAILED 29 min ago: restart 2 waits 30 min',
      ended(1, 'FAILED'),
      afterStop(29 * 60),
      { kind: 'backoff', restart: 2, notBefore: afterStop(1800).toISOString() },
    ],
    ['restart 1 that FAILED 30 min ago: restart 2', ended(1, 'FAILED'), afterStop(1800), { kind: 'restart', restart: 2 }],
    ['restart 2 that FAILED 1 h ago: restart 3', ended(2, 'FAILED'), afterStop(3600), { kind: 'restart', restart: 3 }],
    ['restart 3 that FAILED, a day later: the bound holds', ended(3, 'FAILED'), afterStop(86_400), { kind: 'exhausted', restarts: 3 }],
    [
      'an operator restart past the bound that FAILED: still exhausted',
      ended(5, 'FAILED'),
      afterStop(86_400),
      { kind: 'exhausted', restarts: 3 },
    ],
    ['a run that SUCCEEDED saw a terminal status: never restarted', ended(0, 'SUCCEEDED'), afterStop(86_400), { kind: 'finished' }],
    ['a restart that SUCCEEDED: never restarted', ended(2, 'SUCCEEDED'), afterStop(86_400), { kind: 'finished' }],
    [
      'a run still RUNNING (ListExecutions lagged)',
      { restart: 0, executionName: 'bp-1', status: 'RUNNING' },
      afterStop(0),
      { kind: 'running' },
    ],
    ['a run waiting for a redrive', ended(0, 'PENDING_REDRIVE'), afterStop(86_400), { kind: 'running' }],
    [
      'an ended run without a stop time counts as ended now',
      ended(0, 'FAILED', undefined),
      afterStop(0),
      { kind: 'backoff', restart: 1, notBefore: afterStop(900).toISOString() },
    ],
  ])('%s', (_what, latest, now, expected) => {
    expect(decideRestart(latest, POLICY, now)).toEqual(expected);
  });

  it('restarts nothing with maxRestarts 0', () => {
    expect(decideRestart(ended(0, 'FAILED'), { ...POLICY, maxRestarts: 0 }, afterStop(86_400))).toEqual({ kind: 'exhausted', restarts: 0 });
  });

  it('never starts more than maxRestarts restarts, and never before the spacing has passed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_AUTOMATIC_RESTARTS }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom('FAILED', 'TIMED_OUT'),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 40 * 86_400 }),
        (maxRestarts, restart, status, backoffBaseSeconds, secondsSince) => {
          const decision = decideRestart(ended(restart, status), { maxRestarts, backoffBaseSeconds }, afterStop(secondsSince));
          if (decision.kind === 'restart') {
            expect(decision.restart).toBe(restart + 1);
            expect(decision.restart).toBeLessThanOrEqual(maxRestarts);
            expect(secondsSince).toBeGreaterThanOrEqual(restartSpacingSeconds(decision.restart, backoffBaseSeconds));
          } else if (decision.kind === 'backoff') {
            expect(secondsSince).toBeLessThan(restartSpacingSeconds(decision.restart, backoffBaseSeconds));
          } else {
            expect(decision).toEqual({ kind: 'exhausted', restarts: maxRestarts });
            expect(restart).toBeGreaterThanOrEqual(maxRestarts);
          }
        },
      ),
    );
  });
});

describe('restartPolicyProblems', () => {
  it.each<[string, RestartPolicy, RegExp | undefined]>([
    ['the default', { maxRestarts: DEFAULT_MAX_RESTARTS, backoffBaseSeconds: DEFAULT_RESTART_BACKOFF_SECONDS }, undefined],
    ['no restarts', { maxRestarts: 0, backoffBaseSeconds: 1 }, undefined],
    ['the most restarts', { maxRestarts: MAX_AUTOMATIC_RESTARTS, backoffBaseSeconds: 900 }, undefined],
    [
      'too many restarts',
      { maxRestarts: MAX_AUTOMATIC_RESTARTS + 1, backoffBaseSeconds: 900 },
      /maxRestarts must be a whole number from 0 to 10, got 11/,
    ],
    ['a negative count', { maxRestarts: -1, backoffBaseSeconds: 900 }, /maxRestarts .* got -1/],
    ['a fraction', { maxRestarts: 1.5, backoffBaseSeconds: 900 }, /maxRestarts .* got 1.5/],
    ['NaN', { maxRestarts: NaN, backoffBaseSeconds: 900 }, /maxRestarts .* got NaN/],
    ['a zero base', { maxRestarts: 3, backoffBaseSeconds: 0 }, /backoffBaseSeconds must be a whole number ≥ 1, got 0/],
  ])('%s', (_what, policy, problem) => {
    const problems = restartPolicyProblems(policy);
    if (problem === undefined) expect(problems).toEqual([]);
    else expect(problems).toEqual([expect.stringMatching(problem)]);
  });
});

describe('decideRestart: a run that ended NOT_FOUND (an early start)', () => {
  const notFound = (restart: number): LatestRun => ({ ...ended(restart, 'FAILED'), error: 'BatchPredictionNotFoundError' });

  it.each<[string, LatestRun, RestartPolicy, boolean, RestartDecision]>([
    ['the id exists now: restarted at once, no backoff', notFound(0), POLICY, true, { kind: 'restart', restart: 1 }],
    ['maxRestarts 0 does not block it', notFound(0), { ...POLICY, maxRestarts: 0 }, true, { kind: 'restart', restart: 1 }],
    ['up to maxRestarts + 3', notFound(5), POLICY, true, { kind: 'restart', restart: 6 }],
    ['past maxRestarts + 3: exhausted', notFound(6), POLICY, true, { kind: 'exhausted', restarts: 6 }],
    ['nothing says the id exists: left alone', notFound(0), POLICY, false, { kind: 'finished' }],
  ])('%s', (_what, latest, policy, idExists, expected) => {
    expect(decideRestart(latest, policy, afterStop(1), { idExists })).toEqual(expected);
  });

  it('any other failure keeps its backoff and budget, whether or not the id is listed', () => {
    expect(decideRestart(ended(0, 'FAILED'), POLICY, afterStop(1), { idExists: false })).toMatchObject({ kind: 'backoff', restart: 1 });
    expect(decideRestart(ended(3, 'FAILED'), POLICY, afterStop(86_400), { idExists: true })).toEqual({ kind: 'exhausted', restarts: 3 });
  });
});

describe('decideRestart: a run that failed on bad input', () => {
  const badInput = (error: string): LatestRun => ({ ...ended(0, 'FAILED'), error });

  it.each<[string, string, boolean, RestartDecision['kind']]>([
    ['listed as unfinished: restarted with the input the sweeper builds', 'InvalidBatchPredictionInputError', true, 'backoff'],
    ['revisited only (nothing says the id exists): left alone', 'InvalidBatchPredictionInputError', false, 'finished'],
    ['an input that was no object, revisited only: left alone', 'RunInputNotAnObjectError', false, 'finished'],
  ])('%s (%s)', (_what, error, idExists, expected) => {
    expect(decideRestart(badInput(error), POLICY, afterStop(1), { idExists }).kind).toBe(expected);
  });
});

describe('revisitWindowSeconds', () => {
  it.each<[RestartPolicy, number]>([
    [{ maxRestarts: 3, backoffBaseSeconds: 900 }, 3600 + 86_400],
    [{ maxRestarts: 0, backoffBaseSeconds: 900 }, 900 + 86_400],
    [{ maxRestarts: 10, backoffBaseSeconds: 60 }, 60 * 512 + 86_400],
  ])('%o: %i s', (policy, expected) => {
    expect(revisitWindowSeconds(policy)).toBe(expected);
  });
});
