import type { Context } from 'aws-lambda';
import { type HandlerConfig, readHandlerConfig } from './config';
import { logger } from './logger';
import { countPollError, countTransition, metrics } from './metrics';
import { type PollDependencies, type PollRequest, pollBatchPrediction } from './poll-batch-prediction';
import type { PollState } from '../lib/contract';
import { BatchPredictionReader } from './adapters/batch-prediction-reader';
import { EventPublisher } from './adapters/event-publisher';
import { HistoryStore } from './adapters/history-store';

/** Builds the production dependencies from the environment: the composition root. */
export function defaultPollDependencies(config: HandlerConfig = readHandlerConfig(process.env)): PollDependencies {
  return {
    source: new BatchPredictionReader(),
    history: new HistoryStore({ tableName: config.historyTableName }),
    sink: new EventPublisher(),
    target: config.target,
    policy: config.policy,
    maxRunSeconds: config.maxRunSeconds,
    maxPollsPerExecution: config.maxPollsPerExecution,
    now: () => new Date(),
  };
}

/**
 * Makes the poll task's handler. Flow: handler → {@link pollBatchPrediction} (use case) → domain
 * and adapters. Dependencies are built on first use so that a configuration error surfaces as a
 * named error of the invocation rather than an init failure.
 */
export function createPollHandler(dependencies?: () => PollDependencies) {
  let deps: PollDependencies | undefined;
  return async (event: PollRequest, context?: Partial<Pick<Context, 'awsRequestId' | 'functionName'>>): Promise<PollState> => {
    metrics.captureColdStartMetric(context?.functionName);
    const state = (event?.state ?? {}) as Record<string, unknown>;
    logger.appendKeys({
      batchPredictionId: typeof state.batchPredictionId === 'string' ? state.batchPredictionId : undefined,
      executionId: event?.execution?.id,
      requestId: context?.awsRequestId,
    });
    try {
      deps ??= (dependencies ?? defaultPollDependencies)();
      const { state: next, published } = await pollBatchPrediction(event, deps);
      for (const record of published) {
        countTransition(record.status);
        logger.info('Published status change', {
          previousStatus: record.previousStatus,
          status: record.status,
          eventId: record.eventId,
          sequence: record.sequence,
          runId: record.runId,
        });
      }
      logger.debug('Polled', { status: next.lastStatus, waitSeconds: next.waitSeconds, terminal: next.terminal });
      return next;
    } catch (error) {
      countPollError();
      logger.error('Poll failed', error as Error);
      throw error;
    } finally {
      // Most polls see no change: flush only when there is something to flush.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

/** The Lambda entry point of the poll task. */
export const handler = createPollHandler();
