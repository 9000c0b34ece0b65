/**
 * The property test's model at scale: random status timelines × random fault schedules through the
 * local runtime, seeded, in batches of jobs per runtime. Prints what subscribers would have seen.
 *
 *   npm run soak -- [--jobs N] [--seed S] [--batch B]
 *
 * Exit code 1 if any job lost, reordered or misrecorded a transition, or any run failed.
 */
import fc from 'fast-check';
import { synthesizeDeployment } from '../../local/template/synthesis';

import { parseScriptArgs, wholeNumberFlag } from '../script-args';
import { type DeliveryFigures, addFigures, emptyFigures, jobArbitrary, runAndCheck } from './delivery-model';
import { UsageError } from '../../lib/contract/usage-error';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The usage line the errors end with. */
const SOAK_USAGE = 'npm run soak -- [--jobs N] [--seed S] [--batch B]';

/** Parses the arguments after `npm run soak --`. @throws UsageError */
function parseSoakOptions(argv: readonly string[]): { jobs: number; seed: number; batch: number } {
  const args = parseScriptArgs(
    argv,
    { jobs: { type: 'string' }, seed: { type: 'string' }, batch: { type: 'string' } },
    { usage: SOAK_USAGE },
  );
  return {
    jobs: wholeNumberFlag(args, 'jobs', 10_000, 1),
    seed: wholeNumberFlag(args, 'seed', 1, 0),
    batch: wholeNumberFlag(args, 'batch', 200, 1),
  };
}

async function main(): Promise<number> {
  const { jobs, seed, batch } = parseSoakOptions(process.argv.slice(2));
  const started = Date.now();
  const deployment = synthesizeDeployment();
  // One seeded sample: the same --jobs and --seed always give the same jobs.
  const specs = fc.sample(jobArbitrary, { numRuns: jobs, seed });
  let totals: DeliveryFigures = emptyFigures();
  const problems: string[] = [];
  for (let offset = 0; offset < specs.length; offset += batch) {
    const check = await runAndCheck(deployment, specs.slice(offset, offset + batch), `soak${seed}-${offset / batch}`);
    totals = addFigures(totals, check);
    problems.push(...check.problems);
    process.stderr.write(`\r${totals.jobs}/${jobs} jobs, ${problems.length} problem(s), ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  const lines = [
    `property soak: seed ${seed}, ${batch} jobs per local runtime run, retries wait their backoff on the virtual clock`,
    `jobs                     ${totals.jobs}`,
    `faults injected          ${totals.faultsInjected}`,
    `transitions              ${totals.transitions}`,
    `events delivered         ${totals.eventsDelivered}`,
    `duplicates delivered     ${totals.duplicates}  (same eventId delivered again; subscribers dedupe)`,
    `lost                     ${totals.lost}  (transitions without an event)`,
    `unexpected events        ${totals.unexpected}`,
    `sequence errors          ${totals.sequenceErrors}  (jobs whose events are not the observed sequence)`,
    `history mismatches       ${totals.historyMismatches}`,
    `failed runs              ${totals.failedRuns}`,
    `wall time                ${seconds.toFixed(1)} s`,
  ];
  for (const line of lines) console.log(line);
  for (const problem of problems.slice(0, 20)) console.log(`  problem: ${problem}`);
  const bad = totals.lost + totals.unexpected + totals.sequenceErrors + totals.historyMismatches + totals.failedRuns;
  return bad === 0 && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    // A usage error needs its message; anything else its stack too.
    console.error(`error: ${error instanceof UsageError ? error.message : (error.stack ?? error.message)}`);
    process.exit(2);
  },
);
