import { App } from 'aws-cdk-lib';
import { BatchPredictionPollerStack } from './batch-prediction-poller-stack';
import { readPollerAppConfig } from './config';
import { DEFAULT_STACK_NAME } from './contract/stack-outputs';

/**
 * The CDK app: context → validated config → stack. Kept as a function, apart from the entry point
 * (`bin/app.ts`), so that tests and the local runtime synthesize exactly what `cdk deploy` does
 * without importing an entry point.
 */
export function buildApp(app: App = new App()): { app: App; stack: BatchPredictionPollerStack } {
  const config = readPollerAppConfig((key) => app.node.tryGetContext(key));
  const stack = new BatchPredictionPollerStack(app, DEFAULT_STACK_NAME, {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'Polls Amazon ML batch predictions and publishes status changes to EventBridge',
  });
  return { app, stack };
}
