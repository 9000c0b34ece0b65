import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeEventPublisher } from '../shared/adapters/event-bridge-event-publisher';
import { sdkClientConfig } from '../shared/adapters/sdk-http';
import type { AwsClients } from '../shared/clients';
import { type HandlerConfig, readHandlerConfig } from '../shared/config';
import { type HandlerFactoryOptions, type LambdaHandler, taskKeysOf, withHandlerLifecycle } from '../shared/lifecycle';
import {
  type ReportFailureDependencies,
  type ReportFailureRequest,
  type ReportFailureResult,
  reportPollingFailure,
} from './report-polling-failure';

/** The SDK clients the failure path's adapters call. */
export type ReportFailureClients = Pick<AwsClients, 'eventBridge'>;

let containerClients: ReportFailureClients | undefined;

/** The container's clients: built on first use, kept in module scope for warm starts. */
function reportFailureClients(): ReportFailureClients {
  containerClients ??= { eventBridge: new EventBridgeClient(sdkClientConfig()) };
  return containerClients;
}

/** Builds the production dependencies of the failure path from the environment and the clients. */
export function defaultReportFailureDependencies(
  config: HandlerConfig = readHandlerConfig(process.env),
  clients: ReportFailureClients = reportFailureClients(),
  now: () => Date = () => new Date(),
): ReportFailureDependencies {
  return { sink: new EventBridgeEventPublisher({ client: clients.eventBridge }), target: config.target, now };
}

/** Makes one instance of the failure path's handler: publishes a `Batch Prediction Polling Failed` event. */
export function createReportFailureHandler(
  options: HandlerFactoryOptions<ReportFailureDependencies, ReportFailureClients> = {},
): LambdaHandler<ReportFailureRequest, ReportFailureResult> {
  return withHandlerLifecycle<ReportFailureRequest, ReportFailureResult, ReportFailureDependencies>(
    {
      keysOf: taskKeysOf,
      dependencies:
        options.dependencies ??
        (() => defaultReportFailureDependencies(readHandlerConfig(options.settings ?? process.env), options.clients, options.now)),
      failureMessage: 'Reporting the failure failed',
    },
    async (event, deps, { logger }) => {
      const { result } = await reportPollingFailure(event, deps);
      logger.warn('Polling failed', { ...result });
      return result;
    },
  );
}

/** The Lambda entry point of the failure path. */
export const handler = createReportFailureHandler();
