/**
 * The consumer's side of `npm run bench`: what installing and synthesizing the poller costs a CDK
 * app, measured on the packed tarball in fresh consumer folders (npm's cache preferred, as
 * `npm run test:consumers` does). Exported as one function, {@link measureConsumer}; `scripts/bench/main.ts`
 * calls it and prints its rows.
 *
 * - Synth time: a plain-JS consumer app (`node bin/app.js`, the poller in one stack) with the
 *   shipped bundles, against the same app that also bundles the three handlers at synth the way
 *   the construct did before (three `NodejsFunction`s over the repository's handler sources with
 *   the build's esbuild options, local esbuild): the bundling a consumer's synth used to run.
 *   Fresh `node` processes, interleaved, median of each.
 * - Install: packages and bytes under `node_modules` of a construct-only install (the tarball,
 *   aws-cdk-lib, constructs) against the dependencies the package declared before (the same plus
 *   the SDK clients and Powertools as runtime dependencies).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HANDLER_SOURCES } from '../../lib/contract/handlers';
import { LAMBDA_ENTRIES, SDK_RUNTIME_ALIASES } from '../build-lambda';

const ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
/** The runtime dependencies the package declared before its Lambdas were prebuilt (now devDependencies). */
const FORMER_RUNTIME_DEPENDENCIES = [
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws-sdk/client-cloudformation',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-eventbridge',
  '@aws-sdk/client-machine-learning',
  '@aws-sdk/client-sfn',
  '@aws-sdk/lib-dynamodb',
  'aws-cdk-lib',
  'constructs',
];

/** What {@link measureConsumer} measured. */
export interface ConsumerMeasures {
  readonly synthRuns: number;
  /** Median wall time of `node bin/app.js` with the shipped bundles. */
  readonly synthShippedMs: number;
  /** Median wall time of the same app bundling the three handlers at synth. */
  readonly synthBundlingMs: number;
  readonly constructOnly: InstallMeasure;
  readonly formerDependencies: InstallMeasure;
  /** The packed tarball. */
  readonly tarballBytes: number;
}

/** One install's footprint. */
export interface InstallMeasure {
  /** Packages under node_modules (each folder with a package.json that has a name, nested ones included). */
  readonly packages: number;
  /** Bytes of every file under node_modules. */
  readonly bytes: number;
}

function sh(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
}

/** Packages and bytes under `dir/node_modules`. */
export function installFootprint(dir: string): InstallMeasure {
  let packages = 0;
  let bytes = 0;
  const walk = (folder: string, inNodeModules: boolean) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        const manifest = path.join(full, 'package.json');
        if (inNodeModules && !entry.name.startsWith('.') && !entry.name.startsWith('@') && fs.existsSync(manifest)) {
          const name = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
          if (typeof name === 'string') packages++;
        }
        walk(full, entry.name === 'node_modules' || (inNodeModules && entry.name.startsWith('@')));
      } else if (entry.isFile()) bytes += fs.statSync(full).size;
    }
  };
  walk(path.join(dir, 'node_modules'), true);
  return { packages, bytes };
}

/** `npm install` from the cache alone, and with `--prefer-offline` only if the cache lacks something. */
function offlineFirstInstall(dir: string, env: NodeJS.ProcessEnv): void {
  try {
    sh('npm', ['install', '--offline'], dir, env);
  } catch {
    sh('npm', ['install', '--prefer-offline'], dir, env);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timedMs(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const startedMs = performance.now();
  sh(command, args, cwd, env);
  return performance.now() - startedMs;
}

/**
 * Packs the built repository, installs it into fresh consumer folders and measures them.
 * Needs `npm run build` first (dist/ and assets/).
 *
 * @param synthRuns fresh synth processes per variant
 * @param log progress lines (stderr in `npm run bench`)
 */
export function measureConsumer(synthRuns = 3, log: (line: string) => void = () => {}): ConsumerMeasures {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-consumer-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    CDK_DOCKER: path.join(work, 'no-docker-here'),
    AWS_REGION: 'us-east-1',
  };
  try {
    const tarballName = sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], ROOT, env).trim().split('\n').pop();
    const tarball = path.join(work, tarballName ?? '');
    const pinned = (name: string) => MANIFEST.devDependencies[name];

    log('consumer: construct-only install of the tarball');
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: 'app',
        version: '0.0.0',
        private: true,
        dependencies: {
          'aws-cdk-lib': pinned('aws-cdk-lib'),
          constructs: pinned('constructs'),
          'batch-prediction-poller': `file:${tarball}`,
        },
      }),
    );
    offlineFirstInstall(app, env);
    const constructOnly = installFootprint(app);

    log('consumer: the former runtime dependencies');
    const former = path.join(work, 'former');
    fs.mkdirSync(former);
    fs.writeFileSync(
      path.join(former, 'package.json'),
      JSON.stringify({
        name: 'former',
        version: '0.0.0',
        private: true,
        dependencies: Object.fromEntries(FORMER_RUNTIME_DEPENDENCIES.map((name) => [name, pinned(name)])),
      }),
    );
    offlineFirstInstall(former, env);
    const formerDependencies = installFootprint(former);

    const stack = [
      "const { App, Duration, Stack } = require('aws-cdk-lib');",
      "const { BatchPredictionPoller } = require('batch-prediction-poller');",
      'const app = new App({ outdir: process.argv[2] });',
      "const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });",
      "new BatchPredictionPoller(stack, 'Poller');",
    ];
    fs.mkdirSync(path.join(app, 'bin'));
    fs.writeFileSync(path.join(app, 'bin', 'shipped.js'), [...stack, 'app.synth();'].join('\n'));
    // What the construct ran at synth before: NodejsFunction bundling of each handler with the
    // same esbuild options, through the repository's esbuild (on PATH) and lock file.
    const bundling = {
      externalModules: [],
      minify: true,
      sourceMap: false,
      format: 'cjs',
      mainFields: ['module', 'main'],
      target: 'node22',
      esbuildArgs: Object.fromEntries(Object.entries(SDK_RUNTIME_ALIASES).map(([from, to]) => [`--alias:${from}=${to}`, true])),
    };
    fs.writeFileSync(
      path.join(app, 'bin', 'bundling.js'),
      [
        ...stack,
        "const lambda = require('aws-cdk-lib/aws-lambda');",
        "const { NodejsFunction } = require('aws-cdk-lib/aws-lambda-nodejs');",
        `const sources = ${JSON.stringify(Object.fromEntries(LAMBDA_ENTRIES.map((entry) => [entry, path.join(ROOT, HANDLER_SOURCES[entry])])))};`,
        `for (const entry of ${JSON.stringify(LAMBDA_ENTRIES)}) new NodejsFunction(stack, 'Bundled-' + entry, {`,
        "  entry: sources[entry], handler: 'handler',",
        `  projectRoot: ${JSON.stringify(ROOT)}, depsLockFilePath: ${JSON.stringify(path.join(ROOT, 'package-lock.json'))},`,
        '  runtime: lambda.Runtime.NODEJS_24_X, architecture: lambda.Architecture.ARM_64,',
        `  bundling: ${JSON.stringify(bundling)},`,
        '});',
        'app.synth();',
      ].join('\n'),
    );
    const bundlingEnv = { ...env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${env.PATH ?? ''}` };
    log(`consumer: cdk synth, shipped bundles vs bundling at synth, ${synthRuns} fresh processes each, interleaved`);
    const shipped: number[] = [];
    const bundled: number[] = [];
    for (let i = 0; i <= synthRuns; i++) {
      const out = (name: string) => fs.mkdtempSync(path.join(work, `${name}-`));
      const a = timedMs('node', ['bin/shipped.js', out('shipped')], app, env);
      const b = timedMs('node', ['bin/bundling.js', out('bundling')], app, bundlingEnv);
      // The first pair warms the file cache and is not counted.
      if (i > 0) {
        shipped.push(a);
        bundled.push(b);
      }
    }
    return {
      synthRuns,
      synthShippedMs: median(shipped),
      synthBundlingMs: median(bundled),
      constructOnly,
      formerDependencies,
      tarballBytes: fs.statSync(tarball).size,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The bench table's rows for {@link ConsumerMeasures}. */
export function consumerRows(m: ConsumerMeasures): string[][] {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  return [
    [
      `consumer synth (node bin/app.js, median of ${m.synthRuns})`,
      `${m.synthShippedMs.toFixed(0)} ms with the shipped bundles`,
      `${m.synthBundlingMs.toFixed(0)} ms bundling at synth`,
      '',
    ],
    [
      'construct-only install (tarball + aws-cdk-lib + constructs)',
      `${m.constructOnly.packages} packages, ${mb(m.constructOnly.bytes)}`,
      `${m.formerDependencies.packages} packages, ${mb(m.formerDependencies.bytes)} (former runtime dependencies)`,
      '',
    ],
    ['packed tarball', `${(m.tarballBytes / 1024).toFixed(0)} KiB`, '', ''],
  ];
}

if (require.main === module) {
  const measures = measureConsumer(Number(process.argv[2] ?? 3), (line) => process.stderr.write(`${line}\n`));
  console.log(JSON.stringify(measures, null, 2));
}
