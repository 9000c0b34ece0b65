import type { Context } from 'aws-lambda';
import { readHandlerConfig } from './config';
import { logger } from './logger';
import { metrics } from './metrics';
import {
  type ReportFailureDependencies,
  type ReportFailureRequest,
  type ReportFailureResult,
  reportPollingFailure,
} from './report-polling-failure';
import { EventPublisher } from './adapters/event-publisher';

/** Builds the production dependencies of the failure path from the environment. */
export function defaultReportFailureDependencies(): ReportFailureDependencies {
  const config = readHandlerConfig(process.env);
  return { sink: new EventPublisher(), target: config.target, now: () => new Date() };
}

/** Makes the failure path's handler: publishes a `Batch Prediction Polling Failed` event. */
export function createReportFailureHandler(dependencies?: () => ReportFailureDependencies) {
  let deps: ReportFailureDependencies | undefined;
  return async (
    event: ReportFailureRequest,
    context?: Partial<Pick<Context, 'awsRequestId' | 'functionName'>>,
  ): Promise<ReportFailureResult> => {
    metrics.captureColdStartMetric(context?.functionName);
    const state = (event?.state ?? {}) as Record<string, unknown>;
    logger.appendKeys({
      batchPredictionId: typeof state.batchPredictionId === 'string' ? state.batchPredictionId : undefined,
      executionId: event?.execution?.id,
      requestId: context?.awsRequestId,
    });
    try {
      deps ??= (dependencies ?? defaultReportFailureDependencies)();
      const { result } = await reportPollingFailure(event, deps);
      logger.warn('Polling failed', { ...result });
      return result;
    } catch (error) {
      logger.error('Reporting the failure failed', error as Error);
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}

/** The Lambda entry point of the failure path. */
export const handler = createReportFailureHandler();
