/** The bench's command line. */
import * as os from 'node:os';
import { parseScriptArgs, wholeNumberFlag } from '../script-args';

/** What `npm run bench -- ...` asked for. */
export interface BenchOptions {
  /** Print one JSON object on stdout instead of the tables. */
  readonly json: boolean;
  /** Worker processes of the throughput run (default: one per CPU). */
  readonly workers: number;
  /** Concurrent jobs of the throughput run (default 1,000). */
  readonly jobs: number;
  /** Fresh node processes per bundle for the module-init medians (default 15). */
  readonly initRuns: number;
}

/** The usage line the errors end with. */
export const BENCH_USAGE = 'npm run bench -- [--json] [--workers N] [--jobs N] [--init-runs N]';

/** Parses the arguments after `npm run bench --`. @throws UsageError */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const args = parseScriptArgs(
    argv,
    { json: { type: 'boolean' }, workers: { type: 'string' }, jobs: { type: 'string' }, 'init-runs': { type: 'string' } },
    { usage: BENCH_USAGE },
  );
  return {
    json: args.present.has('json'),
    workers: wholeNumberFlag(args, 'workers', os.availableParallelism(), 1),
    jobs: wholeNumberFlag(args, 'jobs', 1000, 1),
    initRuns: wholeNumberFlag(args, 'init-runs', 15, 1),
  };
}
