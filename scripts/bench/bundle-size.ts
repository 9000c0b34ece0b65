/**
 * Bundle size: the poll function's bundle as `cdk synth` builds it (`scripts/build-lambda.ts`, the shipped `assets/lambda` file), against the
 * way `NodejsFunction` bundles by default (CommonJS, minified, SDK bundled), both built by CDK into
 * temporary directories.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { POLL_FACTORY } from './simulation';

/** The package root (this file is scripts/bench/bundle-size.ts). */
const ROOT = path.resolve(__dirname, '..', '..');

/** The two bundles, on disk until `cleanup`. */
export interface Bundles {
  readonly pollFile: string;
  readonly baselineFile: string;
  /** The poll function's Lambda runtime, e.g. `nodejs24.x`. */
  readonly runtime: string;
  readonly cleanup: () => void;
}

/** Builds the poll bundle as `cdk synth` does, and the default-bundled baseline, both by CDK. */
export function buildBundles(): Bundles {
  // Loaded here so that the bench's other measures do not pay for aws-cdk-lib.
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const lambda = require('aws-cdk-lib/aws-lambda') as typeof import('aws-cdk-lib/aws-lambda');
  const nodejs = require('aws-cdk-lib/aws-lambda-nodejs') as typeof import('aws-cdk-lib/aws-lambda-nodejs');
  const cxapi = require('aws-cdk-lib/cx-api') as typeof import('aws-cdk-lib/cx-api');
  const { buildApp } = require('../../lib/app') as typeof import('../../lib/app');
  const { HANDLER_SOURCES, LOCAL_HANDLER_METADATA } =
    require('../../lib/contract/handlers') as typeof import('../../lib/contract/handlers');
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  const cleanup = () => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  };
  const env = { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-east-1' };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  // A Docker that cannot exist: if local esbuild failed, CDK's Docker fallback fails loudly.
  process.env.CDK_DOCKER = path.join(os.tmpdir(), 'bench-no-docker-here');
  try {
    const assetDirs = (assembly: import('aws-cdk-lib/cx-api').CloudAssembly) => {
      const map = new Map<string, string>();
      for (const artifact of assembly.artifacts.filter(cxapi.AssetManifestArtifact.isAssetManifestArtifact)) {
        for (const asset of Object.values(artifact.contents.files ?? {})) {
          // File assets from a directory or a file have a path; an executable-built asset has none.
          if (asset.source.path === undefined) continue;
          for (const destination of Object.values(asset.destinations))
            map.set(destination.objectKey, path.resolve(assembly.directory, asset.source.path));
        }
      }
      return map;
    };
    const bundleIn = (dir: string) => {
      const file = ['index.mjs', 'index.js', 'index.cjs'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
      if (file === undefined) throw new Error(`no bundle in ${dir}: ${fs.readdirSync(dir).join(', ')}`);
      return file;
    };

    const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
    const app = new cdk.App({ outdir: tempDir('bench-synth-'), context: { ...cdkJson.context } });
    const { stack } = buildApp(app);
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
    };
    const poll = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Metadata?.[LOCAL_HANDLER_METADATA] as { factory?: string } | undefined)?.factory === POLL_FACTORY,
    );
    if (poll === undefined) throw new Error('The template has no poll function');
    const pollDir = assetDirs(assembly).get(String((poll.Properties.Code as { S3Key: unknown }).S3Key));
    if (pollDir === undefined) throw new Error('The poll function has no bundled asset');
    const runtimeName = String(poll.Properties.Runtime);

    // The baseline: NodejsFunction's defaults (CommonJS, target from the runtime), SDK bundled, minified.
    const baselineApp = new cdk.App({ outdir: tempDir('bench-baseline-') });
    const baselineStack = new cdk.Stack(baselineApp, 'BenchBaseline', {
      env: { account: env.CDK_DEFAULT_ACCOUNT, region: env.CDK_DEFAULT_REGION },
    });
    new nodejs.NodejsFunction(baselineStack, 'Baseline', {
      entry: path.join(ROOT, HANDLER_SOURCES['poll-handler']),
      handler: 'handler',
      runtime: new lambda.Runtime(runtimeName, lambda.RuntimeFamily.NODEJS),
      architecture: lambda.Architecture.ARM_64,
      bundling: { externalModules: [], minify: true },
    });
    const baselineAssembly = baselineApp.synth();
    const baselineDirs = [...assetDirs(baselineAssembly).values()].filter((d) => fs.statSync(d).isDirectory());
    if (baselineDirs.length !== 1) throw new Error(`expected one baseline asset, found ${baselineDirs.length}`);
    return { pollFile: bundleIn(pollDir), baselineFile: bundleIn(baselineDirs[0]), runtime: runtimeName, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
