/**
 * How polling runs are named, found and restarted: the rule the Lambda handlers (which start and
 * hand over runs), the local runtime and the operator CLI (which find a batch prediction's runs by
 * name) all follow. Part of the internal wiring contract, not of the subscribers' event contract;
 * `./index` does not re-export it, so the package entry does not either.
 *
 * Pure: imports nothing from `aws-cdk-lib` or `@aws-sdk/*`; the Step Functions calls are the
 * callers' own (see {@link findLatestRun}).
 *
 * @packageDocumentation
 */
import { BATCH_PREDICTION_ID_PATTERN } from './events';

/** Suffix separator of hand-over executions; `+` is allowed in execution names but not in ids. */
const GENERATION_SEPARATOR = '+g';

/** Suffix separator of restarted runs, before any generation suffix: `<id>+r<N>[+g<M>]`. */
const RESTART_SEPARATOR = '+r';

/**
 * The highest restart number a run name may carry (automatic and operator restarts together). With
 * a 64-character id, `+r99` and a generation suffix of up to 10 digits the name stays within Step
 * Functions' 80 characters.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export const MAX_RESTART_NUMBER = 99;

/** What an execution name of ours says: the id polled, which run of it, which execution of that run. */
export interface ExecutionNameParts {
  readonly batchPredictionId: string;
  /** 0 for the id's first run, N for its N-th restart. */
  readonly restart: number;
  /** 1 for the execution that started the run, +1 per continue-as-new hand-over. */
  readonly generation: number;
}

/**
 * The execution name for a batch prediction's polling run: `<id>` for the first execution of the
 * first run, `+r<N>` for the N-th restart, `+g<M>` for the M-th execution of a run (hand-overs).
 * Starting a Standard execution twice with the same name and input is idempotent, so a second
 * start of a running id (or of the same restart) is a no-op.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export function executionNameFor(batchPredictionId: string, generation = 1, restart = 0): string {
  const restartSuffix = restart >= 1 ? `${RESTART_SEPARATOR}${restart}` : '';
  const generationSuffix = generation > 1 ? `${GENERATION_SEPARATOR}${generation}` : '';
  return `${batchPredictionId}${restartSuffix}${generationSuffix}`;
}

/** `<id>`, then an optional `+r<N>` and an optional `+g<M>`, numbers without leading zeros. */
const EXECUTION_NAME_PARTS = /^([^+]+)(?:\+r([1-9]\d*))?(?:\+g([1-9]\d*))?$/;

/**
 * The id, restart and generation an execution name of ours carries (the inverse of
 * {@link executionNameFor}); undefined for a name no run of ours carries.
 */
export function parseExecutionName(executionName: string): ExecutionNameParts | undefined {
  const match = EXECUTION_NAME_PARTS.exec(executionName);
  if (match === null || !BATCH_PREDICTION_ID_PATTERN.test(match[1])) return undefined;
  const restart = match[2] === undefined ? 0 : Number(match[2]);
  const generation = match[3] === undefined ? 1 : Number(match[3]);
  // `+g1` is never produced: the first execution of a run carries no generation suffix.
  if (generation === 1 && match[3] !== undefined) return undefined;
  return { batchPredictionId: match[1], restart, generation };
}

/**
 * The batch prediction id an execution polls, from its name (the inverse of
 * {@link executionNameFor}); undefined for a name no run of ours carries.
 */
export function batchPredictionIdOfExecutionName(executionName: string): string | undefined {
  return parseExecutionName(executionName)?.batchPredictionId;
}

/**
 * Execution statuses after which an operator may restart a run (`watch --restart`): it ended
 * without seeing a terminal status.
 */
export const RESTARTABLE_EXECUTION_STATUSES: readonly string[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * Execution statuses after which the sweeper restarts a run by itself: it failed or timed out.
 * Not ABORTED: an execution is aborted only by `StopExecution`, a person's (or a tool's) decision
 * to stop polling, which a sweep should not undo.
 */
export const AUTOMATIC_RESTART_STATUSES: readonly string[] = ['FAILED', 'TIMED_OUT'];

/**
 * The latest run of a batch prediction, as found by its deterministic execution names: which
 * restart it is, and the status of its latest execution (after following hand-overs).
 */
export interface LatestRun {
  /** 0 for the first run, N for the N-th restart. */
  readonly restart: number;
  /** The name of the run's latest execution. */
  readonly executionName: string;
  /** Step Functions' execution status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE. */
  readonly status: string;
  /** When that execution started (ISO-8601). */
  readonly startedAt?: string;
  /** When that execution stopped (ISO-8601); undefined while it runs. */
  readonly stoppedAt?: string;
  /** The error it failed with, if any. */
  readonly error?: string;
  /** The error's cause, if any. */
  readonly cause?: string;
}

/**
 * The fields of a `DescribeExecution` answer {@link findLatestRun} reads, declared structurally so
 * that the contract imports no SDK (the SDK's `DescribeExecutionOutput` fits).
 */
export interface ExecutionDescription {
  readonly status?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * Describes one execution of the state machine by name (`DescribeExecution`); resolves undefined
 * when there is none (`ExecutionDoesNotExist`) and rejects on any other failure.
 */
export type DescribeExecutionByName = (executionName: string) => Promise<ExecutionDescription | undefined>;

/** Most hand-overs {@link findLatestRun} follows (a 7-day job at the defaults makes 2). */
export const MAX_GENERATIONS_FOLLOWED = 100;

/**
 * The id's latest run, by describing its deterministic names: `<id>`, then `<id>+r1`, `<id>+r2`,
 * ... while they exist; then that run's hand-overs (`+g2`, `+g3`, ...) while the execution found
 * SUCCEEDED (a hand-over ends SUCCEEDED), at most {@link MAX_GENERATIONS_FOLLOWED}. Undefined when
 * the id has never had a run. Failures of `describe` propagate unchanged.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
export async function findLatestRun(batchPredictionId: string, describe: DescribeExecutionByName): Promise<LatestRun | undefined> {
  let execution = await describe(executionNameFor(batchPredictionId));
  if (execution === undefined) return undefined;
  let restart = 0;
  for (let n = 1; n <= MAX_RESTART_NUMBER; n++) {
    const next = await describe(executionNameFor(batchPredictionId, 1, n));
    if (next === undefined) break;
    [restart, execution] = [n, next];
  }
  let name = executionNameFor(batchPredictionId, 1, restart);
  for (let generation = 2; execution.status === 'SUCCEEDED' && generation <= MAX_GENERATIONS_FOLLOWED + 1; generation++) {
    const nextName = executionNameFor(batchPredictionId, generation, restart);
    const next = await describe(nextName);
    if (next === undefined) break;
    [name, execution] = [nextName, next];
  }
  return {
    restart,
    executionName: name,
    status: execution.status ?? 'UNKNOWN',
    ...(execution.startDate !== undefined ? { startedAt: execution.startDate.toISOString() } : {}),
    ...(execution.stopDate !== undefined ? { stoppedAt: execution.stopDate.toISOString() } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
  };
}

/** The ARN of execution `executionName` of the state machine `stateMachineArn`. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}
