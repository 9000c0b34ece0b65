/**
 * `npm run bench [-- --json] [--workers N] [--jobs N] [--init-runs N]` (`npm run -s bench -- --json`
 * keeps npm's own banner off stdout, leaving the one JSON object)
 *
 * Measures, side by side in one run, what the issue "Performance" asks for, and prints a table (or,
 * with `--json`, one JSON object on stdout; progress goes to stderr either way). One module per
 * measure:
 *
 * 1. `bundle-size.ts`, `cold-init.ts`: the poll function's bundle as `cdk synth` builds it
 *    (`scripts/build-lambda.ts`, the shipped `assets/lambda` file), its size and module init time, against the way `NodejsFunction` bundles
 *    by default (CommonJS, minified, SDK bundled): both built by CDK into temporary directories,
 *    both loaded by fresh `node` processes, interleaved, median of each.
 * 2. `reference-mix.ts`: a reference mix of jobs (5 min to 7 days, PENDING → INPROGRESS →
 *    COMPLETED) through the local runtime under the default (adaptive) policy and under a fixed
 *    30 s loop: state transitions and history events counted from the interpreter's event log, the
 *    calls the stand-ins answered, the history items written, the events published, the handler's
 *    duration (`simulation.ts`, in a worker process); priced with `scripts/pricing.ts`.
 *    `detection-delay.ts` checks every detection delay against the policy's bound.
 * 3. `throughput.ts`, `memory.ts`: 1,000 concurrent jobs through the full local stack (interpreter,
 *    real handlers and SDK clients, HTTP stand-ins, dynalite), sharded over one worker process per
 *    CPU core; polls per second and the workers' peak RSS.
 *
 * `report.ts` holds the targets and prints the figures; `machine-reference.ts` measures how fast the
 * machine was before and after. Every figure is measured in the run that prints it.
 */
import * as os from 'node:os';
import type { PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import { buildBundles } from './bundle-size';
import { type BundleFigures, measureBundles } from './cold-init';
import { benchCliStart } from './cli-start';
import { measureConsumer } from './consumer';
import { detectionFigures } from './detection-delay';
import { loopbackRoundTripMs } from './machine-reference';
import { peakRssMb } from './memory';
import { parseBenchOptions } from './options';

import { FIXED_INTERVAL_SECONDS, mixFigures, runReferenceMix } from './reference-mix';
import { buildReport, renderReport } from './report';
import { POLL_FACTORY } from './simulation';
import { runThroughput, throughputFigures } from './throughput';
import { UsageError } from '../../lib/contract/usage-error';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const benchStartMs = performance.now();
  const log = (line: string) => process.stderr.write(`[bench +${((performance.now() - benchStartMs) / 1000).toFixed(0)}s] ${line}\n`);
  const loadStart = os.loadavg()[0];
  const loopbackStartMs = loopbackRoundTripMs();

  // 1. Bundles and module init, first, while nothing else runs.
  log('bundling the poll function as `cdk synth` does, and the default-bundled baseline');
  const bundles = buildBundles();
  let bundle: BundleFigures;
  try {
    log(`module init: ${options.initRuns} fresh node processes each, interleaved`);
    bundle = measureBundles(bundles, options.initRuns);
  } finally {
    bundles.cleanup();
  }

  // 1b. The bundled CLI's --help start, while the machine is still quiet.
  log('CLI start: --help through the bin, against bare node, interleaved');
  const cliStart = await benchCliStart();

  // 1c. The consumer's side: synth with the shipped bundles vs bundling at synth, install footprint.
  const consumer = measureConsumer(3, log);

  // 2. The reference mix under both policies, in two workers at once.
  log('synthesizing the default (adaptive) and the fixed 30 s deployments');
  // Loaded only now: synthesis pulls in aws-cdk-lib, which the measures above do not need.
  const { synthesizeDeployment } = require('../../local/template/synthesis') as typeof import('../../local/template/synthesis');
  const adaptiveDeployment = synthesizeDeployment({});
  const fixedDeployment = synthesizeDeployment({ pollInterval: FIXED_INTERVAL_SECONDS });
  log('running the reference mix (5 min … 7 days) under both policies');
  const { adaptive, fixed } = await runReferenceMix(adaptiveDeployment, fixedDeployment);

  // 3. Throughput: the jobs sharded over the workers, started together.
  log(`throughput: ${options.jobs} concurrent jobs over ${options.workers} worker process(es)`);
  const shards = await runThroughput(adaptiveDeployment, options.jobs, options.workers);
  const loadEnd = os.loadavg()[0];
  const loopbackEndMs = loopbackRoundTripMs();

  const adaptivePolicy = JSON.parse(
    adaptiveDeployment.functions.find((f) => f.factory === POLL_FACTORY)?.environment.POLLER_POLL_INTERVAL_POLICY ?? '{}',
  ) as PollIntervalPolicy;
  const measures = {
    options,
    bundle,
    consumer,
    cliStart,
    adaptive,
    fixed,
    mix: mixFigures(adaptive, fixed),
    detection: detectionFigures([adaptive.detection, ...shards.map((s) => s.detection)], adaptivePolicy),
    shards,
    throughput: throughputFigures(shards),
    peakRssMb: peakRssMb(shards),
    loadAverage: { start: loadStart, end: loadEnd },
    loopbackMs: { start: loopbackStartMs, end: loopbackEndMs },
    benchStartMs,
  };
  const result = buildReport(measures);
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderReport(result, measures));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    // A mistake on the command line needs its message, not a stack trace.
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
