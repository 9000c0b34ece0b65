import { RequestListener } from 'node:http';
import { ServiceError, awsJsonListener } from './aws-json-server';
import { ExecutionRecord, LocalStepFunctions } from './step-functions';

/**
 * The Step Functions API (awsJson1_0, target prefix `AWSStepFunctions`) over the local executions:
 * `StartExecution`, `DescribeExecution` and `ListExecutions`, for the starter function and the CLI.
 * Each call is recorded in {@link LocalStepFunctions.calls} with the ARN it is about, for the
 * least-privilege test. (The state machine's own continue-as-new starts do not come through here.)
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
        stepFunctions.calls.push({ service: 'states', operation: 'StartExecution', resource: String(input.stateMachineArn ?? '') });
        let parsed: unknown = {};
        if (typeof input.input === 'string') {
          try {
            parsed = JSON.parse(input.input);
          } catch {
            throw new ServiceError('InvalidExecutionInput', 'Invalid execution input: not JSON');
          }
        }
        const name = typeof input.name === 'string' ? input.name : `local-${stepFunctions.executions.length + 1}`;
        const started = stepFunctions.startExecution(String(input.stateMachineArn ?? ''), name, parsed);
        return { executionArn: started.executionArn, startDate: started.startDate };
      },
      DescribeExecution: (input) => {
        stepFunctions.calls.push({ service: 'states', operation: 'DescribeExecution', resource: String(input.executionArn ?? '') });
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
        stepFunctions.calls.push({ service: 'states', operation: 'ListExecutions', resource: String(input.stateMachineArn ?? '') });
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
