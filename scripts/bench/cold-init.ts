/**
 * Cold init: how long a fresh `node` process takes to load the poll bundle and the baseline, both
 * loaded interleaved, the median of each and of the back-to-back ratios.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bundles } from './bundle-size';
import { measureInFreshNode } from './fresh-node';
import { median } from './statistics';

/** Milliseconds a fresh `node` process takes to load `file` (require, or import for ES modules). */
export function timeModuleInit(file: string): number {
  const load = file.endsWith('.mjs')
    ? `import(${JSON.stringify(pathToFileURL(file).href)}).then(done)`
    : `require(${JSON.stringify(file)}); done();`;
  const script = `const t0 = performance.now(); function done() { process.stdout.write('RESULT ' + (performance.now() - t0)); } ${load}`;
  // As bare as a Lambda container: no NODE_OPTIONS, no loaders, dummy region and credentials.
  return measureInFreshNode<number>(`loading ${file}`, script, {
    cwd: path.dirname(file),
    env: { AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
}

/** The bundles' sizes and load times. */
export interface BundleFigures {
  readonly bundleBytes: number;
  readonly baselineBytes: number;
  /** The poll bundle's extension: `.mjs` for an ES module. */
  readonly format: string;
  readonly runtime: string;
  readonly initMs: number;
  readonly baselineInitMs: number;
  readonly initRatio: number;
  readonly initMinMs: number;
  readonly baselineInitMinMs: number;
}

/** Measures both bundles' size, and their load time over `runs` interleaved pairs (after one warm-up each). */
export function measureBundles(bundles: Bundles, runs: number): BundleFigures {
  const bundleBytes = fs.statSync(bundles.pollFile).size;
  const baselineBytes = fs.statSync(bundles.baselineFile).size;
  timeModuleInit(bundles.pollFile);
  timeModuleInit(bundles.baselineFile);
  const initTimes: number[] = [];
  const baselineTimes: number[] = [];
  const pairRatios: number[] = [];
  for (let i = 0; i < runs; i++) {
    initTimes.push(timeModuleInit(bundles.pollFile));
    baselineTimes.push(timeModuleInit(bundles.baselineFile));
    pairRatios.push(initTimes[i] / baselineTimes[i]);
  }
  return {
    bundleBytes,
    baselineBytes,
    format: path.extname(bundles.pollFile),
    runtime: bundles.runtime,
    initMs: median(initTimes),
    baselineInitMs: median(baselineTimes),
    // Each pair is measured back to back, so its ratio holds while a shared machine's speed drifts
    // between pairs (the two medians alone moved the ratio between 0.31 and 0.44 across runs).
    initRatio: median(pairRatios),
    initMinMs: Math.min(...initTimes),
    baselineInitMinMs: Math.min(...baselineTimes),
  };
}
