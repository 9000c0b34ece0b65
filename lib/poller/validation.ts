import { Annotations, Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_EVENT_SOURCE } from '../contract/events';
import { DEFAULT_MAX_POLLS_PER_EXECUTION, DEFAULT_MAX_RESTARTS } from '../contract/defaults';
import { type BatchPredictionPollerProps, PollerPropLimits } from './props';
import { PollerConfigError } from '../contract/config-error';
import { MachineLearningRegionError } from './machine-learning-region-error';

export { MachineLearningRegionError };

/**
 * How a settings message names a setting, shows its value and suggests a fix: the construct's
 * props ({@link PROP_NAMING}) and the app's `-c` context keys (`lib/config.ts`) differ only in this,
 * so one validator serves both instead of one rewriting the other's messages.
 */
export interface SettingNaming {
  /** The setting as a message names it, e.g. `'maxRestarts'` (a prop) or `Context "maxRestarts"`. */
  key(setting: string): string;
  /** The value as the user gave it (for `-c`, the raw context value, before coercion). */
  value(setting: string, value: unknown): string;
  /** How to set `setting` to `example`, e.g. `maxRestarts: 3` or `-c maxRestarts=3`. */
  example(setting: string, example: string | number): string;
}

/** Names a construct prop as `'prop'`, strings quoted, examples as `prop: value`. */
export const PROP_NAMING: SettingNaming = {
  key: (setting) => `'${setting}'`,
  value: (_setting, value) => (typeof value === 'string' ? `"${value}"` : String(value)),
  example: (setting, example) => `${setting}: ${typeof example === 'string' ? `'${example}'` : example}`,
};

const isWhole = (n: unknown, min: number, max: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

/**
 * Checks the props (all optional: absent ones take their defaults) before any resource exists: the
 * one validator of settings, run by the construct and by the app's context reading.
 * @param naming how messages name the settings (the context keys, for the app)
 * @throws PollerConfigError naming the setting, its value and the fix
 */
export function validatePollerProps(props: BatchPredictionPollerProps, naming: SettingNaming = PROP_NAMING): void {
  const L = PollerPropLimits;
  const fail = (message: string): never => {
    throw new PollerConfigError(message);
  };
  const { key, value: shown, example } = naming;
  const eventSource = props.eventSource;
  if (eventSource !== undefined && !Token.isUnresolved(eventSource)) {
    if (eventSource.startsWith('aws.')) {
      fail(
        `${key('eventSource')} must not start with "aws." (reserved for AWS services), got ${shown('eventSource', eventSource)}; use e.g. "${DEFAULT_EVENT_SOURCE}"`,
      );
    }
    if (eventSource.length < 1 || eventSource.length > L.EVENT_SOURCE_MAX_LENGTH) {
      fail(
        `${key('eventSource')} must be 1 to ${L.EVENT_SOURCE_MAX_LENGTH} characters, got ${eventSource.length}; use e.g. "${DEFAULT_EVENT_SOURCE}"`,
      );
    }
  }
  const max = props.maxRunDuration?.toSeconds();
  if (max !== undefined && (max < L.MIN_RUN_SECONDS || max > L.MAX_RUN_SECONDS)) {
    fail(`${key('maxRunDuration')} must be between 1 minute and 364 days, got ${max} s`);
  }
  const polls = props.maxPollsPerExecution;
  if (polls !== undefined && !isWhole(polls, 1, L.MAX_POLLS_PER_EXECUTION)) {
    fail(
      `${key('maxPollsPerExecution')} must be a whole number of at least 1 and at most ${L.MAX_POLLS_PER_EXECUTION} (about 18,000 history events per execution, below Step Functions' 25,000), got ${shown('maxPollsPerExecution', polls)}; e.g. ${example('maxPollsPerExecution', DEFAULT_MAX_POLLS_PER_EXECUTION)}`,
    );
  }
  const restarts = props.maxRestarts;
  if (restarts !== undefined && !isWhole(restarts, 0, L.MAX_RESTARTS)) {
    fail(
      `${key('maxRestarts')} must be a whole number from 0 to ${L.MAX_RESTARTS}, got ${shown('maxRestarts', restarts)}; e.g. ${example('maxRestarts', DEFAULT_MAX_RESTARTS)}`,
    );
  }
  const backoff = props.restartBackoff?.toSeconds();
  if (backoff !== undefined && !isWhole(backoff, L.MIN_INTERVAL_SECONDS, L.MAX_INTERVAL_SECONDS)) {
    fail(`${key('restartBackoff')} must be whole seconds from 1 minute to 1 day, got ${backoff} s`);
  }
  const sweepSeconds = props.sweepInterval?.toSeconds();
  if (
    sweepSeconds !== undefined &&
    !(sweepSeconds % 60 === 0 && sweepSeconds >= L.MIN_INTERVAL_SECONDS && sweepSeconds <= L.MAX_INTERVAL_SECONDS)
  ) {
    // An EventBridge rate expression takes whole minutes; beyond a day the sweeper would miss jobs.
    fail(`${key('sweepInterval')} must be a whole number of minutes from 1 minute to 1 day, got ${sweepSeconds} s`);
  }
  if (props.alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alertEmail)) {
    fail(
      `${key('alertEmail')} must be an email address, got ${shown('alertEmail', props.alertEmail)}; e.g. ${example('alertEmail', 'oncall@example.com')}`,
    );
  }
  if (
    props.stateMachineName !== undefined &&
    !new RegExp(`^[a-zA-Z0-9_-]{1,${L.STATE_MACHINE_NAME_MAX_LENGTH}}$`).test(props.stateMachineName)
  ) {
    fail(
      `${key('stateMachineName')} must be 1 to ${L.STATE_MACHINE_NAME_MAX_LENGTH} characters of letters, digits, "_" and "-", got ${shown('stateMachineName', props.stateMachineName)}`,
    );
  }
  const regions = props.machineLearningRegions;
  if (
    regions !== undefined &&
    (regions.length === 0 || !regions.every((r) => typeof r === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)))
  ) {
    fail(`${key('machineLearningRegions')} must be a non-empty list of region names such as "us-east-1", got ${JSON.stringify(regions)}`);
  }
  const attempts = props.targetRetryAttempts;
  if (attempts !== undefined && !Token.isUnresolved(attempts) && !isWhole(attempts, 0, L.MAX_TARGET_RETRY_ATTEMPTS)) {
    fail(
      `${key('targetRetryAttempts')} must be a whole number from 0 to ${L.MAX_TARGET_RETRY_ATTEMPTS}, got ${shown('targetRetryAttempts', attempts)}`,
    );
  }
  const age = props.targetMaxEventAge?.toSeconds();
  if (age !== undefined && (age < L.MIN_TARGET_MAX_EVENT_AGE_SECONDS || age > L.MAX_TARGET_MAX_EVENT_AGE_SECONDS)) {
    fail(`${key('targetMaxEventAge')} must be between 1 minute and 24 hours, got ${age} s`);
  }
}

/**
 * Checks the name of an existing event bus (the app's `eventBusName`; the construct takes the bus
 * itself). https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_EventBus.html
 * @throws PollerConfigError naming the setting, its value and the fix
 */
export function validateEventBusName(eventBusName: string, naming: SettingNaming = PROP_NAMING): void {
  if (!/^[A-Za-z0-9._\-/]{1,256}$/.test(eventBusName)) {
    throw new PollerConfigError(
      `${naming.key('eventBusName')} is not a valid event bus name: ${naming.value('eventBusName', eventBusName)}; use letters, digits, ".", "_", "-" or "/"`,
    );
  }
}

/**
 * Amazon ML runs in a few regions only: refuses any other, warns (on `scope`) when the stack's
 * region is not known at synthesis time.
 * @throws MachineLearningRegionError for a region not in `regions`
 */
export function checkRegion(scope: Construct, regions: readonly string[]): void {
  const stack = Stack.of(scope);
  const list = regions.join(', ');
  if (Token.isUnresolved(stack.region)) {
    Annotations.of(scope).addWarningV2(
      'batch-prediction-poller:region-agnostic',
      `The stack's region is not known at synthesis time; Amazon ML runs only in ${list}, and deployed elsewhere every run fails. Set the stack's env.region to one of them.`,
    );
  } else if (!regions.includes(stack.region)) {
    throw new MachineLearningRegionError(
      `Amazon ML does not run in ${stack.region}; it runs only in ${list}. Deploy the stack to one of them (e.g. CDK_DEFAULT_REGION or env.region), or set 'machineLearningRegions' if Amazon ML has added ${stack.region}.`,
    );
  }
}
