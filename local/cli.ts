import * as fs from 'node:fs';
import { DEMO_SCENARIO } from './demo-scenario';
import { EventPattern, EventPatternError, matchesEventPattern, parseEventPattern } from './event-pattern';
import { LocalRuntime, RunResult } from './runtime';
import { Scenario, ScenarioError, parseScenario } from './scenario';
import { formatExecutions, formatOffset, formatTimeline } from './timeline';

// The SDK warns once per process on Node 20 that future releases need Node 22; not news here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A command-line mistake: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parsed command-line options of `npm start`. */
export interface CliOptions {
  readonly scenarioFile?: string;
  readonly eventsOut?: string;
  readonly historyOut?: string;
  readonly summaryOut?: string;
  readonly rules: readonly { file: string; pattern: EventPattern }[];
  readonly verbose: boolean;
  readonly help: boolean;
}

const USAGE = `Usage: npm start -- [--scenario FILE] [--events-out F] [--history-out F] [--summary-out F] [--rule PATTERN.json]... [--verbose]

Runs the synthesized batch-prediction poller locally on simulated time. Without --scenario it runs
the built-in demo. See README.md, "Local runtime".`;

/** Parses `argv` (after `npm start --`). @throws UsageError, ScenarioError, EventPatternError */
export function parseArgs(argv: readonly string[]): CliOptions {
  const values: Record<string, string> = {};
  const rules: { file: string; pattern: EventPattern }[] = [];
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--scenario':
      case '--events-out':
      case '--history-out':
      case '--summary-out':
        values[flag] = value();
        break;
      case '--rule': {
        const file = value();
        rules.push({ file, pattern: parseEventPattern(readText(file, 'rule pattern')) });
        break;
      }
      case '--verbose':
        verbose = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}; run npm start -- --help`);
    }
  }
  return {
    scenarioFile: values['--scenario'],
    eventsOut: values['--events-out'],
    historyOut: values['--history-out'],
    summaryOut: values['--summary-out'],
    rules,
    verbose,
    help,
  };
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The `--summary-out` document. */
export function summaryDocument(result: RunResult): unknown {
  return { executions: result.executions, totals: result.totals };
}

/** Runs the CLI; returns the exit code. Output goes through `print`. */
export async function main(argv: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  const options = parseArgs(argv);
  if (options.help) {
    print(USAGE);
    return 0;
  }
  const scenario: Scenario = options.scenarioFile === undefined ? DEMO_SCENARIO : parseScenario(readText(options.scenarioFile, 'scenario'), options.scenarioFile);
  print(`Synthesizing the stack and starting the local runtime (simulated time, no AWS account)...`);
  const runtime = await LocalRuntime.start(scenario, { logLevel: options.verbose ? 'INFO' : 'SILENT' });
  let result: RunResult;
  try {
    result = await runtime.run();
  } finally {
    runtime.stop();
    await LocalRuntime.shutdown();
  }
  print(`\n${options.scenarioFile === undefined ? 'Built-in demo' : options.scenarioFile}: ${scenario.batchPredictions.length} batch prediction(s), starting ${new Date(runtime.clock.startMs).toISOString()}\n`);
  for (const line of formatTimeline(result, runtime.clock.startMs)) print(line);
  print('\nExecutions:');
  for (const line of formatExecutions(result)) print(line);
  const t = result.totals;
  print(
    `\nTotals: ${t.executions} execution(s) (${t.succeeded} succeeded, ${t.failed} failed, ${t.timedOut} timed out), ${t.events} event(s), ${t.historyItems} history item(s), ${t.polls} poll(s), ${t.stateTransitions} state transitions, ${t.faultsInjected} fault(s) injected, ${formatOffset(t.simulatedSeconds)} simulated`,
  );
  for (const rule of options.rules) {
    const matched = result.events.filter((e) => matchesEventPattern(rule.pattern, e.envelope));
    print(`\nRule ${rule.file}: ${matched.length} of ${result.events.length} event(s) match`);
    for (const e of matched) {
      const d = e.envelope.detail;
      print(`  ${e.envelope.time}  ${e.envelope['detail-type']}  ${d.batchPredictionId}  ${d.status ?? d.reason ?? ''}  event ${d.eventId}`);
    }
  }
  const ndjson = (items: readonly unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + (items.length > 0 ? '\n' : '');
  if (options.eventsOut) fs.writeFileSync(options.eventsOut, ndjson(result.events.map((e) => e.envelope)));
  if (options.historyOut) fs.writeFileSync(options.historyOut, ndjson(result.history));
  if (options.summaryOut) fs.writeFileSync(options.summaryOut, JSON.stringify(summaryDocument(result), null, 2) + '\n');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      // Mistakes in what the user gave us get one line, never a stack trace.
      if (error instanceof UsageError || error instanceof ScenarioError || error instanceof EventPatternError) {
        console.error(`error: ${error.message}`);
        process.exit(2);
      }
      console.error(`error: ${error.name}: ${error.message}`);
      process.exit(1);
    },
  );
}
