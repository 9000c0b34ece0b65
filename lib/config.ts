import { Duration } from 'aws-cdk-lib';
import { DEFAULT_EVENT_SOURCE, DEFAULT_MAX_RESTARTS, MAX_AUTOMATIC_RESTARTS } from './contract';
import { PollInterval } from './poll-interval';

/** The app's settings, read from `cdk.json` context or `-c key=value`. */
export interface PollerAppConfig {
  /** An existing bus to publish to; a new bus is created when absent. */
  readonly eventBusName?: string;
  readonly eventSource: string;
  readonly alertEmail?: string;
  readonly pollInterval: PollInterval;
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

/** A context value is wrong; the message names the key, the value and the fix. */
export class PollerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PollerConfigError';
  }
}

/**
 * Reads and validates the app's context.
 * @param get reads one context key (`app.node.tryGetContext`)
 * @throws PollerConfigError naming the bad key, its value and the fix
 */
export function readPollerAppConfig(get: (key: string) => unknown): PollerAppConfig {
  const text = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new PollerConfigError(`Context "${key}" must be a string, got ${JSON.stringify(value)}`);
    return value;
  };
  const wholeSeconds = (key: string): number | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new PollerConfigError(`Context "${key}" must be a whole number ≥ 1, got ${JSON.stringify(value)}; e.g. -c ${key}=60`);
    }
    return n;
  };

  const eventBusName = text('eventBusName');
  if (eventBusName !== undefined && !/^[A-Za-z0-9._\-/]{1,256}$/.test(eventBusName)) {
    throw new PollerConfigError(`Context "eventBusName" is not a valid event bus name: "${eventBusName}"; use letters, digits, ".", "_", "-" or "/"`);
  }
  const eventSource = text('eventSource') ?? DEFAULT_EVENT_SOURCE;
  if (eventSource.startsWith('aws.')) {
    throw new PollerConfigError(`Context "eventSource" must not start with "aws." (reserved for AWS services), got "${eventSource}"; use e.g. "${DEFAULT_EVENT_SOURCE}"`);
  }
  const alertEmail = text('alertEmail');
  if (alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail)) {
    throw new PollerConfigError(`Context "alertEmail" must be an email address, got "${alertEmail}"`);
  }

  const pollInterval = readPollInterval(get('pollInterval'), wholeSeconds);
  const maxPollsPerExecution = wholeSeconds('maxPollsPerExecution');
  if (maxPollsPerExecution !== undefined && maxPollsPerExecution > 2000) {
    throw new PollerConfigError(`Context "maxPollsPerExecution" must be at most 2000 (about 18,000 history events per execution), got ${maxPollsPerExecution}`);
  }
  const discovery = readBoolean(get, 'discovery') ?? true;
  const maxRestarts = readMaxRestarts(get('maxRestarts'));
  return { eventBusName, eventSource, alertEmail, pollInterval, maxPollsPerExecution, discovery, ...(maxRestarts === undefined ? {} : { maxRestarts }) };
}

/** `maxRestarts`: a whole number from 0 to {@link MAX_AUTOMATIC_RESTARTS} (0 turns restarts off). */
function readMaxRestarts(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_AUTOMATIC_RESTARTS) {
    throw new PollerConfigError(`Context "maxRestarts" must be a whole number from 0 to ${MAX_AUTOMATIC_RESTARTS}, got ${JSON.stringify(raw)}; e.g. -c maxRestarts=${DEFAULT_MAX_RESTARTS}`);
  }
  return n;
}

/** A boolean context value: `true`/`false` (cdk.json) or `"true"`/`"false"` (`-c key=false`). */
function readBoolean(get: (key: string) => unknown, key: string): boolean | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new PollerConfigError(`Context "${key}" must be true or false, got ${JSON.stringify(value)}; e.g. -c ${key}=false`);
}

function readPollInterval(raw: unknown, wholeSeconds: (key: string) => number | undefined): PollInterval {
  const initial = wholeSeconds('pollInitialSeconds');
  const max = wholeSeconds('pollMaxSeconds');
  if (raw === undefined || raw === null || raw === '' || raw === 'adaptive') {
    return rethrowNamingContext(() =>
      PollInterval.adaptive({
        initial: initial === undefined ? undefined : Duration.seconds(initial),
        max: max === undefined ? undefined : Duration.seconds(max),
      }),
    );
  }
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new PollerConfigError(`Context "pollInterval" must be "adaptive" or a whole number of seconds ≥ 1, got ${JSON.stringify(raw)}; e.g. -c pollInterval=60`);
  }
  if (initial !== undefined || max !== undefined) {
    throw new PollerConfigError('Context "pollInitialSeconds" and "pollMaxSeconds" apply to the adaptive interval only; remove them or set pollInterval=adaptive');
  }
  return rethrowNamingContext(() => PollInterval.fixed(Duration.seconds(seconds)));
}

/** PollInterval names its own fields; say which context keys they come from. */
function rethrowNamingContext(build: () => PollInterval): PollInterval {
  try {
    return build();
  } catch (error) {
    const message = (error as Error).message
      .replace("'intervalSeconds'", 'Context "pollInterval"')
      .replace("'initialSeconds'", 'Context "pollInitialSeconds"')
      .replace("'maxSeconds'", 'Context "pollMaxSeconds"');
    throw new PollerConfigError(message);
  }
}
