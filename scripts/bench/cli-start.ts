/**
 * The CLI's start time: `batch-prediction-poller --help` through the package's `bin`
 * (bin/batch-prediction-poller.js → assets/cli/cli.js, built fresh), wall time of fresh `node`
 * processes, median of `runs`, against the 150 ms target. A bare `node -e 0` is spawned
 * back-to-back with each run: on a shared machine most of the figure is Node's own start, and the
 * baseline says how much.
 *
 * Run alone: `npx tsx scripts/bench/cli-start.ts [runs]`; `npm run bench` includes it.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildCli } from '../build-cli';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'batch-prediction-poller.js');

/** The target for `--help` (issue 11). */
export const CLI_HELP_TARGET_MS = 150;

/** What {@link benchCliStart} measured. */
export interface CliStartFigures {
  readonly runs: number;
  /** Median wall time of `node bin/batch-prediction-poller.js --help`. */
  readonly helpMedianMs: number;
  /** Median wall time of `node -e 0`, spawned back-to-back with each of the above. */
  readonly nodeBaselineMedianMs: number;
  /** Median of (help − baseline) over the back-to-back pairs: what the CLI adds to Node's start. */
  readonly overheadMedianMs: number;
  readonly targetMs: number;
  readonly met: boolean;
  /** Size of assets/cli/cli.js, the one file `--help` loads. */
  readonly entryBundleBytes: number;
}

function wallMs(args: readonly string[]): number {
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Builds the CLI and measures its `--help` start, `runs` times (after one warm-up of each). */
export async function benchCliStart(runs = 21): Promise<CliStartFigures> {
  await buildCli();
  const fs = await import('node:fs');
  const entryBundleBytes = fs.statSync(path.join(ROOT, 'assets', 'cli', 'cli.js')).size;
  wallMs([BIN, '--help']);
  wallMs(['-e', '0']);
  const help: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    help.push(wallMs([BIN, '--help']));
    bare.push(wallMs(['-e', '0']));
  }
  const helpMedianMs = median(help);
  return {
    runs,
    helpMedianMs: round(helpMedianMs),
    nodeBaselineMedianMs: round(median(bare)),
    overheadMedianMs: round(median(help.map((h, i) => h - bare[i]))),
    targetMs: CLI_HELP_TARGET_MS,
    met: helpMedianMs < CLI_HELP_TARGET_MS,
    entryBundleBytes,
  };
}

/** The figures as lines for the bench's text report. */
export function cliStartLines(figures: CliStartFigures): string[] {
  return [
    `CLI start (batch-prediction-poller --help, median of ${figures.runs} fresh node processes): ${figures.helpMedianMs} ms, target < ${figures.targetMs} ms: ${figures.met ? 'yes' : 'NO'}`,
    `  bare node -e 0 back-to-back: ${figures.nodeBaselineMedianMs} ms; the CLI adds ${figures.overheadMedianMs} ms (median of the pairs); assets/cli/cli.js ${figures.entryBundleBytes} bytes`,
  ];
}

if (require.main === module) {
  const runs = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  benchCliStart(runs).then(
    (figures) => process.stdout.write(`${[...cliStartLines(figures), JSON.stringify(figures)].join('\n')}\n`),
    (error: Error) => {
      process.stderr.write(`bench-cli failed: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
