/**
 * How long the state machine waits between polls: the policy's type, its default, and the check both
 * sides need (the construct at synth time, the poll handler at start-up). Pure, so that it bundles
 * into the Lambda for free.
 */

/**
 * How long the state machine waits between polls.
 *
 * - `adaptive`: the first poll happens at once; after every poll that sees no change the wait is a
 *   tenth of the time since the last observed transition, never below `initialSeconds` and never
 *   above `maxSeconds`, so it grows geometrically (×1.1 per poll) while nothing happens and resets on
 *   every transition. Up to `jitterRatio` of the wait is taken off at random so that runs started
 *   together do not poll in lockstep; taking it off (never adding) keeps the detection-delay bound.
 * - `fixed`: always `intervalSeconds`.
 */
export type PollIntervalPolicy =
  | {
      readonly kind: 'adaptive';
      readonly initialSeconds: number;
      readonly maxSeconds: number;
      readonly jitterRatio: number;
    }
  | { readonly kind: 'fixed'; readonly intervalSeconds: number };

/** The poll-interval policy used when none is configured. */
export const DEFAULT_POLL_INTERVAL_POLICY: PollIntervalPolicy = {
  kind: 'adaptive',
  initialSeconds: 30,
  maxSeconds: 300,
  jitterRatio: 0.1,
};

/**
 * How a problem names a policy field and shows its value. The default names the field itself
 * (`'initialSeconds'`); the app's context reading names the `-c` key the field came from, and shows
 * the value as it was given there.
 */
export interface PolicyFieldNaming {
  key(field: string): string;
  value(field: string, value: unknown): string;
}

/** Names a field as `'field'` and shows its value as JSON. */
export const POLICY_FIELD_NAMING: PolicyFieldNaming = { key: (field) => `'${field}'`, value: (_field, value) => JSON.stringify(value) };

/**
 * Checks a policy and returns the problems found, each naming the value and the fix; empty when it
 * is valid. Shared by the stack (synth-time validation) and the handler (start-up validation).
 * @param naming how the problems name the fields (see {@link PolicyFieldNaming})
 */
export function pollIntervalPolicyProblems(policy: unknown, naming: PolicyFieldNaming = POLICY_FIELD_NAMING): string[] {
  if (typeof policy !== 'object' || policy === null) return ['poll interval policy must be an object'];
  const p = policy as Record<string, unknown>;
  const problems: string[] = [];
  const { key, value: shown } = naming;
  const wholeSeconds = (field: string, min: number, max: number) => {
    const v = p[field];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max)) {
      problems.push(`${key(field)} must be a whole number of seconds from ${min} to ${max}, got ${shown(field, v)}`);
    }
  };
  // A Wait state may last up to a year, but a batch prediction lasts at most 7 days: an interval
  // beyond a day would miss whole jobs.
  if (p.kind === 'fixed') {
    wholeSeconds('intervalSeconds', 1, 86400);
  } else if (p.kind === 'adaptive') {
    wholeSeconds('initialSeconds', 1, 86400);
    wholeSeconds('maxSeconds', 1, 86400);
    if (typeof p.initialSeconds === 'number' && typeof p.maxSeconds === 'number' && p.maxSeconds < p.initialSeconds) {
      problems.push(
        `${key('maxSeconds')} (${shown('maxSeconds', p.maxSeconds)}) must not be below ${key('initialSeconds')} (${shown('initialSeconds', p.initialSeconds)})`,
      );
    }
    const j = p.jitterRatio;
    if (!(typeof j === 'number' && j >= 0 && j < 1)) {
      problems.push(`${key('jitterRatio')} must be a number from 0 up to (not including) 1, got ${shown('jitterRatio', j)}`);
    }
  } else {
    problems.push(`${key('kind')} must be "adaptive" or "fixed", got ${shown('kind', p.kind)}`);
  }
  return problems;
}
