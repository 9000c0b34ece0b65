import { DEFAULT_EVENT_SOURCE, batchPredictionArn } from '../../lib/contract/events';
import { DEFAULT_MAX_POLLS_PER_EXECUTION, DEFAULT_MAX_RUN_SECONDS } from '../../lib/contract/defaults';
import { DEFAULT_POLL_INTERVAL_POLICY, type PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import { EnvVar } from '../../lib/contract/environment';

import type { EventTarget } from './domain/events';
import { pollIntervalPolicyProblems } from '../../lib/contract/poll-interval-policy';
import { PollerConfigError } from '../../lib/contract/config-error';

/** The handlers' settings, read once per cold start from the environment the stack sets. */
export interface HandlerConfig {
  readonly target: EventTarget;
  readonly historyTableName: string;
  readonly policy: PollIntervalPolicy;
  readonly maxRunSeconds: number;
  readonly maxPollsPerExecution: number;
}

/**
 * Reads {@link HandlerConfig} from `env`.
 * @throws PollerConfigError naming the variable and what is wrong with it
 */
export function readHandlerConfig(env: Readonly<Record<string, string | undefined>>): HandlerConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new PollerConfigError(`Environment variable ${name} is not set; the stack sets it, so deploy through the stack`);
    }
    return value;
  };
  const wholeNumber = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new PollerConfigError(`Environment variable ${name} must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const region = required('AWS_REGION');
  const account = required(EnvVar.ACCOUNT_ID);
  const partition = env[EnvVar.PARTITION] || 'aws';
  return {
    target: {
      eventBusName: required(EnvVar.EVENT_BUS_NAME),
      source: env[EnvVar.EVENT_SOURCE] || DEFAULT_EVENT_SOURCE,
      arnOf: (id) => batchPredictionArn(partition, region, account, id),
    },
    historyTableName: required(EnvVar.HISTORY_TABLE_NAME),
    policy: readPolicy(env[EnvVar.POLL_INTERVAL_POLICY]),
    maxRunSeconds: wholeNumber(EnvVar.MAX_RUN_SECONDS, DEFAULT_MAX_RUN_SECONDS),
    maxPollsPerExecution: wholeNumber(EnvVar.MAX_POLLS_PER_EXECUTION, DEFAULT_MAX_POLLS_PER_EXECUTION),
  };
}

function readPolicy(raw: string | undefined): PollIntervalPolicy {
  if (raw === undefined || raw === '') return DEFAULT_POLL_INTERVAL_POLICY;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new PollerConfigError(`Environment variable ${EnvVar.POLL_INTERVAL_POLICY} is not JSON: ${raw}`);
  }
  const problems = pollIntervalPolicyProblems(parsed);
  if (problems.length > 0) {
    throw new PollerConfigError(`Environment variable ${EnvVar.POLL_INTERVAL_POLICY}: ${problems.join('; ')}`);
  }
  return parsed as PollIntervalPolicy;
}
