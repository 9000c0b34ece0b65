import { randomUUID } from 'node:crypto';
import { RequestListener } from 'node:http';
import { ServiceError, awsJsonListener } from './aws-json-server';
import { ExecutionRecord, LocalStepFunctions } from './step-functions';

/**
 * The Step Functions API (awsJson1_0, target prefix `AWSStepFunctions`) over the local executions:
 * `StartExecution`, `DescribeExecution` and `ListExecutions`, for the starter function and the CLI.
 */
export function stepFunctionsListener(stepFunctions: LocalStepFunctions): RequestListener {
  const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
  const describe = (e: ExecutionRecord) => ({
    executionArn: e.arn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startMs),
    ...(e.stopMs !== undefined ? { stopDate: seconds(e.stopMs) } : {}),
  });
  return awsJsonListener(
    {
      StartExecution: (input) => {
        let parsed: unknown = {};
        if (typeof input.input === 'string') {
          try {
            parsed = JSON.parse(input.input);
          } catch {
            throw new ServiceError('InvalidExecutionInput', 'Invalid execution input: not JSON');
          }
        }
        // Without a name, Step Functions names the execution with a UUID.
        // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html#StepFunctions-StartExecution-request-name
        const name = typeof input.name === 'string' ? input.name : randomUUID();
        const started = stepFunctions.startExecution(String(input.stateMachineArn ?? ''), name, parsed);
        return { executionArn: started.executionArn, startDate: started.startDate };
      },
      DescribeExecution: (input) => {
        const execution = stepFunctions.describe(String(input.executionArn ?? ''));
        if (execution === undefined) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
        return {
          ...describe(execution),
          input: execution.inputText,
          ...(execution.output !== undefined ? { output: JSON.stringify(execution.output) } : {}),
          ...(execution.error !== undefined ? { error: execution.error } : {}),
          ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
        };
      },
      ListExecutions: (input) => {
        const all = stepFunctions.executions
          .filter((e) => e.stateMachineArn === input.stateMachineArn)
          .filter((e) => input.statusFilter === undefined || e.status === input.statusFilter)
          .sort((a, b) => b.startMs - a.startMs || b.ordinal - a.ordinal);
        const offset = typeof input.nextToken === 'string' ? Number(input.nextToken) : 0;
        const limit = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 100;
        const page = all.slice(offset, offset + limit);
        return { executions: page.map(describe), ...(offset + limit < all.length ? { nextToken: String(offset + limit) } : {}) };
      },
    },
    'application/x-amz-json-1.0',
  );
}
