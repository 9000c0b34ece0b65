import type { Context } from 'aws-lambda';
import { EnvVar, StarterRequest } from '../lib/contract';
import { PollerConfigurationError } from './domain/errors';
import { logger } from './logger';
import { metrics } from './metrics';
import { BatchPredictionLister, RunStarter } from './ports-starter';
import { StartRunsResult, startRuns } from './start-runs';
import { DescribeBatchPredictionsLister } from './adapters/batch-prediction-lister';
import { StepFunctionsRunStarter } from './adapters/run-starter';

/** What the starter needs. */
export interface StarterDependencies {
  readonly lister: BatchPredictionLister;
  readonly starter: RunStarter;
}

/** Builds the production dependencies from the environment. */
export function defaultStarterDependencies(env: NodeJS.ProcessEnv = process.env): StarterDependencies {
  const stateMachineArn = env[EnvVar.STATE_MACHINE_ARN];
  if (!stateMachineArn) throw new PollerConfigurationError(`Environment variable ${EnvVar.STATE_MACHINE_ARN} is not set; the stack sets it`);
  return { lister: new DescribeBatchPredictionsLister(), starter: new StepFunctionsRunStarter({ stateMachineArn }) };
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
      logger.info('Started runs', { running: result.running.length, finished: result.finished.length, ids: result.running });
      return result;
    } catch (error) {
      logger.error('Starting runs failed', error as Error);
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}

/** The Lambda entry point of the starter. */
export const handler = createStarterHandler();
