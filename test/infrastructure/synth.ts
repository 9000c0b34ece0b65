import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { BatchPredictionPoller } from '../../lib/batch-prediction-poller';
import type { BatchPredictionPollerProps } from '../../lib/poller/props';
import type { BatchPredictionPollerStack } from '../../lib/batch-prediction-poller-stack';

export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'us-east-1';

/** Stands in for the non-string parts (Ref, Fn::GetAtt) of a Fn::Join when it is flattened (`joinedString`). */
export const TOKEN = '${TOKEN}';

/** The context `cdk synth` would use: `cdk.json`'s `context` block. */
export function contextFromCdkJson(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return { ...(cdkJson.context ?? {}) };
}

export interface SynthOptions {
  /** Context merged over `cdk.json`'s. */
  readonly context?: Record<string, unknown>;
  /**
   * Where the cloud assembly goes; the caller removes it.
   * @default - a fresh directory under `os.tmpdir()`, removed by {@link SynthResult.cleanup}
   */
  readonly outdir?: string;
}

export interface SynthResult {
  readonly app: App;
  readonly stack: BatchPredictionPollerStack;
  readonly template: Template;
  /** The cloud assembly directory. */
  readonly outdir: string;
  /** Removes the cloud assembly directory if `synth` created it (call it in `afterAll`). */
  readonly cleanup: () => void;
}

/**
 * Synthesizes the app exactly as `bin/app.ts` does. Costs seconds: call it once per test file
 * (in `beforeAll`) and share the result.
 */
export function synth(options: SynthOptions = {}): SynthResult {
  // `buildApp` reads the environment for the stack's env, as the CDK CLI sets it.
  process.env.CDK_DEFAULT_ACCOUNT = TEST_ACCOUNT;
  process.env.CDK_DEFAULT_REGION = TEST_REGION;
  const context: Record<string, unknown> = {
    ...contextFromCdkJson(),
    ...options.context,
  };
  const outdir = options.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'poller-synth-'));
  const cleanup = () => {
    if (options.outdir === undefined) fs.rmSync(outdir, { recursive: true, force: true });
  };
  const app = new App({ context, outdir });
  const { stack } = buildApp(app);
  return { app, stack, template: Template.fromStack(stack), outdir, cleanup };
}

/** Any CloudFormation value: literals, arrays, objects and intrinsic functions. */
export type CfnValue = unknown;

/**
 * Renders a CloudFormation value with `Fn::Join` flattened: string parts are kept, every other part
 * (Ref, Fn::GetAtt, pseudo parameters...) becomes `placeholder`. Plain strings come back unchanged.
 */
export function joinedString(value: CfnValue, placeholder = '${TOKEN}'): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, CfnValue[]] })['Fn::Join'];
    return parts.map((part) => (typeof part === 'string' ? part : placeholder)).join(separator);
  }
  return placeholder;
}

/** `x` or `[x, ...]` as an array. */
export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** One IAM statement, as CDK renders it. */
export interface PolicyStatementJson {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: CfnValue;
  readonly Principal?: CfnValue;
  readonly Condition?: Record<string, unknown>;
}

/** Every statement of every AWS::IAM::Policy, with the logical id of its policy. */
export function iamPolicyStatements(template: Template): Array<{ policyId: string; roles: CfnValue[]; statement: PolicyStatementJson }> {
  return Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([policyId, policy]) =>
    (policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]).map((statement) => ({
      policyId,
      roles: asArray(policy.Properties.Roles as CfnValue[]),
      statement,
    })),
  );
}

/** The logical id of the only resource of `type` whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with "${prefix}", found ${JSON.stringify(ids)}`);
  return ids[0];
}

/** The logical id CloudFormation knows `construct` by (its L1 resource for an L2). */
export function logicalId(construct: IConstruct): string {
  const cfn = construct instanceof CfnElement ? construct : (construct.node.defaultChild as CfnElement);
  return Stack.of(cfn).resolve(cfn.logicalId) as string;
}

/** `{ Ref: <logical id> }` of a construct, as the template refers to it. */
export const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) });

/** `{ "Fn::GetAtt": [<logical id>, "Arn"] }` of a construct. */
export const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });

/** A poller alone in a stack, for testing its props. */
export function pollerTemplate(props: BatchPredictionPollerProps): { template: Template; poller: BatchPredictionPoller } {
  const app = new App();
  const stack = new Stack(app, 'Props', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
  const poller = new BatchPredictionPoller(stack, 'Poller', props);
  return { template: Template.fromStack(stack), poller };
}

/** The error `fn` throws; fails the test when it does not throw. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but none was thrown');
}
