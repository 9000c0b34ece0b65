import type { Context } from 'aws-lambda';
import { EnvVar, type StarterRequest } from '../lib/contract';
import { PollerConfigurationError } from './domain/errors';
import { type RestartPolicy, restartPolicyProblems } from './domain/restarts';
import { logger } from './logger';
import { countRestartsExhausted, countRunRestart, metrics } from './metrics';
import type { BatchPredictionLister, RunStarter } from './ports-starter';
import { DEFAULT_RESTART_POLICY, type StartRunsResult, startRuns } from './start-runs';
import { DescribeBatchPredictionsLister } from './adapters/batch-prediction-lister';
import { StepFunctionsRunStarter } from './adapters/run-starter';

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
 * @throws PollerConfigurationError naming the variable and what is wrong with it
 */
export function readRestartPolicy(env: NodeJS.ProcessEnv): RestartPolicy {
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
    throw new PollerConfigurationError(
      `Invalid restart settings (${raw}): ${problems.join('; ')}; the stack sets them from the maxRestarts prop`,
    );
  }
  return policy;
}

/** Builds the production dependencies from the environment. */
export function defaultStarterDependencies(env: NodeJS.ProcessEnv = process.env): StarterDependencies {
  const stateMachineArn = env[EnvVar.STATE_MACHINE_ARN];
  if (!stateMachineArn)
    throw new PollerConfigurationError(`Environment variable ${EnvVar.STATE_MACHINE_ARN} is not set; the stack sets it`);
  return {
    lister: new DescribeBatchPredictionsLister(),
    starter: new StepFunctionsRunStarter({ stateMachineArn }),
    restarts: readRestartPolicy(env),
  };
}

/**
 * Makes the starter's handler: invoked by the CloudTrail discovery rule with one id, and by the
 * sweeper schedule to start a run for every batch prediction still PENDING or INPROGRESS.
 */
export function createStarterHandler(dependencies?: () => StarterDependencies) {
  let deps: StarterDependencies | undefined;
  return async (event: StarterRequest, context?: Partial<Pick<Context, 'awsRequestId' | 'functionName'>>): Promise<StartRunsResult> => {
    metrics.captureColdStartMetric(context?.functionName);
    logger.appendKeys({ source: event?.source, requestId: context?.awsRequestId });
    try {
      deps ??= (dependencies ?? defaultStarterDependencies)();
      const result = await startRuns(event, deps);
      for (const restart of result.restarted) {
        countRunRestart();
        logger.warn('Restarted polling run: the previous run ended before a terminal status', { ...restart });
      }
      for (const deferred of result.deferred) logger.info('Restart not due yet', { ...deferred });
      for (const exhausted of result.exhausted) {
        countRestartsExhausted();
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
    } catch (error) {
      logger.error('Starting runs failed', error as Error);
      throw error;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

/** The Lambda entry point of the starter. */
export const handler = createStarterHandler();
