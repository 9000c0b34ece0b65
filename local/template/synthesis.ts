/**
 * Synthesis of the app for the local runtime: `buildApp` (`lib/app.ts`, what `cdk synth` runs), in
 * the local account and region, bundling skipped. Apart from reading the template
 * (`deployment.ts`), so that what runs a template synthesized before (the installed CLI) needs
 * neither aws-cdk-lib nor the app.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { packageRoot } from '../../lib/contract/package-root';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalDeployment, deploymentFromTemplate } from './deployment';

/** The repository the app's `cdk.json` is read from. */
const PROJECT_ROOT = packageRoot(__dirname);

/**
 * Synthesizes the app in-process exactly as `cdk synth` does (same `buildApp`, same `cdk.json`
 * context), with bundling skipped, in a fake account and region.
 *
 * @param context extra context, e.g. `{ pollInterval: 30 }`
 */
export function synthesizeTemplate(context: Record<string, unknown> = {}): { template: Record<string, unknown>; stackName: string } {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const previous = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  process.env.CDK_DEFAULT_ACCOUNT = LOCAL_ACCOUNT;
  process.env.CDK_DEFAULT_REGION = LOCAL_REGION;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-synth-'));
  try {
    // Bundling is skipped: the local runtime runs the handler's TypeScript source in-process.
    const app = new App({ outdir, context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': [] } });
    const { stack } = buildApp(app);
    const assembly = app.synth();
    return { template: assembly.getStackByName(stack.stackName).template as Record<string, unknown>, stackName: stack.stackName };
  } finally {
    restoreEnv('CDK_DEFAULT_ACCOUNT', previous.account);
    restoreEnv('CDK_DEFAULT_REGION', previous.region);
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes the app and reads the deployment out of its template. */
export function synthesizeDeployment(context: Record<string, unknown> = {}): LocalDeployment {
  const { template, stackName } = synthesizeTemplate(context);
  return deploymentFromTemplate(template, stackName);
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
