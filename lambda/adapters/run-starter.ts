import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  SFNClient,
  StartExecutionCommand,
  paginateListExecutions,
} from '@aws-sdk/client-sfn';
import {
  type LatestRun,
  batchPredictionIdOfExecutionName,
  executionArnFor,
  executionNameFor,
  findLatestRun,
} from '../../lib/contract/runs';
import { PollerAccessDeniedError, PollerConfigurationError } from '../domain/errors';
import type { RunStarter, StartOutcome } from '../ports-starter';
import { describeSdkError, isAccessDeniedSdkError, sdkErrorName } from './sdk-errors';
import { sdkClientConfig } from './sdk-http';

let defaultClient: SFNClient | undefined;

function getDefaultClient(): SFNClient {
  defaultClient ??= new SFNClient(sdkClientConfig());
  return defaultClient;
}

/** Options of {@link StepFunctionsRunStarter}. */
export interface StepFunctionsRunStarterOptions {
  readonly stateMachineArn: string;
  /** An SDK client. @default a shared module-scope client */
  readonly client?: SFNClient;
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
    if (options.stateMachineArn === '') throw new PollerConfigurationError('The starter needs the state machine ARN');
    this.client = options.client ?? getDefaultClient();
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
      throw new Error(`StartExecution for ${name} failed: ${describeSdkError(error)}`, { cause: error });
    }
  }

  /**
   * Ids with a RUNNING execution of the state machine, every generation, from `ListExecutions`
   * (1,000 per page, the most it returns).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
   */
  async runningIds(): Promise<ReadonlySet<string>> {
    const ids = new Set<string>();
    try {
      const pages = paginateListExecutions(
        { client: this.client, pageSize: 1000 },
        { stateMachineArn: this.options.stateMachineArn, statusFilter: 'RUNNING' },
      );
      for await (const page of pages) {
        for (const execution of page.executions ?? []) {
          const id = execution.name === undefined ? undefined : batchPredictionIdOfExecutionName(execution.name);
          if (id !== undefined) ids.add(id);
        }
      }
    } catch (error) {
      if (isAccessDeniedSdkError(error)) throw new PollerAccessDeniedError('states:ListExecutions', { cause: error });
      throw new Error(`ListExecutions failed: ${describeSdkError(error)}`, { cause: error });
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
      throw new Error(`DescribeExecution of ${name} failed: ${describeSdkError(error)}`, { cause: error });
    }
  }
}
