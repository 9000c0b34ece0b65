import fc from 'fast-check';
import { DEFAULT_POLL_INTERVAL_POLICY, type PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import { detectionDelayBoundSeconds, nextWaitSeconds } from '../../lambda/shared/domain/poll-interval';
import { pollIntervalPolicyProblems } from '../../lib/contract/poll-interval-policy';

const DEFAULT = DEFAULT_POLL_INTERVAL_POLICY; // adaptive, 30 s initial, 300 s max, 10 % jitter
const FIXED_60: PollIntervalPolicy = { kind: 'fixed', intervalSeconds: 60 };
const NO_JITTER: PollIntervalPolicy = { kind: 'adaptive', initialSeconds: 30, maxSeconds: 300, jitterRatio: 0 };
const TINY: PollIntervalPolicy = { kind: 'adaptive', initialSeconds: 1, maxSeconds: 10, jitterRatio: 0.9 };

describe('nextWaitSeconds', () => {
  it.each<[string, PollIntervalPolicy, number, number, number]>([
    ['fixed, right after a transition', FIXED_60, 0, 0, 60],
    ['fixed ignores elapsed time and jitter', FIXED_60, 1_000_000, 0.99, 60],
    ['adaptive at 0 s without jitter drawn', DEFAULT, 0, 0, 30],
    ['adaptive at 0 s, half the jitter', DEFAULT, 0, 0.5, 28],
    ['adaptive at 0 s, nearly all the jitter', DEFAULT, 0, 0.999999, 27],
    ['adaptive stays at initial while a tenth is smaller', DEFAULT, 299, 0, 30],
    ['adaptive: a tenth of the elapsed time', DEFAULT, 600, 0, 60],
    ['adaptive: a tenth, floored', DEFAULT, 1234, 0, 123],
    ['adaptive at 3000 s reaches the cap', DEFAULT, 3000, 0, 300],
    ['adaptive at 3000 s with full jitter', DEFAULT, 3000, 0.999, 270],
    ['adaptive far beyond the cap', DEFAULT, 7 * 24 * 3600, 0, 300],
    ['jitter-free policy', NO_JITTER, 900, 0.7, 90],
    ['never below one second', TINY, 0, 0.99, 1],
  ])('%s', (_label, policy, elapsed, random, expected) => {
    expect(nextWaitSeconds(policy, elapsed, random)).toBe(expected);
  });

  it.each([0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999999])('adaptive at 0 s with random %p waits 27 to 30 s', (random) => {
    const wait = nextWaitSeconds(DEFAULT, 0, random);
    expect(wait).toBeGreaterThanOrEqual(27);
    expect(wait).toBeLessThanOrEqual(30);
  });
});

describe('detectionDelayBoundSeconds', () => {
  it.each<[PollIntervalPolicy, number, number]>([
    [FIXED_60, 0, 60],
    [FIXED_60, 86_400, 60],
    [DEFAULT, 0, 30],
    [DEFAULT, 450, 45],
    [DEFAULT, 3000, 300],
    [DEFAULT, 86_400, 300],
  ])('%j after %p s is %p s', (policy, elapsed, expected) => {
    expect(detectionDelayBoundSeconds(policy, elapsed)).toBe(expected);
  });
});

const unitRandom = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** Valid adaptive policies; `maxJitter` keeps simulations short. */
function adaptivePolicy(maxJitter = 0.999): fc.Arbitrary<PollIntervalPolicy> {
  return fc
    .record({
      initialSeconds: fc.integer({ min: 1, max: 600 }),
      extraSeconds: fc.integer({ min: 0, max: 3600 }),
      jitterRatio: fc.double({ min: 0, max: maxJitter, noNaN: true }),
    })
    .map(({ initialSeconds, extraSeconds, jitterRatio }) => ({
      kind: 'adaptive' as const,
      initialSeconds,
      maxSeconds: initialSeconds + extraSeconds,
      jitterRatio,
    }));
}

const fixedPolicy: fc.Arbitrary<PollIntervalPolicy> = fc
  .integer({ min: 1, max: 86_400 })
  .map((intervalSeconds) => ({ kind: 'fixed' as const, intervalSeconds }));

describe('poll-interval properties', () => {
  it('every generated policy is one pollIntervalPolicyProblems accepts', () => {
    fc.assert(
      fc.property(fc.oneof(adaptivePolicy(), fixedPolicy), (policy) => {
        expect(pollIntervalPolicyProblems(policy)).toEqual([]);
      }),
    );
  });

  it('waits a whole number of seconds, at least 1, at most the detection bound and the maximum', () => {
    fc.assert(
      fc.property(
        fc.oneof(adaptivePolicy(), fixedPolicy),
        fc.double({ min: 0, max: 30 * 24 * 3600, noNaN: true }),
        unitRandom,
        (policy, elapsed, random) => {
          const wait = nextWaitSeconds(policy, elapsed, random);
          expect(Number.isInteger(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(1);
          expect(wait).toBeLessThanOrEqual(detectionDelayBoundSeconds(policy, elapsed));
          expect(wait).toBeLessThanOrEqual(policy.kind === 'adaptive' ? policy.maxSeconds : policy.intervalSeconds);
        },
      ),
    );
  });

  it('observes a change c seconds after a transition within max(initial, c/10), capped at the maximum', () => {
    fc.assert(
      fc.property(
        fc.oneof(adaptivePolicy(0.5), fixedPolicy),
        fc.array(unitRandom, { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 2 * 24 * 3600, noNaN: true }),
        (policy, randoms, changeAt) => {
          // Prepare: the transition is observed by a poll at t = 0; the status then stays
          // unchanged until `changeAt`, and every wait is chosen by the policy.
          let t = 0;
          let poll = 0;

          // Act: poll until the first poll at or after the change.
          while (t < changeAt) {
            t += nextWaitSeconds(policy, t, randoms[poll % randoms.length]);
            poll++;
          }

          // Assess
          expect(t - changeAt).toBeLessThanOrEqual(detectionDelayBoundSeconds(policy, changeAt));
          const cap = policy.kind === 'adaptive' ? policy.maxSeconds : policy.intervalSeconds;
          const initial = policy.kind === 'adaptive' ? policy.initialSeconds : policy.intervalSeconds;
          expect(t - changeAt).toBeLessThanOrEqual(Math.min(cap, Math.max(initial, changeAt / 10)));
        },
      ),
    );
  });
});

describe('pollIntervalPolicyProblems', () => {
  it.each<[string, unknown]>([
    ['the default policy', DEFAULT],
    ['a fixed policy', FIXED_60],
    ['a fixed policy of a day', { kind: 'fixed', intervalSeconds: 86_400 }],
    ['an adaptive policy without jitter', NO_JITTER],
    ['an adaptive policy with initial = max', { kind: 'adaptive', initialSeconds: 60, maxSeconds: 60, jitterRatio: 0.99 }],
  ])('accepts %s', (_label, policy) => {
    expect(pollIntervalPolicyProblems(policy)).toEqual([]);
  });

  it.each<[string, unknown, RegExp[]]>([
    ['null', null, [/must be an object/]],
    ['a string', 'adaptive', [/must be an object/]],
    ['an unknown kind', { kind: 'linear' }, [/'kind' must be "adaptive" or "fixed", got "linear"/]],
    ['a missing kind', { intervalSeconds: 60 }, [/'kind'.*got undefined/]],
    [
      'a zero interval',
      { kind: 'fixed', intervalSeconds: 0 },
      [/'intervalSeconds' must be a whole number of seconds from 1 to 86400, got 0/],
    ],
    ['a fractional interval', { kind: 'fixed', intervalSeconds: 1.5 }, [/'intervalSeconds'.*got 1.5/]],
    ['an interval over a day', { kind: 'fixed', intervalSeconds: 86_401 }, [/'intervalSeconds'.*got 86401/]],
    ['an interval as a string', { kind: 'fixed', intervalSeconds: '60' }, [/'intervalSeconds'.*got "60"/]],
    ['a missing interval', { kind: 'fixed' }, [/'intervalSeconds'.*got undefined/]],
    ['a zero initial', { ...NO_JITTER, initialSeconds: 0 }, [/'initialSeconds'.*got 0/]],
    [
      'a negative maximum',
      { ...NO_JITTER, maxSeconds: -5 },
      [/'maxSeconds'.*got -5/, /'maxSeconds' \(-5\) must not be below 'initialSeconds' \(30\)/],
    ],
    [
      'a maximum below the initial',
      { ...NO_JITTER, initialSeconds: 60, maxSeconds: 10 },
      [/'maxSeconds' \(10\) must not be below 'initialSeconds' \(60\)/],
    ],
    ['a jitter of 1', { ...NO_JITTER, jitterRatio: 1 }, [/'jitterRatio' must be a number from 0 up to \(not including\) 1, got 1/]],
    ['a negative jitter', { ...NO_JITTER, jitterRatio: -0.1 }, [/'jitterRatio'.*got -0.1/]],
    ['a jitter as a string', { ...NO_JITTER, jitterRatio: '0.1' }, [/'jitterRatio'.*got "0.1"/]],
    ['a NaN jitter', { ...NO_JITTER, jitterRatio: Number.NaN }, [/'jitterRatio'.*got null/]],
    ['an infinite maximum', { ...NO_JITTER, maxSeconds: Number.POSITIVE_INFINITY }, [/'maxSeconds'.*got null/]],
    [
      'several bad values at once',
      { kind: 'adaptive', initialSeconds: 'soon', maxSeconds: 0, jitterRatio: 2 },
      [/'initialSeconds'.*got "soon"/, /'maxSeconds'.*got 0/, /'jitterRatio'.*got 2/],
    ],
  ])('rejects %s, naming the bad value', (_label, policy, expected) => {
    const problems = pollIntervalPolicyProblems(policy);
    expect(problems).toHaveLength(expected.length);
    for (const [index, pattern] of expected.entries()) expect(problems[index]).toMatch(pattern);
  });
});
