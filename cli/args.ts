/**
 * The command line of `batch-prediction-poller`: parsing and help texts. Parsing never touches
 * AWS; every mistake is a {@link UsageError} (exit code 2).
 */
import { type ParseArgsConfig, parseArgs as parseArgTokens } from 'node:util';
// Imports nothing that loads the SDK (stack-resources does): the bundled CLI prints help with this
// module alone, before it loads the commands and their clients.
import { ALL_STATUSES, BATCH_PREDICTION_ID_PATTERN, type BatchPredictionStatus, isBatchPredictionStatus } from '../lib/contract/events';
import { DEFAULT_STACK_NAME } from '../lib/contract/stack-outputs';
import { UsageError } from '../lib/contract/usage-error';

/** The program's name in help texts and hints. */
export const PROGRAM = 'batch-prediction-poller';

/** The CLI's commands. */
export const COMMANDS = ['watch', 'history', 'list'] as const;

/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

/** What every parsed command line has, whatever the command. */
interface GlobalArgs {
  /** `watch --restart`: restart the id's run if it ended without a terminal status. */
  readonly restart: boolean;
  readonly json: boolean;
  readonly stackName: string;
  /** `--region`; undefined to use the SDK's default chain (AWS_REGION, profile). */
  readonly region?: string;
}

/**
 * A parsed command line: help (`--help`, `-h`, `help [command]`, nothing else runs; no command for the
 * global help), or a command with what it needs (`watch` and `history` always carry their id).
 */
export type ParsedArgs =
  | (GlobalArgs & {
      readonly help: true;
      readonly command?: CommandName;
      readonly id?: undefined;
      readonly statuses?: readonly BatchPredictionStatus[];
    })
  | (GlobalArgs & {
      readonly help: false;
      readonly command: 'watch' | 'history';
      /** The batch prediction id, checked against {@link BATCH_PREDICTION_ID_PATTERN}. */
      readonly id: string;
      readonly statuses?: undefined;
    })
  | (GlobalArgs & {
      readonly help: false;
      readonly command: 'list';
      readonly id?: undefined;
      /** `list --status`: the statuses to keep; undefined for all. */
      readonly statuses?: readonly BatchPredictionStatus[];
    });

const GLOBAL_OPTIONS = `Options:
  --stack NAME       the poller's CloudFormation stack (default: ${DEFAULT_STACK_NAME})
  --region REGION    AWS region (default: AWS_REGION or your AWS profile's region)
  --json             print one JSON document on stdout instead of text
  -h, --help         show help`;

const ENVIRONMENT = `The stack's resources are found from its outputs (StateMachineArn, HistoryTableName).
Credentials come from the usual AWS chain (environment, AWS_PROFILE, SSO). AWS_ENDPOINT_URL, or
AWS_ENDPOINT_URL_<SERVICE>, points the clients elsewhere, e.g. at the local runtime
(${PROGRAM} serve).

Exit codes: 0 success, 1 error, 2 usage error.`;

/** Help texts: the global one under `undefined`, then one per command. */
export const HELP: Readonly<Record<CommandName | 'global', string>> = {
  global: `Usage: ${PROGRAM} <command> [options]

Operates a deployed batch-prediction poller: starts polling runs and shows what they recorded.

Commands:
  watch <id>          start polling a batch prediction (nothing happens if it is already polled);
                      --restart starts a new run if its last run ended before a terminal status
  history <id>        the batch prediction's status transitions, with the time spent in each status
  list [--status S]   the latest status of every tracked batch prediction
  simulate            run a scenario on the local runtime (no AWS account); --rule FILE shows which
                      events an EventBridge pattern matches
  serve               keep the local runtime running on one endpoint for this CLI, the aws CLI, SDKs
  help [command]      show help for a command

${GLOBAL_OPTIONS}

Run '${PROGRAM} <command> --help' for a command's details.

${ENVIRONMENT}`,

  watch: `Usage: ${PROGRAM} watch <id> [--restart] [options]

Starts a polling run for the Amazon ML batch prediction <id>: StartExecution on the stack's state
machine, execution name <id>, input {"batchPredictionId": "<id>"}. The poller then records every
status transition in the history table and publishes it to EventBridge until a terminal status
(COMPLETED, FAILED, DELETED).

If <id> is already being polled (by its first run or a restart), says so and exits 0. If it was
polled before and its latest run has ended, explains how it ended and exits 1: Step Functions keeps
an execution name for 90 days. A run that ended FAILED or TIMED_OUT is restarted by the
sweeper by itself (discovery on, up to the stack's maxRestarts) while Amazon ML reports the job
PENDING or INPROGRESS.

  --restart          if the latest run ended FAILED, TIMED_OUT or ABORTED, start the next restart
                     now: execution <id>+r<N>, a new run (new runId, sequence from 1). A run that
                     SUCCEEDED saw a terminal status and is not restarted. Restarts started here
                     count with the sweeper's: it starts none past maxRestarts.

<id>: 1 to 64 letters, digits, '_', '.' or '-' (put an id that starts with '-' after '--').

${GLOBAL_OPTIONS}

Exit codes: 0 polling (started, restarted or already running), 1 error or run already ended, 2 usage error.`,

  history: `Usage: ${PROGRAM} history <id> [options]

Shows every status transition the poller recorded for the batch prediction <id>, oldest first and
grouped by polling run: when it was observed, PREVIOUS → STATUS, the time spent in the previous
status, and the id of the event that announced it.

--json prints {"batchPredictionId", "tableName", "runs": [{"runId", "transitions": [...]}], "latest"}.

${GLOBAL_OPTIONS}

Exit codes: 0 success, 1 error (including no history for <id>), 2 usage error.`,

  list: `Usage: ${PROGRAM} list [--status S[,S...]] [options]

Shows the latest status of every batch prediction in the history table, with how long it has
been in a non-terminal status. Reads the whole table (a Scan).

  --status S         keep only batch predictions whose latest status is S; repeat the option or
                     separate statuses with commas. One of: ${ALL_STATUSES.join(', ')}

--json prints {"tableName", "statusFilter", "batchPredictions": [...]}.

${GLOBAL_OPTIONS}

Exit codes: 0 success (also when nothing matches), 1 error, 2 usage error.`,
};

function isCommand(value: string): value is CommandName {
  return (COMMANDS as readonly string[]).includes(value);
}

/** Levenshtein distance, for "did you mean" on a mistyped command. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function unknownCommand(name: string): UsageError {
  const close = COMMANDS.find((c) => distance(c, name.toLowerCase()) <= 2);
  return new UsageError(
    `unknown command "${name}"`,
    `${close === undefined ? '' : `did you mean ${close}? `}commands are ${COMMANDS.join(', ')}; see ${PROGRAM} --help`,
  );
}

/** Rejects anything Amazon ML would not accept as a batch prediction id. @throws UsageError */
export function validateBatchPredictionId(id: string): string {
  if (!BATCH_PREDICTION_ID_PATTERN.test(id)) {
    throw new UsageError(
      `invalid batch prediction id ${JSON.stringify(id)}`,
      "an id is 1 to 64 letters, digits, '_', '.' or '-', as in the Amazon ML console",
    );
  }
  return id;
}

/** Parses `list --status` values: case-insensitive, comma-separated, checked against the contract. */
export function parseStatuses(values: readonly string[]): BatchPredictionStatus[] {
  const statuses: BatchPredictionStatus[] = [];
  for (const raw of values.flatMap((v) => v.split(','))) {
    const value = raw.trim().toUpperCase();
    if (!isBatchPredictionStatus(value)) {
      throw new UsageError(`unknown status "${raw.trim()}" for --status`, `use one of ${ALL_STATUSES.join(', ')}`);
    }
    if (!statuses.includes(value)) statuses.push(value);
  }
  return statuses;
}

/**
 * The options `node:util` `parseArgs` tokenizes. It runs with `strict: false` and returns its tokens,
 * so that this module, not Node, words every usage error (`--stack needs a value`, `unknown option -x`)
 * and the rules between options and commands stay in one place.
 */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  restart: { type: 'boolean' },
  stack: { type: 'string' },
  region: { type: 'string' },
  status: { type: 'string', multiple: true },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

type OptionName = keyof typeof OPTIONS;

function isOption(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}

/** Parses the arguments after the program name. @throws UsageError */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const { tokens } = parseArgTokens({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const positionals: string[] = [];
  const statusValues: string[] = [];
  let help = false;
  let json = false;
  let restart = false;
  let stackName: string | undefined;
  let region: string | undefined;

  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const flag = token.rawName;
    if (!isOption(token.name)) throw new UsageError(`unknown option ${flag}`, `see ${PROGRAM} --help`);
    if (OPTIONS[token.name].type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`${flag} takes no value`, `see ${PROGRAM} --help`);
    } else if (token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('--'))) {
      // parseArgs takes the next argument as the value even when it is another option (`--region --json`).
      throw new UsageError(`${flag} needs a value`, `see ${PROGRAM} --help`);
    }
    const value = token.value ?? '';
    switch (token.name) {
      case 'help':
        help = true;
        break;
      case 'json':
        json = true;
        break;
      case 'restart':
        restart = true;
        break;
      case 'stack':
        stackName = value;
        break;
      case 'region':
        region = value;
        break;
      case 'status':
        statusValues.push(value);
        break;
    }
  }

  let [commandName, ...rest] = positionals;
  if (commandName === 'help') {
    help = true;
    [commandName, ...rest] = rest;
    if (rest.length > 0) throw new UsageError(`help takes at most one command, got ${positionals.length - 1}`, `see ${PROGRAM} --help`);
  }
  const globals = { json, restart, stackName: stackName ?? DEFAULT_STACK_NAME, region };
  if (commandName === undefined) {
    if (help) return { ...globals, help: true };
    throw new UsageError('missing command', `run ${PROGRAM} --help to see watch, history and list`);
  }
  if (!isCommand(commandName)) throw unknownCommand(commandName);
  const command = commandName;
  if (restart && command !== 'watch') {
    throw new UsageError(`--restart is an option of watch, not of ${command}`, `see ${PROGRAM} watch --help`);
  }

  if (statusValues.length > 0 && command !== 'list') {
    throw new UsageError(`--status is an option of list, not of ${command}`, `see ${PROGRAM} ${command} --help`);
  }
  const statuses = statusValues.length > 0 ? parseStatuses(statusValues) : undefined;
  if (help) return { ...globals, command, help: true, statuses };

  if (command === 'list') {
    if (rest.length > 0)
      throw new UsageError(`list takes no arguments, got "${rest[0]}"`, `filter with --status; see ${PROGRAM} list --help`);
    return { ...globals, command, help: false, statuses };
  }
  if (rest.length === 0) throw new UsageError(`${command} needs a batch prediction id`, `usage: ${PROGRAM} ${command} <id>`);
  if (rest.length > 1) {
    throw new UsageError(`${command} takes one batch prediction id, got ${rest.length}`, `usage: ${PROGRAM} ${command} <id>`);
  }
  return { ...globals, command, help: false, id: validateBatchPredictionId(rest[0]) };
}
