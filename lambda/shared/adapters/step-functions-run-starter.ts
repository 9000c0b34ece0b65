import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  type SFNClient,
  StartExecutionCommand,
  paginateListExecutions,
} from '@aws-sdk/client-sfn';
import {
  type LatestRun,
  batchPredictionIdOfExecutionName,
  executionArnFor,
  executionNameFor,
  findLatestRun,
} from '../../../lib/contract/runs';
import { PollerAccessDeniedError, StepFunctionsRequestError, StepFunctionsUnavailableError } from '../domain/errors';
import type { RunStarter, StartOutcome } from '../ports';
import type { AdapterOptions } from './adapter-options';
import { describeSdkError, isAccessDeniedSdkError, isTransientSdkError, sdkErrorName } from './sdk-errors';
import { PollerConfigError } from '../../../lib/contract/config-error';

/** Options of {@link StepFunctionsRunStarter}. */
export interface StepFunctionsRunStarterOptions extends AdapterOptions<SFNClient> {
  /** The polling state machine runs are started on. */
  readonly stateMachineArn: string;
}

/**
 * Starts runs with `StartExecution`, named after the batch prediction id (`<id>`, `<id>+r<N>` for
 * restart N). Standard executions are idempotent by name and input while running; a name already
 * used by an ended execution is `ExecutionAlreadyExists` (names are reusable only after 90 days):
 * `finished`, and {@link latestRun} tells how that run ended.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export class StepFunctionsRunStarter implements RunStarter {
  private readonly client: SFNClient;

  constructor(private readonly options: StepFunctionsRunStarterOptions) {
    if (options.stateMachineArn === '') throw new PollerConfigError('The starter needs the state machine ARN');
    this.client = options.client;
  }

  async start(batchPredictionId: string, restart = 0): Promise<StartOutcome> {
    const name = executionNameFor(batchPredictionId, 1, restart);
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.options.stateMachineArn, name, input: JSON.stringify({ batchPredictionId }) }),
      );
      return 'running';
    } catch (error) {
      if (sdkErrorName(error) === 'ExecutionAlreadyExists') return 'finished';
      if (isAccessDeniedSdkError(error)) throw new PollerAccessDeniedError('states:StartExecution', { cause: error });
      throw translate(error, `StartExecution for ${name}`);
    }
  }

  /**
   * Ids with a RUNNING execution of the state machine, every generation, from `ListExecutions`
   * (1,000 per page, the most it returns).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
   */
  runningIds(): Promise<ReadonlySet<string>> {
    return this.idsOfExecutions(['RUNNING'], () => true);
  }

  /**
   * Ids with a FAILED or TIMED_OUT execution that stopped at or after `since`. `ListExecutions`
   * filters by status, not by time (newest start first), so every page of both statuses is read:
   * Step Functions keeps an ended execution for 90 days.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
   */
  failedSince(since: Date): Promise<ReadonlySet<string>> {
    return this.idsOfExecutions(['FAILED', 'TIMED_OUT'], (stopDate) => stopDate !== undefined && stopDate.getTime() >= since.getTime());
  }

  /** Ids of the executions with one of `statuses` whose stop date passes `keep`, from `ListExecutions` (1,000 a page, the most). */
  private async idsOfExecutions(
    statuses: readonly ('RUNNING' | 'FAILED' | 'TIMED_OUT')[],
    keep: (stopDate: Date | undefined) => boolean,
  ): Promise<ReadonlySet<string>> {
    const ids = new Set<string>();
    try {
      for (const statusFilter of statuses) {
        const pages = paginateListExecutions(
          { client: this.client, pageSize: 1000 },
          { stateMachineArn: this.options.stateMachineArn, statusFilter },
        );
        for await (const page of pages) {
          for (const execution of page.executions ?? []) {
            const id = execution.name === undefined ? undefined : batchPredictionIdOfExecutionName(execution.name);
            if (id !== undefined && keep(execution.stopDate)) ids.add(id);
          }
        }
      }
    } catch (error) {
      if (isAccessDeniedSdkError(error)) throw new PollerAccessDeniedError('states:ListExecutions', { cause: error });
      throw translate(error, 'ListExecutions');
    }
    return ids;
  }

  /**
   * The id's latest run, by `DescribeExecution` on its deterministic names: the contract's
   * {@link findLatestRun} (restarts, then that run's hand-overs).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
   */
  latestRun(batchPredictionId: string): Promise<LatestRun | undefined> {
    return findLatestRun(batchPredictionId, (name) => this.describe(name));
  }

  /** One execution by name; undefined when there is none (`ExecutionDoesNotExist`). */
  private async describe(name: string): Promise<DescribeExecutionOutput | undefined> {
    const executionArn = executionArnFor(this.options.stateMachineArn, name);
    try {
      return await this.client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (sdkErrorName(error) === 'ExecutionDoesNotExist') return undefined;
      if (isAccessDeniedSdkError(error)) throw new PollerAccessDeniedError('states:DescribeExecution', { cause: error });
      throw translate(error, `DescribeExecution of ${name}`);
    }
  }
}

/**
 * A Step Functions failure that is not a denial. The starter runs outside the state machine
 * (EventBridge invokes it asynchronously), so Lambda's retries and the dead-letter queue handle
 * both kinds; the name tells an operator reading the dead-letter record whether waiting helps.
 */
function translate(error: unknown, call: string): Error {
  const message = `${call} failed: ${describeSdkError(error)}`;
  if (isTransientSdkError(error)) return new StepFunctionsUnavailableError(message, { cause: error });
  return new StepFunctionsRequestError(message, { cause: error });
}
