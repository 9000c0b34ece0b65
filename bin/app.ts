#!/usr/bin/env node
/**
 * The CDK app's entry point (`cdk.json`: `npx tsx bin/app.ts`): synthesizes `buildApp`'s app and
 * turns a configuration error into one line on stderr.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { MachineLearningRegionError } from '../lib/poller/validation';
import { PollerConfigError } from '../lib/config';

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
