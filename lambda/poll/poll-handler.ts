import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { MachineLearningClient } from '@aws-sdk/client-machine-learning';
import type { PollState } from '../../lib/contract/loop-state';
import { DynamoDbHistoryStore } from '../shared/adapters/dynamo-db-history-store';
import { EventBridgeEventPublisher } from '../shared/adapters/event-bridge-event-publisher';
import { MachineLearningBatchPredictionReader } from '../shared/adapters/machine-learning-batch-prediction-reader';
import { sdkClientConfig } from '../shared/adapters/sdk-http';
import type { AwsClients } from '../shared/clients';
import { type HandlerConfig, readHandlerConfig } from '../shared/config';
import { type HandlerFactoryOptions, type LambdaHandler, taskKeysOf, withHandlerLifecycle } from '../shared/lifecycle';
import { countPollError, countTransition } from '../shared/metrics';
import { type PollDependencies, type PollRequest, pollBatchPrediction } from './poll-batch-prediction';

/** The SDK clients the poll task's adapters call. */
export type PollClients = Pick<AwsClients, 'machineLearning' | 'eventBridge' | 'dynamoDb'>;

let containerClients: PollClients | undefined;

/** The container's clients: built on first use, kept in module scope for warm starts. */
function pollClients(): PollClients {
  containerClients ??= {
    machineLearning: new MachineLearningClient(sdkClientConfig()),
    eventBridge: new EventBridgeClient(sdkClientConfig()),
    dynamoDb: new DynamoDBClient(sdkClientConfig()),
  };
  return containerClients;
}

/** Builds the production dependencies from the environment and the clients: the composition root. */
export function defaultPollDependencies(
  config: HandlerConfig = readHandlerConfig(process.env),
  clients: PollClients = pollClients(),
  now: () => Date = () => new Date(),
): PollDependencies {
  return {
    source: new MachineLearningBatchPredictionReader({ client: clients.machineLearning }),
    history: new DynamoDbHistoryStore({ tableName: config.historyTableName, client: clients.dynamoDb }),
    sink: new EventBridgeEventPublisher({ client: clients.eventBridge }),
    target: config.target,
    policy: config.policy,
    maxRunSeconds: config.maxRunSeconds,
    maxPollsPerExecution: config.maxPollsPerExecution,
    now,
  };
}

/**
 * Makes one instance of the poll task's handler. Flow: handler → {@link pollBatchPrediction} (use
 * case) → domain and adapters, inside the shared {@link withHandlerLifecycle}.
 */
export function createPollHandler(
  options: HandlerFactoryOptions<PollDependencies, PollClients> = {},
): LambdaHandler<PollRequest, PollState> {
  return withHandlerLifecycle<PollRequest, PollState, PollDependencies>(
    {
      keysOf: taskKeysOf,
      dependencies:
        options.dependencies ??
        (() => defaultPollDependencies(readHandlerConfig(options.settings ?? process.env), options.clients, options.now)),
      failureMessage: 'Poll failed',
      onError: ({ metrics }) => countPollError(metrics),
    },
    async (event, deps, { logger, metrics }) => {
      const { state: next, published } = await pollBatchPrediction(event, deps);
      for (const record of published) {
        countTransition(metrics, record.status);
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
    },
  );
}

/** The Lambda entry point of the poll task. */
export const handler = createPollHandler();
