import * as fs from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs as parseArgv } from 'node:util';
import { DEMO_SCENARIO } from '../scenarios/demo-scenario';
import { parseEventPattern } from '../core/event-pattern-compiler';
import { matchesEventPattern } from '../core/event-pattern-matcher';
import { type EventPattern, EventPatternError } from '../core/event-pattern-model';
import { LocalRuntime, type LocalRuntimeOptions, type RunResult } from '../runtime/runtime';
import { type Scenario, ScenarioError, parseScenario } from '../scenarios/scenario';
import {
  ServedTimeline,
  formatExecutions,
  formatOffset,
  formatTimeline,
  idColumnWidth,
  pollerEventSource,
  timelineLines,
} from './timeline';
import { startServeEndpoint } from './serve';
import { UsageError } from '../../lib/contract/usage-error';
import { DEFAULT_SERVE_PORT, DEFAULT_SERVE_SPEED, LOCAL_RUNTIME_OPTIONS, localRuntimeHelp } from '../../lib/contract/local-runtime-command';

// The SDK warns once per process on Node 20 that future releases need Node 22; not news here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `--serve` cannot listen on its port: one line naming the port and the fix, exit code 1. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `port ${port} on 127.0.0.1 is already in use (another npm start -- --serve?): stop what listens there, or choose another port with --port P (--port 0 picks a free one)`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Fails fast, before the seconds of synthesis, if `--serve` could not listen on `port`.
 * @throws PortInUseError
 */
export async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
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
  /** Long-running mode: keep the stand-ins up on one endpoint, simulated time `speed` × real time. */
  readonly serve?: { readonly speed: number; readonly port: number };
}

const OPTIONS = LOCAL_RUNTIME_OPTIONS;

type OptionName = keyof typeof OPTIONS;

const isOptionName = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

/**
 * Parses `argv` (after `npm start --`). `node:util` `parseArgs` splits it into tokens (`--flag value`,
 * `--flag=value`, `-h`); it runs non-strict so that each mistake gets this CLI's own one-line message
 * naming the argument and the fix rather than Node's.
 * @throws UsageError, ScenarioError, EventPatternError
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const { tokens } = parseArgv({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string> = {};
  const rules: { file: string; pattern: EventPattern }[] = [];
  const switches = new Set<OptionName>();
  for (const token of tokens) {
    const arg = argv[token.index];
    if (token.kind !== 'option' || !isOptionName(token.name))
      throw new UsageError(`unknown option ${JSON.stringify(arg)}; run npm start -- --help`);
    const flag = `--${token.name}`;
    if (OPTIONS[token.name].type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value, got ${JSON.stringify(arg)}; write ${flag} alone`);
      switches.add(token.name);
      continue;
    }
    if (token.value === undefined || token.value === '') throw new UsageError(`${flag} needs a value`);
    // `--scenario --verbose` is a forgotten value, not a file named "--verbose" (Node's strict mode
    // calls it ambiguous); a value that does start with "--" can still be given inline.
    if (!token.inlineValue && token.value.startsWith('--'))
      throw new UsageError(
        `${flag} needs a value, got the option ${token.value}; for a value starting with "--" write ${flag}=${token.value}`,
      );
    if (token.name === 'rule') rules.push({ file: token.value, pattern: parseEventPattern(readText(token.value, 'rule pattern')) });
    else values[flag] = token.value;
  }
  const verbose = switches.has('verbose');
  const help = switches.has('help');
  const serve = switches.has('serve');
  if (!serve) {
    const servingOnly = ['--speed', '--port'].filter((flag) => values[flag] !== undefined);
    if (servingOnly.length > 0)
      throw new UsageError(
        `${servingOnly.join(' and ')} only ${servingOnly.length === 1 ? 'applies' : 'apply'} with --serve: npm start -- --serve ${servingOnly.map((f) => `${f} ${values[f]}`).join(' ')}`,
      );
  } else {
    // A served run never ends, so there is no final history or summary to write: say so rather than ignore the flag.
    for (const flag of ['--history-out', '--summary-out']) {
      if (values[flag] !== undefined)
        throw new UsageError(
          `${flag} is not available with --serve (a served run does not end); read the history with npm run cli -- history ID`,
        );
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
    ...(serve
      ? { serve: { speed: positiveNumber('--speed', values['--speed'] ?? String(DEFAULT_SERVE_SPEED)), port: port(values['--port']) } }
      : {}),
  };
}

function positiveNumber(flag: string, raw: string): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0 && n <= 1_000_000))
    throw new UsageError(`${flag} must be a number above 0 (at most 1000000), got ${JSON.stringify(raw)}`);
  return n;
}

function port(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SERVE_PORT;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 0 && n <= 65535))
    throw new UsageError(`--port must be a port number from 0 to 65535, got ${JSON.stringify(raw)}`);
  return n;
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * The served timeline: returns a function that prints the events the buses accepted, in time order
 * ({@link ServedTimeline}: an event is printed once the clock has left its second; `flush` prints
 * all that is held), each once, with the template rules' deliveries, the rules put over the API
 * (PutRule) that matched it and the `--rule` patterns it matches; and that appends each event to
 * `eventsOut` as NDJSON as it is accepted (the file is started empty).
 */
export function servedTimeline(
  runtime: Pick<LocalRuntime, 'eventBridge' | 'clock' | 'deployment' | 'scenario'>,
  options: Pick<CliOptions, 'rules' | 'eventsOut'>,
  print: (line: string) => void,
): (flush?: boolean) => void {
  if (options.eventsOut !== undefined) fs.writeFileSync(options.eventsOut, '');
  const timelineOptions = {
    eventSource: pollerEventSource(runtime.deployment),
    idWidth: idColumnWidth(runtime.scenario.batchPredictions.map((bp) => bp.id)),
  };
  const timeline = new ServedTimeline(runtime.clock.startMs, timelineOptions);
  let written = 0;
  return (flush = false) => {
    const events = runtime.eventBridge.events;
    if (options.eventsOut !== undefined) {
      for (; written < events.length; written++) fs.appendFileSync(options.eventsOut, `${JSON.stringify(events[written].envelope)}\n`);
    }
    for (const event of timeline.due(events, runtime.clock.nowMs(), flush)) {
      for (const line of formatTimeline({ events: [event] }, runtime.clock.startMs, timelineOptions)) print(line);
      for (const name of event.putRuleMatches) print(`${' '.repeat(12)}↳ rule ${name} (put over the API) matched`);
      for (const rule of options.rules) {
        if (matchesEventPattern(rule.pattern, event.envelope)) print(`${' '.repeat(12)}↳ --rule ${rule.file} matched`);
      }
    }
  };
}

/**
 * `--serve`: one endpoint for every service, the scenario started, the sweeper sweeping, and each
 * event printed as it is delivered; until SIGINT/SIGTERM.
 */
async function serveForever(
  runtime: LocalRuntime,
  options: CliOptions,
  serve: { speed: number; port: number },
  print: (line: string) => void,
  cliCommand: string,
): Promise<number> {
  const { server, endpoint } = await startServeEndpoint(runtime, serve.port, runtime.clock).catch((error: NodeJS.ErrnoException) => {
    // Taken during synthesis, after the check.
    throw error.code === 'EADDRINUSE' ? new PortInUseError(serve.port) : error;
  });
  runtime.serve(serve.speed);
  print(
    `\nServing the local runtime on ${endpoint} (simulated time ×${serve.speed}, started ${new Date(runtime.clock.startMs).toISOString()})`,
  );
  print('Point the CLI at it, in another terminal:');
  print(
    `  export AWS_ENDPOINT_URL=${endpoint} AWS_REGION=${runtime.deployment.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
  );
  print(`  ${cliCommand} list`);
  print(`  ${cliCommand} watch ${runtime.scenario.batchPredictions[0]?.id ?? 'bp-1'}`);
  print(
    `Test a rule: aws events test-event-pattern --endpoint-url ${endpoint} ..., or put one (aws events put-rule) and see its matches here.`,
  );
  print('Press Ctrl-C to stop.\n');
  const printDue = servedTimeline(runtime, options, print);
  const ticker = setInterval(printDue, 250);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(ticker);
  printDue(true);
  server.close();
  await runtime.stop();
  return 0;
}

/** The `--summary-out` document. */
export function summaryDocument(result: RunResult): unknown {
  return {
    executions: result.executions,
    totals: result.totals,
    queues: result.queues.map(({ logicalId, name, messages }) => ({ logicalId, name, messages })),
  };
}

/**
 * What the installed package's CLI (`batch-prediction-poller simulate|serve`) supplies instead of a
 * clone: the deployment read from the template synthesized at build time, the handlers bundled
 * with it, and how its users run the operator CLI.
 */
export interface LocalCliOptions extends Pick<LocalRuntimeOptions, 'deployment' | 'loadHandlerModule'> {
  /** The operator CLI as the served mode's hints name it. @default 'npm run cli --' */
  readonly cliCommand?: string;
}

/** Runs the CLI; returns the exit code. Output goes through `print`. */
export async function main(
  argv: readonly string[],
  print: (line: string) => void = console.log,
  { cliCommand = 'npm run cli --', ...runtimeOptions }: LocalCliOptions = {},
): Promise<number> {
  const options = parseArgs(argv);
  if (options.help) {
    print(
      localRuntimeHelp(
        options.serve === undefined ? 'simulate' : 'serve',
        options.serve === undefined ? 'npm start --' : 'npm start -- --serve',
      ),
    );
    return 0;
  }
  const scenario: Scenario =
    options.scenarioFile === undefined ? DEMO_SCENARIO : parseScenario(readText(options.scenarioFile, 'scenario'), options.scenarioFile);
  if (options.serve !== undefined) await ensurePortFree(options.serve.port);
  print(
    `${runtimeOptions.deployment === undefined ? 'Synthesizing the stack and starting' : 'Starting'} the local runtime (simulated time, no AWS account)...`,
  );
  const runtime = await LocalRuntime.start(scenario, {
    ...runtimeOptions,
    logLevel: options.verbose ? 'INFO' : 'SILENT',
    // Served, simulated time starts now, so that times line up with the wall clock of other tools.
    ...(options.serve !== undefined ? { startTime: new Date().toISOString() } : {}),
  });
  if (options.serve !== undefined) return serveForever(runtime, options, options.serve, print, cliCommand);
  let result: RunResult;
  try {
    result = await runtime.run();
  } finally {
    await runtime.stop();
  }
  print(
    `\n${options.scenarioFile === undefined ? 'Built-in demo' : options.scenarioFile}: ${scenario.batchPredictions.length} batch prediction(s), starting ${new Date(runtime.clock.startMs).toISOString()}\n`,
  );
  for (const line of timelineLines(result, runtime)) print(line);
  print('\nExecutions:');
  for (const line of formatExecutions(result)) print(line);
  const t = result.totals;
  print(
    `\nTotals: ${t.executions} execution(s) (${t.succeeded} succeeded, ${t.failed} failed, ${t.timedOut} timed out), ${t.events} event(s), ${t.historyItems} history item(s), ${t.polls} poll(s), ${t.stateTransitions} state transitions, ${t.faultsInjected} fault(s) injected, ${formatOffset(t.simulatedSeconds)} simulated`,
  );
  for (const queue of result.queues.filter((q) => q.messages.length > 0)) {
    print(
      `\nQueue ${queue.logicalId}: ${queue.messages.length} message(s) (an alarm watches the dead-letter queue; --summary-out has the bodies)`,
    );
  }
  for (const rule of options.rules) {
    const matched = result.events.filter((e) => matchesEventPattern(rule.pattern, e.envelope));
    print(`\nRule ${rule.file}: ${matched.length} of ${result.events.length} event(s) match`);
    for (const e of matched) {
      const d = e.envelope.detail;
      print(
        `  ${e.envelope.time}  ${e.envelope['detail-type']}  ${d.batchPredictionId}  ${d.status ?? d.reason ?? ''}  event ${d.eventId}`,
      );
    }
  }
  const ndjson = (items: readonly unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + (items.length > 0 ? '\n' : '');
  if (options.eventsOut) fs.writeFileSync(options.eventsOut, ndjson(result.events.map((e) => e.envelope)));
  if (options.historyOut) fs.writeFileSync(options.historyOut, ndjson(result.history));
  if (options.summaryOut) fs.writeFileSync(options.summaryOut, `${JSON.stringify(summaryDocument(result), null, 2)}\n`);
  return 0;
}

/**
 * Prints what {@link main} threw as one line on stderr and returns the exit code: 2 for a mistake
 * in what the user gave (options, scenario, rule), 1 otherwise.
 */
export function reportFailure(error: Error): number {
  // Mistakes in what the user gave us get one line, never a stack trace.
  if (error instanceof UsageError || error instanceof ScenarioError || error instanceof EventPatternError) {
    console.error(`error: ${error.message}`);
    return 2;
  }
  console.error(error instanceof PortInUseError ? `error: ${error.message}` : `error: ${error.name}: ${error.message}`);
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => process.exit(reportFailure(error)),
  );
}
