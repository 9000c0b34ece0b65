/** The bench's targets, its JSON report, and the tables it prints without `--json`. */
import { type CliStartFigures, cliStartLines } from './cli-start';
import { type ConsumerMeasures, consumerRows } from './consumer';
import * as os from 'node:os';
import { PRICES_USD } from '../pricing';
import type { BundleFigures } from './cold-init';
import { type DetectionFigures, LATENCY_ALLOWANCE_SECONDS } from './detection-delay';
import type { BenchOptions } from './options';
import type { MixFigures } from './reference-mix';
import type { SimulationSummary } from './simulation';
import { percentile, round } from './statistics';
import type { ThroughputFigures } from './throughput';

/** The performance targets. */
export const TARGETS = {
  transitionsRatio: 0.125,
  maxHistoryEvents: 20_000,
  bundleBytes: 450 * 1024,
  initRatio: 0.4,
  pollsPerSecond: 2000,
  peakRssMb: 1024,
};

/** Everything the bench measured, as the report needs it. */
export interface Measures {
  readonly options: BenchOptions;
  readonly bundle: BundleFigures;
  /** The consumer's side (scripts/bench/consumer.ts). */
  readonly consumer: ConsumerMeasures;
  /** The bundled CLI's `--help` start (scripts/bench/cli-start.ts). */
  readonly cliStart: CliStartFigures;
  readonly adaptive: SimulationSummary;
  readonly fixed: SimulationSummary;
  readonly mix: MixFigures;
  readonly detection: DetectionFigures;
  readonly shards: readonly SimulationSummary[];
  readonly throughput: ThroughputFigures;
  readonly peakRssMb: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly loopbackMs: { readonly start: number; readonly end: number };
  /** When the bench started, from `performance.now()`. */
  readonly benchStartMs: number;
}

/** The JSON report (`npm run -s bench -- --json`). */
export function buildReport(m: Measures) {
  const { options, bundle, adaptive, fixed, mix, detection, shards, throughput } = m;
  const policy = detection.policy;
  const jobsInMix = mix.jobs.length;
  return {
    consumer: m.consumer,
    cliStart: m.cliStart,
    transitionsRatio: round(mix.transitionsRatio, 4),
    stateTransitions: { adaptive: adaptive.totals.stateTransitions, fixed30s: fixed.totals.stateTransitions },
    costPerJobUsd: { adaptive: mix.costAdaptive.total, fixed30s: mix.costFixed.total },
    costPerJobByServiceUsd: { adaptive: mix.costAdaptive, fixed30s: mix.costFixed },
    usagePerMix: { adaptive: { ...adaptive.usage, ...adaptive.usageNotes }, fixed30s: { ...fixed.usage, ...fixed.usageNotes } },
    prices: PRICES_USD,
    baselineFailsAtHours: round(mix.baselineFailsAtHours, 1),
    historyEventsPerPoll: round(mix.fit.b, 3),
    historyEventsPerExecutionOverhead: round(mix.fit.a, 1),
    maxHistoryEventsPerExecution: adaptive.totals.maxHistoryEventsPerExecution,
    maxHistoryEventsPerExecutionFixed30s: fixed.totals.maxHistoryEventsPerExecution,
    detectionDelayP99Seconds: round(percentile(detection.delays, 99), 1),
    detectionDelayMaxSeconds: round(Math.max(...detection.delays), 1),
    detectionDelayBoundSeconds: detection.capBoundSeconds,
    detectionDelayBound: `each change observed within min(${policy.kind === 'adaptive' ? policy.maxSeconds : '-'} s, max(${policy.kind === 'adaptive' ? policy.initialSeconds : '-'} s, 10 % of the time since the previous transition)) + ${LATENCY_ALLOWANCE_SECONDS} s, so at most ${detection.capBoundSeconds} s`,
    detectionDelayChecked: detection.delays.length,
    detectionDelayViolations: detection.violations,
    bundleBytes: bundle.bundleBytes,
    baselineBundleBytes: bundle.baselineBytes,
    bundleFormat: bundle.format,
    initMs: round(bundle.initMs, 1),
    baselineInitMs: round(bundle.baselineInitMs, 1),
    initRatio: round(bundle.initRatio, 3),
    initRatioOfMedians: round(bundle.initMs / bundle.baselineInitMs, 3),
    initMinMs: round(bundle.initMinMs, 1),
    baselineInitMinMs: round(bundle.baselineInitMinMs, 1),
    initRuns: options.initRuns,
    pollsPerSecond: round(throughput.pollsPerSecond, 0),
    peakRssMb: round(m.peakRssMb, 0),
    throughput: {
      jobs: options.jobs,
      workers: options.workers,
      polls: throughput.polls,
      wallSeconds: round(throughput.wallSeconds, 1),
      cpuMsPerPoll: round(shards.reduce((a, s) => a + s.cpuMs, 0) / throughput.polls, 3),
      allSucceeded: throughput.allSucceeded,
      perWorker: shards.map((s) => ({
        jobs: s.totals.executions,
        polls: s.totals.polls,
        wallSeconds: round((s.wall.endMs - s.wall.startMs) / 1000, 1),
        cpuSeconds: round(s.cpuMs / 1000, 1),
        maxRssMb: round(s.maxRssMb, 0),
      })),
    },
    referenceMix: mix.jobs,
    targets: {
      transitionsRatio: { target: `<= ${TARGETS.transitionsRatio}`, met: mix.transitionsRatio <= TARGETS.transitionsRatio },
      maxHistoryEventsPerExecution: {
        target: `< ${TARGETS.maxHistoryEvents}`,
        met: adaptive.totals.maxHistoryEventsPerExecution < TARGETS.maxHistoryEvents,
      },
      detectionDelay: { target: 'every delay within its bound', met: detection.violations === 0 },
      bundleBytes: { target: `<= ${TARGETS.bundleBytes} (450 KiB)`, met: bundle.bundleBytes <= TARGETS.bundleBytes },
      initRatio: { target: `<= ${TARGETS.initRatio}`, met: bundle.initRatio <= TARGETS.initRatio },
      pollsPerSecond: { target: `>= ${TARGETS.pollsPerSecond}`, met: throughput.pollsPerSecond >= TARGETS.pollsPerSecond },
      peakRssMb: { target: `<= ${TARGETS.peakRssMb}`, met: m.peakRssMb <= TARGETS.peakRssMb },
    },
    notes: [
      `costPerJobUsd: the reference mix's measured usage priced with scripts/pricing.ts, divided by its ${jobsInMix} jobs; the scheduled sweeper's invocations are left out (they do not depend on the policy)`,
      'Lambda GB-s: poll-handler durations measured in the local runtime, rounded up to 1 ms each; on AWS the calls to Amazon ML and DynamoDB take longer',
      'DynamoDB reads: only a retried poll (or one in a redriven execution) reads the next transition key; the reference mix has no faults, so it makes none',
      `pollsPerSecond: all ${options.jobs} jobs start together, sharded over ${options.workers} worker process(es), each a full local stack; polls / (last end − first start)`,
      "peakRssMb: the sum of the workers' peak resident set sizes",
      'initMs: median time for a fresh node process to load the bundle (require), bundle and baseline interleaved; initRatio: median of the ratios of each back-to-back pair (initRatioOfMedians: the ratio of the two medians)',
      'environment.loopbackHttpRoundTripMs: a bare Node HTTP round trip on loopback, measured before the bench and after the throughput run; real-time figures scale with it on a shared machine',
    ],
    environment: {
      node: process.version,
      cpus: os.availableParallelism(),
      loadAverageStart: round(m.loadAverage.start, 2),
      loadAverageEnd: round(m.loadAverage.end, 2),
      loopbackHttpRoundTripMs: { start: round(m.loopbackMs.start, 4), end: round(m.loopbackMs.end, 4) },
    },
    benchSeconds: round((performance.now() - m.benchStartMs) / 1000, 0),
  };
}

/** The JSON report's shape. */
export type BenchReport = ReturnType<typeof buildReport>;

/** Rows as columns: the first left-aligned, the others right-aligned. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}

/** The text report: the reference mix, the cost per job, and every figure against its target. */
export function renderReport(result: BenchReport, m: Measures): string {
  const { adaptive, fixed, mix, detection, options } = m;
  const yes = (met: boolean) => (met ? 'yes' : 'NO');
  const lines: string[] = [];
  lines.push('Batch prediction poller benchmark', '');
  lines.push('Reference mix (PENDING → INPROGRESS at 10 % → COMPLETED), one job each:');
  lines.push(
    ...table([
      [
        'job',
        'adaptive polls',
        'adaptive transitions',
        'fixed 30 s polls',
        'fixed 30 s transitions',
        'ratio',
        'max history events/exec (adaptive / fixed)',
      ],
      ...mix.jobs.map((j) => [
        j.job,
        String(j.adaptive.polls),
        String(j.adaptive.stateTransitions),
        String(j.fixed30s.polls),
        String(j.fixed30s.stateTransitions),
        (j.adaptive.stateTransitions / j.fixed30s.stateTransitions).toFixed(3),
        `${j.adaptive.maxHistoryEventsPerExecution} / ${j.fixed30s.maxHistoryEventsPerExecution}`,
      ]),
      [
        'total',
        String(adaptive.totals.polls),
        String(adaptive.totals.stateTransitions),
        String(fixed.totals.polls),
        String(fixed.totals.stateTransitions),
        mix.transitionsRatio.toFixed(3),
        '',
      ],
    ]),
  );
  lines.push('', 'Cost per job of the mix (USD, us-east-1 list prices from scripts/pricing.ts):');
  lines.push(
    ...table([
      ['policy', 'Step Functions', 'Lambda', 'DynamoDB', 'EventBridge', 'total'],
      ...(['adaptive', 'fixed30s'] as const).map((k) => {
        const c = result.costPerJobByServiceUsd[k];
        return [
          k === 'adaptive' ? 'adaptive (default)' : 'fixed 30 s',
          `$${c.stepFunctions}`,
          `$${c.lambda}`,
          `$${c.dynamoDb}`,
          `$${c.eventBridge}`,
          `$${c.total}`,
        ];
      }),
    ]),
  );
  lines.push('', 'Figures:');
  lines.push(
    ...table([
      ['figure', 'measured', 'target', 'met'],
      [
        'transitionsRatio (adaptive / fixed 30 s)',
        String(result.transitionsRatio),
        `<= ${TARGETS.transitionsRatio}`,
        yes(result.targets.transitionsRatio.met),
      ],
      ['costPerJobUsd adaptive / fixed 30 s', `$${result.costPerJobUsd.adaptive} / $${result.costPerJobUsd.fixed30s}`, '', ''],
      [
        'baselineFailsAtHours (fixed 30 s, no continue-as-new)',
        `${result.baselineFailsAtHours} h (${result.historyEventsPerPoll} events/poll)`,
        '',
        '',
      ],
      [
        'maxHistoryEventsPerExecution (adaptive)',
        String(result.maxHistoryEventsPerExecution),
        `< ${TARGETS.maxHistoryEvents}`,
        yes(result.targets.maxHistoryEventsPerExecution.met),
      ],
      [
        'detectionDelayP99Seconds / max',
        `${result.detectionDelayP99Seconds} s / ${result.detectionDelayMaxSeconds} s (${detection.delays.length} changes)`,
        `per-change bound, <= ${detection.capBoundSeconds} s`,
        yes(detection.violations === 0),
      ],
      [
        'bundleBytes (baseline)',
        `${result.bundleBytes} (${result.baselineBundleBytes})`,
        `<= ${TARGETS.bundleBytes}`,
        yes(result.targets.bundleBytes.met),
      ],
      ['initMs / baselineInitMs (median)', `${result.initMs} / ${result.baselineInitMs} ms`, '', ''],
      [
        'initRatio (median of back-to-back pairs; of medians)',
        `${result.initRatio}; ${result.initRatioOfMedians}`,
        `<= ${TARGETS.initRatio}`,
        yes(result.targets.initRatio.met),
      ],
      [
        `pollsPerSecond (${options.jobs} jobs, ${options.workers} workers)`,
        `${result.pollsPerSecond} (${result.throughput.polls} polls in ${result.throughput.wallSeconds} s)`,
        `>= ${TARGETS.pollsPerSecond}`,
        yes(result.targets.pollsPerSecond.met),
      ],
      ['peakRssMb (sum over workers)', String(result.peakRssMb), `<= ${TARGETS.peakRssMb}`, yes(result.targets.peakRssMb.met)],
    ]),
  );
  lines.push(
    '',
    'Consumer (the packed tarball; scripts/bench/consumer.ts):',
    ...table([['figure', 'now', 'before', ''], ...consumerRows(m.consumer)]),
  );
  lines.push('', ...cliStartLines(m.cliStart));
  lines.push(
    '',
    `Node ${process.version}, ${os.availableParallelism()} CPU(s), load average ${result.environment.loadAverageStart} → ${result.environment.loadAverageEnd}; ${result.benchSeconds} s.`,
  );
  lines.push(
    `Machine reference (bare Node loopback HTTP round trip): ${result.environment.loopbackHttpRoundTripMs.start} ms before, ${result.environment.loopbackHttpRoundTripMs.end} ms after the throughput run; real-time figures scale with it.`,
  );
  return `${lines.join('\n')}\n`;
}
