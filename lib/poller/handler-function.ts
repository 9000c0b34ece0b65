import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { HANDLER_SOURCES, type HandlerEntry, LOCAL_HANDLER_METADATA } from '../contract/handlers';
import { LAMBDA_ASSETS_DIR, lambdaAssetDir } from './lambda-assets';

/** One handler function of the construct: what {@link handlerFunction} builds. */
export interface HandlerFunctionSpec {
  /** Construct id of the function; its log group is `<id>Logs` and its role `<id>Role`. */
  readonly id: string;
  /**
   * The handler entry, e.g. `poll-handler`: its source is `HANDLER_SOURCES[entry]`, its bundle
   * (built by `npm run build:lambda`, shipped in the package) `assets/lambda/<entry>/index.js`.
   */
  readonly entry: HandlerEntry;
  /** The factory the entry builds its `handler` export with (one of {@link HANDLER_FACTORY}). */
  readonly factory: string;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * A handler function with its own encrypted log group and own role, created in `scope` (the
 * construct) so that its ids stay `<id>`, `<id>Logs` and `<id>Role` directly under the construct.
 * Its code is the bundle the package ships (`Code.fromAsset`): nothing is bundled at synth, so the
 * consumer needs no esbuild, no Docker and no lock file, and deploys the file our tests ran.
 *
 * @throws LambdaAssetsMissingError when the bundle was not built (`npm run build`)
 */
export function handlerFunction(
  scope: Construct,
  key: kms.IKey,
  { id, entry, factory, environment, logRetention }: HandlerFunctionSpec,
): lambda.Function {
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
  const fn = new lambda.Function(scope, id, {
    code: lambda.Code.fromAsset(lambdaAssetDir(entry)),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(30),
    tracing: lambda.Tracing.ACTIVE,
    environment,
    role,
    logGroup,
  });
  // Tells the local runtime which code runs in this function, from the synthesized template
  // alone: the entry module, the bundle built from it (relative to the package root), the factory
  // its `handler` export is built with, and the construct id (scenario faults name a function by it).
  (fn.node.defaultChild as lambda.CfnFunction).addMetadata(LOCAL_HANDLER_METADATA, {
    entry: HANDLER_SOURCES[entry],
    asset: `${LAMBDA_ASSETS_DIR}/${entry}/index.js`,
    factory,
    constructId: id,
  });
  return fn;
}
