import { Duration } from 'aws-cdk-lib';
import { DEFAULT_EVENT_SOURCE } from './contract/events';
import { DEFAULT_MAX_RESTARTS, MAX_AUTOMATIC_RESTARTS } from './contract/defaults';
import { DEFAULT_POLL_INTERVAL_POLICY, type PollIntervalPolicy } from './contract/poll-interval-policy';
import type { BatchPredictionPollerProps } from './poller/props';
import { PollerConfigError } from './contract/config-error';
import { type SettingNaming, validateEventBusName, validatePollerProps } from './poller/validation';
import { PollInterval, pollIntervalProblems } from './poller/poll-interval';

export { PollerConfigError };

/** The app's settings, read from `cdk.json` context or `-c key=value`. */
export interface PollerAppConfig {
  /** An existing bus to publish to; a new bus is created when absent. */
  readonly eventBusName?: string;
  /** The `source` of published events (`eventSource` of the construct). */
  readonly eventSource: string;
  /** An email address subscribed to the alert topic; no subscription when absent. */
  readonly alertEmail?: string;
  /** How long the wait loop waits between polls. */
  readonly pollInterval: PollInterval;
  /** Polls before continuing as a new execution; undefined for the construct default. */
  readonly maxPollsPerExecution?: number;
  /** Discover batch predictions (CloudTrail rule and sweeper) and start runs for them. */
  readonly discovery: boolean;
  /** Automatic restarts per batch prediction (the sweeper's); undefined for the construct default. */
  readonly maxRestarts?: number;
}

/** The context keys the app reads, with what each takes. */
export const CONTEXT_KEYS: Readonly<Record<string, string>> = {
  eventBusName: 'name of an existing event bus (default: the stack creates one)',
  eventSource: `event source (default "${DEFAULT_EVENT_SOURCE}"; must not start with "aws.")`,
  alertEmail: 'email address subscribed to the alert topic (default: none)',
  pollInterval: '"adaptive" (default) or a fixed interval in whole seconds, e.g. 60',
  pollInitialSeconds: 'adaptive: wait after a change, and the shortest wait (default 30)',
  pollMaxSeconds: 'adaptive: the longest wait (default 300)',
  maxPollsPerExecution: 'polls before continuing as a new execution (default 1000)',
  discovery: 'true (default) or false: start runs for batch predictions found by CloudTrail and the sweeper',
  maxRestarts: `automatic restarts per batch prediction of a run that ended before a terminal status, 0 to ${MAX_AUTOMATIC_RESTARTS} (default ${DEFAULT_MAX_RESTARTS})`,
};

/** The context key each poll-interval policy field comes from. */
const POLICY_FIELD_CONTEXT_KEY: Readonly<Record<string, string>> = {
  intervalSeconds: 'pollInterval',
  initialSeconds: 'pollInitialSeconds',
  maxSeconds: 'pollMaxSeconds',
};

/**
 * Names settings as the `-c` context keys they came from (`Context "maxRestarts"`), shows values
 * as they were given there (before coercion), and suggests `-c key=value`.
 */
function contextNaming(get: (key: string) => unknown): SettingNaming {
  const contextKey = (setting: string) => POLICY_FIELD_CONTEXT_KEY[setting] ?? setting;
  return {
    key: (setting) => `Context "${contextKey(setting)}"`,
    value: (setting, value) => {
      const given = get(contextKey(setting));
      return JSON.stringify(given === undefined ? value : given);
    },
    example: (setting, example) => `-c ${contextKey(setting)}=${example}`,
  };
}

/** Context values that mean "not set" (`-c alertEmail=` gives an empty string). */
const isUnset = (value: unknown): boolean => value === undefined || value === null || value === '';

/**
 * A number from a context value: a number (cdk.json) or a decimal string (`-c key=60`). Anything
 * else is NaN, which the validator rejects with a message naming the key and the value as given.
 */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
}

/**
 * Reads the app's context: coerces each value to its type (a string, a number, a boolean, the
 * poll-interval union), then validates with the construct's own validator and the poll interval's
 * check, naming the context keys. Context reading adds no rule of its own beyond types, except the
 * two only the app has: the event bus name and adaptive-only keys with a fixed interval.
 * @param get reads one context key (`app.node.tryGetContext`)
 * @throws PollerConfigError naming the bad key, its value and the fix
 */
export function readPollerAppConfig(get: (key: string) => unknown): PollerAppConfig {
  const naming = contextNaming(get);
  const text = (key: string): string | undefined => {
    const value = get(key);
    if (isUnset(value)) return undefined;
    if (typeof value !== 'string') throw new PollerConfigError(`Context "${key}" must be a string, got ${JSON.stringify(value)}`);
    return value;
  };
  const number = (key: string): number | undefined => (isUnset(get(key)) ? undefined : toNumber(get(key)));

  const eventBusName = text('eventBusName');
  const eventSource = text('eventSource') ?? DEFAULT_EVENT_SOURCE;
  const alertEmail = text('alertEmail');
  const policy = readPollIntervalPolicy(get('pollInterval'), number('pollInitialSeconds'), number('pollMaxSeconds'));
  const maxPollsPerExecution = number('maxPollsPerExecution');
  const discovery = readBoolean(get, 'discovery') ?? true;
  const maxRestarts = number('maxRestarts');

  if (eventBusName !== undefined) validateEventBusName(eventBusName, naming);
  const props: BatchPredictionPollerProps = { eventSource, alertEmail, maxPollsPerExecution, maxRestarts };
  validatePollerProps(props, naming);
  const problems = pollIntervalProblems(policy, naming);
  if (problems.length > 0) {
    const fix = policy.kind === 'fixed' ? '-c pollInterval=60' : '-c pollInitialSeconds=30 -c pollMaxSeconds=300';
    throw new PollerConfigError(`${problems.join('; ')}; e.g. ${fix}`);
  }
  const pollInterval =
    policy.kind === 'fixed'
      ? PollInterval.fixed(Duration.seconds(policy.intervalSeconds))
      : PollInterval.adaptive({ initial: Duration.seconds(policy.initialSeconds), max: Duration.seconds(policy.maxSeconds) });
  return {
    eventBusName,
    eventSource,
    alertEmail,
    pollInterval,
    maxPollsPerExecution,
    discovery,
    ...(maxRestarts === undefined ? {} : { maxRestarts }),
  };
}

/** A boolean context value: `true`/`false` (cdk.json) or `"true"`/`"false"` (`-c key=false`). */
function readBoolean(get: (key: string) => unknown, key: string): boolean | undefined {
  const value = get(key);
  if (isUnset(value)) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new PollerConfigError(`Context "${key}" must be true or false, got ${JSON.stringify(value)}; e.g. -c ${key}=false`);
}

/**
 * The poll-interval policy the context describes, not yet checked: `pollInterval` is "adaptive"
 * (with the optional `pollInitialSeconds` and `pollMaxSeconds`) or a number of seconds.
 */
function readPollIntervalPolicy(raw: unknown, initial: number | undefined, max: number | undefined): PollIntervalPolicy {
  if (isUnset(raw) || raw === 'adaptive') {
    const defaults = DEFAULT_POLL_INTERVAL_POLICY as Extract<PollIntervalPolicy, { kind: 'adaptive' }>;
    return { ...defaults, initialSeconds: initial ?? defaults.initialSeconds, maxSeconds: max ?? defaults.maxSeconds };
  }
  const seconds = toNumber(raw);
  if (Number.isNaN(seconds)) {
    throw new PollerConfigError(
      `Context "pollInterval" must be "adaptive" or a whole number of seconds ≥ 1, got ${JSON.stringify(raw)}; e.g. -c pollInterval=60`,
    );
  }
  if (initial !== undefined || max !== undefined) {
    throw new PollerConfigError(
      'Context "pollInitialSeconds" and "pollMaxSeconds" apply to the adaptive interval only; remove them or set pollInterval=adaptive',
    );
  }
  return { kind: 'fixed', intervalSeconds: seconds };
}
