/**
 * The CLI's commands. Each takes its AWS clients and an output sink, so tests drive them with
 * aws-sdk-client-mock and read what they printed; each resolves with the exit code and throws
 * {@link CliError} for anything it reports as an error.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type BatchPredictionStatus, isBatchPredictionStatus, isTerminalStatus } from '../lib/contract/events';
import { DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_BACKOFF_SECONDS } from '../lib/contract/defaults';
import type { HistoryItem } from '../lib/contract/history';
import {
  type LatestRun,
  MAX_RESTART_NUMBER,
  RESTARTABLE_EXECUTION_STATUSES,
  executionArnFor,
  executionNameFor,
  parseExecutionName,
} from '../lib/contract/runs';
import { PROGRAM, validateBatchPredictionId } from './args';
import { CliError, ExitCode, describeError, findInChain, toCliError } from './errors';
import {
  type HistoryRunView,
  type HistoryTransitionView,
  type HistoryView,
  type ListEntryView,
  type WatchView,
  formatHistory,
  formatList,
  formatWatch,
  millisecondsBetween,
} from './format';
import { HistoryReader, type ListedItem } from './history-reader';
import { RunReader } from './run-reader';
import { StackOutput } from '../lib/contract/stack-outputs';
import { type StackResources, findStackResources } from './stack-resources';

// Part of the commands' API since before the naming rule moved to the contract.
export { executionArnFor };

/** The AWS clients the commands use. */
export interface CliClients {
  readonly cloudFormation: CloudFormationClient;
  readonly stepFunctions: SFNClient;
  readonly dynamoDb: DynamoDBDocumentClient;
}

/** Where the commands print: stdout gets results, stderr gets errors and notices. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What every command runs with. */
export interface CommandContext {
  readonly clients: CliClients;
  readonly output: CliOutput;
  readonly stackName: string;
  /** The region the clients use, for messages; undefined if it could not be resolved. */
  readonly region?: string;
  /** Print one JSON document on stdout instead of text. */
  readonly json: boolean;
  /** The clock, for "for 5m" and "2h ago". @default () => new Date() */
  readonly now?: () => Date;
}

function printJson(context: CommandContext, document: unknown): void {
  context.output.stdout(JSON.stringify(document, null, 2));
}

function output(stack: StackResources, name: string): string {
  return stack.outputs[name];
}

/** Options of {@link watch}. */
export interface WatchOptions {
  /** `--restart`: if the id's latest run has ended without a terminal status, start the next restart. */
  readonly restart?: boolean;
}

/**
 * `watch <id>`: starts a polling run. If the execution name is taken, finds the id's latest run
 * (restarts `<id>+r<N>` and hand-overs included, as the sweeper does): running → exit 0; ended →
 * explains how, exit 1. With `--restart`, a latest run that ended FAILED, TIMED_OUT or ABORTED is
 * restarted (`<id>+r<N+1>`, a new run), exit 0.
 */
export async function watch(context: CommandContext, id: string, options: WatchOptions = {}): Promise<number> {
  validateBatchPredictionId(id);
  const stack = await findStackResources(
    context.clients.cloudFormation,
    context.stackName,
    [StackOutput.STATE_MACHINE_ARN],
    context.region,
  );
  const stateMachineArn = output(stack, StackOutput.STATE_MACHINE_ARN);
  const sfnError = (error: unknown, operation: string) => stepFunctionsError(error, operation, stateMachineArn, context);
  const runs = new RunReader({ stateMachineArn, client: context.clients.stepFunctions });

  const start = async (restart: number, previous?: LatestRun): Promise<number | undefined> => {
    const name = executionNameFor(id, 1, restart);
    try {
      const started = await context.clients.stepFunctions.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ batchPredictionId: id }) }),
      );
      const view: WatchView = {
        batchPredictionId: id,
        outcome: restart === 0 ? 'started' : 'restarted',
        executionName: name,
        executionArn: started.executionArn ?? executionArnFor(stateMachineArn, name),
        status: 'RUNNING',
        startDate: started.startDate?.toISOString(),
        ...(restart > 0 ? { restart } : {}),
        ...(previous === undefined
          ? {}
          : {
              previous: {
                executionName: previous.executionName,
                status: previous.status,
                stopDate: previous.stoppedAt,
                error: previous.error,
              },
            }),
      };
      if (context.json) printJson(context, view);
      else context.output.stdout(formatWatch(view));
      return ExitCode.OK;
    } catch (error) {
      if (findInChain(error, ['ExecutionAlreadyExists']) === undefined) throw sfnError(error, 'states:StartExecution');
      return undefined;
    }
  };

  if (!options.restart) {
    const started = await start(0);
    if (started !== undefined) return started;
  }

  // The name is taken (or --restart): this id is, or was, polled. Find its latest run.
  let latest: LatestRun | undefined;
  try {
    latest = await runs.latestRun(id);
  } catch (error) {
    throw sfnError(error, 'states:DescribeExecution');
  }
  if (latest === undefined) {
    const started = options.restart ? await start(0) : undefined;
    if (started === undefined) throw raced(id);
    return started;
  }
  const view: WatchView = {
    batchPredictionId: id,
    outcome: latest.status === 'RUNNING' || latest.status === 'PENDING_REDRIVE' ? 'already-running' : 'already-finished',
    executionName: latest.executionName,
    executionArn: executionArnFor(stateMachineArn, latest.executionName),
    status: latest.status,
    startDate: latest.startedAt,
    stopDate: latest.stoppedAt,
    error: latest.error,
    cause: latest.cause,
    restart: latest.restart,
  };
  if (options.restart && RESTARTABLE_EXECUTION_STATUSES.includes(latest.status)) {
    const next = latest.restart + 1;
    if (next > MAX_RESTART_NUMBER) {
      throw new CliError(
        `${id} has been restarted ${latest.restart} times, the most a run name can carry (${executionNameFor(id, 1, MAX_RESTART_NUMBER)})`,
        `Step Functions frees the names 90 days after each execution ended; see ${PROGRAM} history ${id}`,
      );
    }
    const restarted = await start(next, latest);
    if (restarted === undefined) throw raced(id);
    return restarted;
  }
  if (context.json) printJson(context, view);
  if (view.outcome === 'already-running') {
    if (!context.json) context.output.stdout(formatWatch(view));
    return ExitCode.OK;
  }
  throw alreadyFinished(view, options.restart === true);
}

/** Another start got there between our calls: the state changed while we looked. */
function raced(id: string): CliError {
  return new CliError(
    `${id}'s runs changed while watch looked at them (another start ran at the same time)`,
    `run ${PROGRAM} watch ${id} again`,
  );
}

function alreadyFinished(view: WatchView, restartAsked: boolean): CliError {
  const ended = `execution ${view.executionName} ended ${view.status}${view.stopDate === undefined ? '' : ` at ${view.stopDate}`}`;
  const history = `see ${PROGRAM} history ${view.batchPredictionId}`;
  if (view.status === 'SUCCEEDED') {
    return new CliError(
      `${view.batchPredictionId} was already polled to a terminal status (${ended}), so there is nothing left to ${restartAsked ? 'restart' : 'watch'}`,
      `Step Functions keeps an execution name for 90 days after it ends; ${history}`,
    );
  }
  const why = view.error === undefined ? '' : `: ${view.error}${view.cause === undefined ? '' : ` (${view.cause})`}`;
  const next = executionNameFor(view.batchPredictionId, 1, (view.restart ?? 0) + 1);
  if (view.status === 'ABORTED') {
    return new CliError(
      `${view.batchPredictionId} was polled before and that run was stopped (${ended}${why})`,
      `the sweeper leaves a stopped run stopped; to poll it again, run ${PROGRAM} watch --restart ${view.batchPredictionId} (starts ${next}); ${history}`,
    );
  }
  return new CliError(
    `${view.batchPredictionId} was polled before and that run did not finish (${ended}${why})`,
    `with discovery on, the sweeper restarts such a run by itself while Amazon ML reports the job PENDING or INPROGRESS (up to the stack's maxRestarts, default ${DEFAULT_MAX_RESTARTS}, ${DEFAULT_RESTART_BACKOFF_SECONDS / 60} min × 2^(N-1) after the run ended); to restart it now, run ${PROGRAM} watch --restart ${view.batchPredictionId} (starts ${next}); ${history}`,
  );
}

function stepFunctionsError(error: unknown, operation: string, stateMachineArn: string, context: CommandContext): CliError {
  if (findInChain(error, ['StateMachineDoesNotExist', 'StateMachineDeleting']) !== undefined) {
    return new CliError(
      `the state machine ${stateMachineArn} named by stack ${context.stackName}'s outputs is not there: ${describeError(error)}`,
      'redeploy the stack with npx cdk deploy',
      ExitCode.ERROR,
      { cause: error },
    );
  }
  return toCliError(error, { operation, region: context.region });
}

function historyError(error: unknown, operation: string, tableName: string, context: CommandContext): CliError {
  if (findInChain(error, ['ResourceNotFoundException']) !== undefined) {
    return new CliError(
      `the history table ${tableName} named by stack ${context.stackName}'s outputs does not exist${context.region === undefined ? '' : ` in ${context.region}`}`,
      'redeploy the stack with npx cdk deploy, or pass --stack and --region of the poller you mean',
      ExitCode.ERROR,
      { cause: error },
    );
  }
  return toCliError(error, { operation, region: context.region });
}

/** Sorts records by their sort key, the order DynamoDB keeps them in (code-unit order). */
function byTransitionKey(a: { transitionKey: string }, b: { transitionKey: string }): number {
  return a.transitionKey < b.transitionKey ? -1 : a.transitionKey > b.transitionKey ? 1 : 0;
}

/** Groups a batch prediction's records into runs and works out the time spent in each status. */
export function historyViewOf(batchPredictionId: string, tableName: string, records: readonly HistoryItem[]): HistoryView {
  const sorted = [...records].sort(byTransitionKey);
  const runs = new Map<string, HistoryTransitionView[]>();
  for (const record of sorted) {
    const transitions = runs.get(record.runId) ?? [];
    const previous = transitions[transitions.length - 1];
    const elapsed = previous === undefined ? NaN : millisecondsBetween(previous.observedAt, record.observedAt);
    transitions.push({
      sequence: record.sequence,
      observedAt: record.observedAt,
      previousStatus: record.previousStatus ?? null,
      status: record.status,
      secondsInPreviousStatus: record.previousStatus == null || !Number.isFinite(elapsed) ? null : Math.max(0, elapsed) / 1000,
      eventId: record.eventId,
      published: record.published !== false,
      transitionKey: record.transitionKey,
      snapshot: record.snapshot,
    });
    runs.set(record.runId, transitions);
  }
  const last = sorted[sorted.length - 1];
  const runViews: HistoryRunView[] = [...runs.entries()].map(([runId, transitions]) => ({
    runId,
    restart: restartOfRunId(runId),
    transitions,
  }));
  return {
    batchPredictionId,
    tableName,
    runs: runViews,
    latest: { status: last.status, observedAt: last.observedAt, terminal: isKnownTerminal(last.status) },
  };
}

/** The restart number a run id names: it is `<start time>/<execution name>`, and a restart's name is `<id>+r<N>`. */
function restartOfRunId(runId: string): number {
  return parseExecutionName(runId.slice(runId.indexOf('/') + 1))?.restart ?? 0;
}

function isKnownTerminal(status: string): boolean {
  return isBatchPredictionStatus(status) && isTerminalStatus(status);
}

/** `history <id>`: the batch prediction's transitions as a timeline, grouped by run. */
export async function history(context: CommandContext, id: string): Promise<number> {
  validateBatchPredictionId(id);
  const stack = await findStackResources(
    context.clients.cloudFormation,
    context.stackName,
    [StackOutput.HISTORY_TABLE_NAME],
    context.region,
  );
  const tableName = output(stack, StackOutput.HISTORY_TABLE_NAME);
  const reader = new HistoryReader({ tableName, client: context.clients.dynamoDb });
  let records: HistoryItem[];
  try {
    records = await reader.transitionsOf(id);
  } catch (error) {
    throw historyError(error, 'dynamodb:Query', tableName, context);
  }
  if (records.length === 0) {
    throw new CliError(
      `no history for ${id} in table ${tableName} (stack ${context.stackName})`,
      `the poller has never recorded a transition for it: check the id and --stack/--region, or start polling it with ${PROGRAM} watch ${id} (if an earlier run ended without recording one, watch says so and ${PROGRAM} watch --restart ${id} starts a new run)`,
    );
  }
  const view = historyViewOf(id, tableName, records);
  if (context.json) printJson(context, view);
  else context.output.stdout(formatHistory(view, (context.now ?? (() => new Date()))()).join('\n'));
  return ExitCode.OK;
}

/** Keeps each batch prediction's item with the greatest transition key: its latest status. */
export function latestPerBatchPrediction(items: Iterable<ListedItem>): ListedItem[] {
  const latest = new Map<string, ListedItem>();
  for (const item of items) {
    const current = latest.get(item.batchPredictionId);
    if (current === undefined || byTransitionKey(current, item) < 0) latest.set(item.batchPredictionId, item);
  }
  return [...latest.values()].sort((a, b) =>
    a.batchPredictionId < b.batchPredictionId ? -1 : a.batchPredictionId > b.batchPredictionId ? 1 : 0,
  );
}

/** `list [--status S]`: the latest status of every tracked batch prediction. */
export async function list(context: CommandContext, statuses?: readonly BatchPredictionStatus[]): Promise<number> {
  const stack = await findStackResources(
    context.clients.cloudFormation,
    context.stackName,
    [StackOutput.HISTORY_TABLE_NAME],
    context.region,
  );
  const tableName = output(stack, StackOutput.HISTORY_TABLE_NAME);
  let items: ListedItem[];
  try {
    items = await new HistoryReader({ tableName, client: context.clients.dynamoDb }).listedItems();
  } catch (error) {
    throw historyError(error, 'dynamodb:Scan', tableName, context);
  }

  const entries: ListEntryView[] = latestPerBatchPrediction(items)
    .filter((item) => statuses === undefined || statuses.includes(item.status))
    .map((item) => ({
      batchPredictionId: item.batchPredictionId,
      status: item.status,
      previousStatus: item.previousStatus ?? null,
      observedAt: item.observedAt,
      terminal: isKnownTerminal(item.status),
      runId: item.runId,
      sequence: item.sequence,
      eventId: item.eventId,
    }));
  if (context.json) printJson(context, { tableName, statusFilter: statuses ?? null, batchPredictions: entries });
  else context.output.stdout(formatList(entries, (context.now ?? (() => new Date()))(), statuses).join('\n'));
  return ExitCode.OK;
}
