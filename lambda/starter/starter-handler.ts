import { MachineLearningClient } from '@aws-sdk/client-machine-learning';
import { SFNClient } from '@aws-sdk/client-sfn';
import { EnvVar } from '../../lib/contract/environment';
import type { StarterRequest } from '../../lib/contract/loop-state';
import { MachineLearningBatchPredictionLister } from '../shared/adapters/machine-learning-batch-prediction-lister';
import { sdkClientConfig } from '../shared/adapters/sdk-http';
import { StepFunctionsRunStarter } from '../shared/adapters/step-functions-run-starter';
import type { AwsClients } from '../shared/clients';

import { type RestartPolicy, restartPolicyProblems } from '../shared/domain/restarts';
import { type HandlerFactoryOptions, type LambdaHandler, type Settings, withHandlerLifecycle } from '../shared/lifecycle';
import { countRestartsExhausted, countRunRestart } from '../shared/metrics';
import type { BatchPredictionLister, RunStarter } from '../shared/ports';
import { DEFAULT_RESTART_POLICY, type StartRunsResult, startRuns } from './start-runs';
import { PollerConfigError } from '../../lib/contract/config-error';

/** What the starter needs. */
export interface StarterDependencies {
  readonly lister: BatchPredictionLister;
  readonly starter: RunStarter;
  /** @default {@link DEFAULT_RESTART_POLICY} */
  readonly restarts?: RestartPolicy;
}

/**
 * The sweeper's restart policy from {@link EnvVar.MAX_RESTARTS} and
 * {@link EnvVar.RESTART_BACKOFF_SECONDS} (the stack sets both; unset means the default).
 * @throws PollerConfigError naming the variable and what is wrong with it
 */
export function readRestartPolicy(env: Settings): RestartPolicy {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    return raw === undefined || raw === '' ? fallback : /^\d+$/.test(raw) ? Number(raw) : NaN;
  };
  const policy: RestartPolicy = {
    maxRestarts: read(EnvVar.MAX_RESTARTS, DEFAULT_RESTART_POLICY.maxRestarts),
    backoffBaseSeconds: read(EnvVar.RESTART_BACKOFF_SECONDS, DEFAULT_RESTART_POLICY.backoffBaseSeconds),
  };
  const problems = restartPolicyProblems(policy);
  if (problems.length > 0) {
    const raw = `${EnvVar.MAX_RESTARTS}=${JSON.stringify(env[EnvVar.MAX_RESTARTS])}, ${EnvVar.RESTART_BACKOFF_SECONDS}=${JSON.stringify(env[EnvVar.RESTART_BACKOFF_SECONDS])}`;
    throw new PollerConfigError(`Invalid restart settings (${raw}): ${problems.join('; ')}; the stack sets them from the maxRestarts prop`);
  }
  return policy;
}

/** The SDK clients the starter's adapters call. */
export type StarterClients = Pick<AwsClients, 'machineLearning' | 'stepFunctions'>;

let containerClients: StarterClients | undefined;

/** The container's clients: built on first use, kept in module scope for warm starts. */
function starterClients(): StarterClients {
  containerClients ??= {
    machineLearning: new MachineLearningClient(sdkClientConfig()),
    stepFunctions: new SFNClient(sdkClientConfig()),
  };
  return containerClients;
}

/** Builds the production dependencies from the environment and the clients. */
export function defaultStarterDependencies(
  env: Settings = process.env,
  clients: StarterClients = starterClients(),
  now?: () => Date,
): StarterDependencies {
  const stateMachineArn = env[EnvVar.STATE_MACHINE_ARN];
  if (!stateMachineArn) throw new PollerConfigError(`Environment variable ${EnvVar.STATE_MACHINE_ARN} is not set; the stack sets it`);
  return {
    lister: new MachineLearningBatchPredictionLister({ client: clients.machineLearning }),
    starter: new StepFunctionsRunStarter({ stateMachineArn, client: clients.stepFunctions }),
    restarts: readRestartPolicy(env),
    ...(now === undefined ? {} : { now }),
  };
}

/**
 * Makes one instance of the starter's handler: invoked by the CloudTrail discovery rule with one
 * id, and by the sweeper schedule to start a run for every batch prediction still PENDING or
 * INPROGRESS.
 */
export function createStarterHandler(
  options: HandlerFactoryOptions<StarterDependencies, StarterClients> = {},
): LambdaHandler<StarterRequest, StartRunsResult> {
  return withHandlerLifecycle(
    {
      keysOf: (event: StarterRequest) => ({ source: event?.source }),
      dependencies:
        options.dependencies ?? (() => defaultStarterDependencies(options.settings ?? process.env, options.clients, options.now)),
      failureMessage: 'Starting runs failed',
    },
    async (event, deps, { logger, metrics }) => {
      const result = await startRuns(event, deps);
      for (const restart of result.restarted) {
        countRunRestart(metrics);
        logger.warn('Restarted polling run: the previous run ended before a terminal status', { ...restart });
      }
      for (const deferred of result.deferred) logger.info('Restart not due yet', { ...deferred });
      for (const exhausted of result.exhausted) {
        countRestartsExhausted(metrics);
        logger.error('Automatic restarts used up: nothing polls this batch prediction now; restart it with watch --restart', {
          ...exhausted,
        });
      }
      logger.info('Started runs', {
        running: result.running.length,
        finished: result.finished.length,
        restarted: result.restarted.length,
        deferred: result.deferred.length,
        exhausted: result.exhausted.length,
        ids: result.running,
      });
      return result;
    },
  );
}

/** The Lambda entry point of the starter. */
export const handler = createStarterHandler();
