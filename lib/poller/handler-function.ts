import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LOCAL_HANDLER_METADATA } from '../contract/handlers';

export { HANDLER_FACTORY, LOCAL_HANDLER_METADATA } from '../contract/handlers';

/**
 * How the handlers are bundled: the exact `bundling` options of their `NodejsFunction`s, exported so
 * that `npm run bench` and `test/infrastructure/bundling.test.ts` measure what is deployed.
 *
 * - Every package is bundled: the Lambda runtime's built-in SDK lacks the Amazon ML client.
 * - `mainFields: ['module', 'main']` picks the packages' ES module builds, which esbuild
 *   tree-shakes (the CommonJS builds are one file per package and keep every command).
 * - The Amazon ML client (3.523.0, the last one published) depends on older copies of the SDK
 *   runtime, its own credential chain with STS/SSO clients among them. The aliases make it use
 *   the one, newer runtime the DynamoDB and EventBridge clients already bring: the same package
 *   where it is a newer version of itself, else the `@smithy/core` / `@aws-sdk/core` submodule that
 *   package became. esbuild fails the build if an alias lacks an export the client imports; the
 *   bundle's behaviour (credentials, endpoints, signing, errors, retries) is proven by running it
 *   against local stand-ins in `test/infrastructure/bundling.test.ts`.
 */
export const HANDLER_BUNDLING: BundlingOptions = {
  externalModules: [],
  minify: true,
  sourceMap: false,
  format: OutputFormat.CJS,
  mainFields: ['module', 'main'],
  target: 'node22',
  forceDockerBundling: false,
  esbuildArgs: Object.fromEntries(
    Object.entries({
      '@aws-sdk/core': '@aws-sdk/core',
      '@aws-sdk/credential-provider-node': '@aws-sdk/credential-provider-node',
      '@aws-sdk/util-endpoints': '@aws-sdk/core/client',
      '@smithy/core': '@smithy/core',
      '@smithy/credential-provider-imds': '@smithy/credential-provider-imds',
      '@smithy/node-http-handler': '@smithy/node-http-handler',
      '@smithy/signature-v4': '@smithy/signature-v4',
      '@smithy/types': '@smithy/types',
      '@smithy/config-resolver': '@smithy/core/config',
      '@smithy/middleware-endpoint': '@smithy/core/endpoints',
      '@smithy/middleware-retry': '@smithy/core/retry',
      '@smithy/middleware-stack': '@smithy/core/client',
      '@smithy/node-config-provider': '@smithy/core/config',
      '@smithy/property-provider': '@smithy/core/config',
      '@smithy/shared-ini-file-loader': '@smithy/core/config',
      '@smithy/util-defaults-mode-node': '@smithy/core/config',
      '@smithy/util-endpoints': '@smithy/core/endpoints',
      '@smithy/util-retry': '@smithy/core/retry',
    }).map(([from, to]) => [`--alias:${from}=${to}`, true]),
  ),
};

/** One handler function of the construct: what {@link handlerFunction} builds. */
export interface HandlerFunctionSpec {
  /** Construct id of the function; its log group is `<id>Logs` and its role `<id>Role`. */
  readonly id: string;
  /** The source file under `lambda/`, without `.ts` (e.g. `poll-handler`). */
  readonly entry: string;
  /** The factory the entry builds its `handler` export with (one of {@link HANDLER_FACTORY}). */
  readonly factory: string;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * A handler function with its own encrypted log group and own role, bundled with
 * {@link HANDLER_BUNDLING}, created in `scope` (the construct) so that its ids stay `<id>`,
 * `<id>Logs` and `<id>Role` directly under the construct.
 */
export function handlerFunction(
  scope: Construct,
  key: kms.IKey,
  { id, entry, factory, environment, logRetention }: HandlerFunctionSpec,
): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logRetention,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // An own role instead of Lambda's default one with the AWS managed AWSLambdaBasicExecutionRole
  // (logs:CreateLogGroup and writes on every log group): it may write to its own log group only.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the batch prediction poller's ${entry}`,
  });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, id, {
    entry: path.join(__dirname, '..', '..', 'lambda', `${entry}.ts`),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(30),
    tracing: lambda.Tracing.ACTIVE,
    environment,
    role,
    logGroup,
    bundling: HANDLER_BUNDLING,
  });
  // Tells the local runtime which source runs in this function, from the synthesized template
  // alone: the entry module, the factory its `handler` export is built with, and the construct id
  // (scenario faults name a function by it).
  (fn.node.defaultChild as lambda.CfnFunction).addMetadata(LOCAL_HANDLER_METADATA, {
    entry: `lambda/${entry}.ts`,
    factory,
    constructId: id,
  });
  return fn;
}
