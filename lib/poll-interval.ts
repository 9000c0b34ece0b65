import { Duration } from 'aws-cdk-lib';
import { DEFAULT_POLL_INTERVAL_POLICY, PollIntervalPolicy } from './contract';
import { pollIntervalPolicyProblems } from '../lambda/domain/poll-interval';

/** Options of {@link PollInterval.adaptive}. */
export interface AdaptivePollIntervalOptions {
  /**
   * Wait after a transition, and the shortest wait.
   * @default Duration.seconds(30)
   */
  readonly initial?: Duration;
  /**
   * The longest wait.
   * @default Duration.minutes(5)
   */
  readonly max?: Duration;
  /**
   * Up to this fraction of each wait is taken off, by an amount drawn from a hash of the run id and
   * the poll number, so that runs started together spread out (and a retried poll waits the same).
   * @default 0.1
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

  /** Polls at once, then every `interval` (the classic Job Poller loop). */
  static fixed(interval: Duration): PollInterval {
    return new PollInterval({ kind: 'fixed', intervalSeconds: interval.toSeconds() });
  }

  /**
   * @throws Error naming the bad value and the allowed range
   */
  private constructor(readonly policy: PollIntervalPolicy) {
    const problems = pollIntervalPolicyProblems(policy);
    if (problems.length > 0) throw new Error(`Invalid poll interval: ${problems.join('; ')}`);
  }
}
