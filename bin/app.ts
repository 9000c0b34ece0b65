#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MachineLearningRegionError } from '../lib/batch-prediction-poller';
import { BatchPredictionPollerStack } from '../lib/batch-prediction-poller-stack';
import { PollerConfigError, readPollerAppConfig } from '../lib/config';
import { DEFAULT_STACK_NAME } from '../lib/contract';

/**
 * The CDK app: context → validated config → stack. Kept as a function so tests and the local
 * runtime synthesize exactly what `cdk deploy` does.
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

if (require.main === module) {
  try {
    // Synthesized here, explicitly: an App run by the CDK CLI would otherwise also synthesize at
    // exit, writing out the half-built stack of a construct that threw.
    buildApp(new App({ autoSynth: false })).app.synth();
  } catch (error) {
    // A bad context value or region is the user's to fix: one line naming the key, the value and the fix,
    // not a stack trace. Anything else is a bug and keeps its stack trace.
    if (!(error instanceof PollerConfigError || error instanceof MachineLearningRegionError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  }
}
