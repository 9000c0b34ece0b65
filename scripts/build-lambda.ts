/**
 * `npm run build:lambda`: bundles the three Lambda handlers into `assets/lambda/<entry>/index.js`,
 * the files the package ships and the construct deploys with `Code.fromAsset`. Consumers bundle
 * nothing at synth: no esbuild, no Docker, no lock file, whatever their package manager.
 *
 * The options are the ones the handlers' `NodejsFunction`s used to pass esbuild at synth
 * (`--bundle --platform=node --target=node22 --format=cjs --minify --main-fields=module,main` and the
 * aliases below), now given to esbuild's JS API directly. `test/infrastructure/bundling.test.ts`
 * runs the very files written here against local stand-ins, and `npm run bench` measures them.
 *
 * This module imports no aws-cdk-lib: the build needs esbuild only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { HANDLER_SOURCES, type HandlerEntry } from '../lib/contract/handlers';

/** The repository root (this file lives in `scripts/`). */
const ROOT = path.resolve(__dirname, '..');

/** The handler entries (sources in `HANDLER_SOURCES`), each bundled into `assets/lambda/<entry>/index.js`. */
export const LAMBDA_ENTRIES = Object.keys(HANDLER_SOURCES) as HandlerEntry[];

/** One of {@link LAMBDA_ENTRIES}. */
export type LambdaEntry = HandlerEntry;

/** Where the bundles go, relative to the package root (the construct reads them from there). */
export const LAMBDA_ASSETS_DIR = path.join('assets', 'lambda');

/**
 * The Amazon ML client (3.523.0, the last one published) depends on older copies of the SDK
 * runtime, its own credential chain with STS/SSO clients among them. These aliases make it use the
 * one, newer runtime the DynamoDB and EventBridge clients already bring: the same package where it
 * is a newer version of itself, else the `@smithy/core` / `@aws-sdk/core` submodule that package
 * became. esbuild fails the build if an alias lacks an export the client imports; the bundle's
 * behaviour (credentials, endpoints, signing, errors, retries) is proven by running it against
 * local stand-ins in `test/infrastructure/bundling.test.ts`.
 */
export const SDK_RUNTIME_ALIASES: Readonly<Record<string, string>> = {
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
};

/**
 * The esbuild options of one handler bundle.
 *
 * - Every package is bundled (no `external`): the Lambda runtime's built-in SDK lacks the Amazon
 *   ML client, and a consumer must not need any package at deploy time.
 * - `mainFields: ['module', 'main']` picks the packages' ES module builds, which esbuild
 *   tree-shakes (the CommonJS builds are one file per package and keep every command).
 * - CommonJS output keeps every export of the entry: `handler` and its factory
 *   (`createPollHandler`, ...), which the local runtime calls with its own dependencies.
 * - `target: 'node22'`: the oldest Node.js the package supports; the functions run on nodejs24.x.
 * - No source map, minified: the file is what the Lambda loads at every cold start.
 */
export function lambdaBuildOptions(entry: LambdaEntry, outfile: string): BuildOptions {
  return {
    entryPoints: [path.join(ROOT, HANDLER_SOURCES[entry])],
    outfile,
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    treeShaking: true,
    sourcemap: false,
    mainFields: ['module', 'main'],
    alias: { ...SDK_RUNTIME_ALIASES },
    logLevel: 'warning',
  };
}

/** What {@link buildLambdaAssets} wrote: the bundle file of each entry. */
export type LambdaAssetFiles = Readonly<Record<LambdaEntry, string>>;

/**
 * Bundles every handler into `<outdir>/<entry>/index.js`, replacing what was there (a stale file
 * next to a bundle would ship in its asset).
 *
 * @param outdir defaults to `<repository>/assets/lambda`
 */
export async function buildLambdaAssets(outdir: string = path.join(ROOT, LAMBDA_ASSETS_DIR)): Promise<LambdaAssetFiles> {
  const files = {} as Record<LambdaEntry, string>;
  await Promise.all(
    LAMBDA_ENTRIES.map(async (entry) => {
      const dir = path.join(outdir, entry);
      fs.rmSync(dir, { recursive: true, force: true });
      const outfile = path.join(dir, 'index.js');
      await build(lambdaBuildOptions(entry, outfile));
      files[entry] = outfile;
    }),
  );
  return files;
}

if (require.main === module) {
  const startedMs = performance.now();
  buildLambdaAssets().then(
    (files) => {
      const sizes = Object.entries(files).map(([entry, file]) => `${entry} ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
      console.log(`build:lambda: ${sizes.join(', ')} in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
    },
    (error: Error) => {
      console.error(`build:lambda failed: ${error.message}`);
      process.exit(1);
    },
  );
}
