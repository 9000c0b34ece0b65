/**
 * The CLI's read side of the state machine: a batch prediction's latest run, found by
 * `DescribeExecution` on the deterministic execution names the contract defines (the same search
 * the sweeper makes). Errors are the SDK's own, unwrapped: the commands word them (see `errors.ts`).
 */
import { DescribeExecutionCommand, type DescribeExecutionOutput, type SFNClient } from '@aws-sdk/client-sfn';
import { type LatestRun, executionArnFor, findLatestRun } from '../lib/contract/runs';
import { findInChain } from './errors';

/** Options of {@link RunReader}. */
export interface RunReaderOptions {
  /** The state machine named by the stack's `StateMachineArn` output. */
  readonly stateMachineArn: string;
  /** The CLI's Step Functions client. */
  readonly client: SFNClient;
}

/** Reads a batch prediction's runs from Step Functions. */
export class RunReader {
  constructor(private readonly options: RunReaderOptions) {}

  /**
   * The id's latest run (its highest restart, then that run's latest hand-over); undefined when the
   * id has never had a run.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
   */
  latestRun(batchPredictionId: string): Promise<LatestRun | undefined> {
    return findLatestRun(batchPredictionId, (name) => this.describe(name));
  }

  /** One execution by name; undefined when there is none (`ExecutionDoesNotExist`). */
  private async describe(executionName: string): Promise<DescribeExecutionOutput | undefined> {
    try {
      return await this.options.client.send(
        new DescribeExecutionCommand({ executionArn: executionArnFor(this.options.stateMachineArn, executionName) }),
      );
    } catch (error) {
      if (findInChain(error, ['ExecutionDoesNotExist']) !== undefined) return undefined;
      throw error;
    }
  }
}
