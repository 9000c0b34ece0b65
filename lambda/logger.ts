import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of the handlers; keys are appended per invocation. */
export const logger = new Logger({ serviceName: 'batch-prediction-poller' });
