import type { Duration } from 'aws-cdk-lib';
import { DEFAULT_POLL_INTERVAL_POLICY, type PollIntervalPolicy } from '../contract/poll-interval-policy';
import { type PolicyFieldNaming, pollIntervalPolicyProblems } from '../contract/poll-interval-policy';
import { PollerConfigError } from '../contract/config-error';

export type { PolicyFieldNaming };

/**
 * The problems of a poll-interval policy, each naming the field as `naming` says (the app names the
 * `-c` key it came from); empty when it is valid. The check {@link PollInterval} runs.
 */
export function pollIntervalProblems(policy: PollIntervalPolicy, naming?: PolicyFieldNaming): string[] {
  return pollIntervalPolicyProblems(policy, naming);
}

/** Options of {@link PollInterval.adaptive}. */
export interface AdaptivePollIntervalOptions {
  /**
   * Wait after a transition, and the shortest wait. Whole seconds from 1 second to 1 day.
   * @default DEFAULT_POLL_INTERVAL_POLICY.initialSeconds - 30 s
   */
  readonly initial?: Duration;
  /**
   * The longest wait. Whole seconds from 1 second to 1 day, not below `initial`.
   * @default DEFAULT_POLL_INTERVAL_POLICY.maxSeconds - 5 min
   */
  readonly max?: Duration;
  /**
   * Up to this fraction of each wait is taken off, by an amount drawn from a hash of the run id and
   * the poll number, so that runs started together spread out (and a retried poll waits the same).
   * From 0 up to (not including) 1.
   * @default DEFAULT_POLL_INTERVAL_POLICY.jitterRatio - 0.1
   */
  readonly jitterRatio?: number;
}

/**
 * How long the wait loop waits between polls.
 *
 * @example
 * PollInterval.adaptive({ initial: Duration.seconds(30), max: Duration.minutes(5) })
 * PollInterval.fixed(Duration.seconds(60))
 */
export class PollInterval {
  /**
   * Polls at once, then waits a tenth of the time since the last transition, between `initial`
   * and `max`: about `initial` for the first few minutes after a change, growing ×1.1 per poll
   * while nothing happens, and back to `initial` after every transition. An event follows a change
   * within max(initial, 10 % of the time since the previous change), capped at `max`.
   * @param options the shortest and longest wait and the jitter, each optional
   * @throws PollerConfigError naming the bad value and the allowed range
   */
  static adaptive(options: AdaptivePollIntervalOptions = {}): PollInterval {
    const defaults = DEFAULT_POLL_INTERVAL_POLICY as Extract<PollIntervalPolicy, { kind: 'adaptive' }>;
    return new PollInterval({
      kind: 'adaptive',
      initialSeconds: options.initial?.toSeconds() ?? defaults.initialSeconds,
      maxSeconds: options.max?.toSeconds() ?? defaults.maxSeconds,
      jitterRatio: options.jitterRatio ?? defaults.jitterRatio,
    });
  }

  /**
   * Polls at once, then every `interval` (the classic Job Poller loop): whole seconds from 1 second
   * to 1 day (a batch prediction runs at most 7 days; a longer wait would miss whole jobs).
   * @param interval the wait between polls
   * @throws PollerConfigError naming the bad value and the allowed range
   */
  static fixed(interval: Duration): PollInterval {
    return new PollInterval({ kind: 'fixed', intervalSeconds: interval.toSeconds() });
  }

  /**
   * The policy the state machine's Lambda receives (JSON in its environment). TypeScript only: its
   * type is a discriminated union, which jsii cannot represent, and other languages have no use for
   * it (they build a PollInterval with {@link adaptive} or {@link fixed}).
   * @jsii ignore
   */
  readonly policy: PollIntervalPolicy;

  /**
   * @throws PollerConfigError naming the bad value and the allowed range
   */
  private constructor(policy: PollIntervalPolicy) {
    const problems = pollIntervalProblems(policy);
    if (problems.length > 0) throw new PollerConfigError(`Invalid poll interval: ${problems.join('; ')}`);
    this.policy = policy;
  }
}
