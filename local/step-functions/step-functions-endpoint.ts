import { createHash, randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { ServiceError } from '../core/service-error';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type Operation, awsJsonListener } from '../stand-ins/aws-json-server';
import { ServedStandIn, type StandInClientConfig } from '../stand-ins/stand-in';
import { wireEvent } from './execution-history';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  HistoryNotKeptError,
  type LocalStepFunctions,
  type StateMachineRecord,
} from './step-functions';

const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
/** `maxResults` of the List and GetExecutionHistory operations: 0 (the default, 100) to 1000. */
const MAX_RESULTS = 1000;
const DEFAULT_RESULTS = 100;
/** StopExecution's `error` and `cause` limits. @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html */
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32768;

/** The local Step Functions as a stand-in: its API served on an endpoint of its own. */
export class StepFunctionsStandIn extends ServedStandIn<'stepFunctions'> {
  readonly service = 'sfn';
  readonly clientKey = 'stepFunctions';

  constructor(private readonly stepFunctions: LocalStepFunctions) {
    super();
  }

  protected listener(): RequestListener {
    return stepFunctionsListener(this.stepFunctions);
  }

  /** The Step Functions client the starter reaches it with. */
  createClient(config: StandInClientConfig): SFNClient {
    return new SFNClient(config);
  }
}

/**
 * The Step Functions API (awsJson1_0, target prefix `AWSStepFunctions`) over the local executions,
 * for the starter function, the CLI and the aws CLI / SDKs in `--serve` mode.
 * Each call is recorded in {@link LocalStepFunctions.calls} with the ARN it is about, for the
 * least-privilege test. (The state machine's own continue-as-new starts do not come through here.)
 */
export function stepFunctionsListener(stepFunctions: LocalStepFunctions): RequestListener {
  const recorded = Object.entries(stepFunctionsOperations(stepFunctions)).map(([operation, serve]): [string, Operation] => [
    operation,
    (input) => {
      stepFunctions.calls.push({ service: 'states', operation, resource: String(input.stateMachineArn ?? input.executionArn ?? '') });
      return serve(input);
    },
  ]);
  return awsJsonListener(Object.fromEntries(recorded), 'application/x-amz-json-1.0');
}

/**
 * The dispatch table: every Step Functions operation served, with the API's shapes and errors
 * (InvalidArn, StateMachineDoesNotExist, ExecutionDoesNotExist, InvalidToken, ValidationException).
 * The operation inventory in docs/local-runtime.md is checked against its keys.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */
export function stepFunctionsOperations(stepFunctions: LocalStepFunctions): Readonly<Record<string, Operation>> {
  return {
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
      const execution = stepFunctions.execution(String(input.executionArn ?? ''));
      return {
        ...summary(execution),
        input: execution.inputText,
        inputDetails: { included: true },
        ...(execution.output !== undefined ? { output: JSON.stringify(execution.output), outputDetails: { included: true } } : {}),
        ...(execution.error !== undefined ? { error: execution.error } : {}),
        ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
      };
    },
    ListExecutions: (input) => {
      const stateMachineArn = String(input.stateMachineArn ?? '');
      stepFunctions.stateMachine(stateMachineArn);
      const statusFilter = input.statusFilter;
      if (statusFilter !== undefined && !EXECUTION_STATUSES.includes(statusFilter as ExecutionStatus)) {
        throw validation(
          `Value '${String(statusFilter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`,
        );
      }
      const all = stepFunctions.executions
        .filter((e) => e.stateMachineArn === stateMachineArn)
        .filter((e) => statusFilter === undefined || e.status === statusFilter)
        .sort((a, b) => b.startMs - a.startMs || b.ordinal - a.ordinal);
      const { items, nextToken } = paged(all, input, [stateMachineArn, statusFilter]);
      return { executions: items.map(summary), ...(nextToken !== undefined ? { nextToken } : {}) };
    },
    ListStateMachines: (input) => {
      const { items, nextToken } = paged(stepFunctions.stateMachines(), input, ['ListStateMachines']);
      return {
        stateMachines: items.map((m) => ({
          stateMachineArn: m.info.arn,
          name: m.info.name,
          type: 'STANDARD',
          creationDate: m.creationMs / 1000,
        })),
        ...(nextToken !== undefined ? { nextToken } : {}),
      };
    },
    DescribeStateMachine: (input) => {
      const machine = stepFunctions.stateMachine(String(input.stateMachineArn ?? ''));
      return { ...definitionOf(machine), status: 'ACTIVE', type: 'STANDARD', creationDate: machine.creationMs / 1000 };
    },
    DescribeStateMachineForExecution: (input) => {
      const execution = stepFunctions.execution(String(input.executionArn ?? ''));
      const machine = stepFunctions.stateMachine(execution.stateMachineArn);
      return { ...definitionOf(machine), updateDate: machine.creationMs / 1000 };
    },
    GetExecutionHistory: (input) => {
      const executionArn = String(input.executionArn ?? '');
      let events: ReturnType<typeof stepFunctions.history>;
      try {
        events = stepFunctions.history(executionArn);
      } catch (error) {
        if (error instanceof HistoryNotKeptError) throw new ServiceError('ValidationException', error.message);
        throw error;
      }
      if (input.reverseOrder === true) events.reverse();
      const includeExecutionData = input.includeExecutionData !== false;
      const { items, nextToken } = paged(events, input, [executionArn, input.reverseOrder === true]);
      return { events: items.map((e) => wireEvent(e, includeExecutionData)), ...(nextToken !== undefined ? { nextToken } : {}) };
    },
    StopExecution: (input) => {
      const { error, cause } = input;
      if (error !== undefined && (typeof error !== 'string' || error.length > MAX_ERROR_LENGTH)) {
        throw validation(
          `Value at 'error' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ERROR_LENGTH}`,
        );
      }
      if (cause !== undefined && (typeof cause !== 'string' || cause.length > MAX_CAUSE_LENGTH)) {
        throw validation(
          `Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to ${MAX_CAUSE_LENGTH}`,
        );
      }
      return stepFunctions.stopExecution(String(input.executionArn ?? ''), error as string | undefined, cause as string | undefined);
    },
  };
}

function summary(e: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: e.arn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startMs / 1000,
    ...(e.stopMs !== undefined && e.status !== 'RUNNING' ? { stopDate: e.stopMs / 1000 } : {}),
  };
}

/** What DescribeStateMachine and DescribeStateMachineForExecution share: the definition and its settings. */
function definitionOf(machine: StateMachineRecord): Record<string, unknown> {
  const { info } = machine;
  const logging = info.loggingConfiguration ?? {};
  const destinations = Array.isArray(logging.Destinations)
    ? (logging.Destinations as { CloudWatchLogsLogGroup?: { LogGroupArn?: string } }[])
    : [];
  return {
    stateMachineArn: info.arn,
    name: info.name,
    definition: JSON.stringify(info.definition),
    roleArn: info.roleArn ?? `arn:aws:iam::${info.arn.split(':')[4]}:role/local`,
    loggingConfiguration: {
      level: typeof logging.Level === 'string' ? logging.Level : 'OFF',
      includeExecutionData: logging.IncludeExecutionData === true,
      ...(destinations.length > 0
        ? { destinations: destinations.map((d) => ({ cloudWatchLogsLogGroup: { logGroupArn: d.CloudWatchLogsLogGroup?.LogGroupArn } })) }
        : {}),
    },
    tracingConfiguration: { enabled: info.tracingConfiguration?.Enabled === true },
  };
}

function validation(problem: string): ServiceError {
  return new ServiceError('ValidationException', `1 validation error detected: ${problem}`);
}

/**
 * One page of `items`: `maxResults` (0 or absent: 100; at most 1000) from the position `nextToken`
 * names. A token is opaque and valid only for the request it came from (`scope`), as in AWS.
 * @throws ServiceError ValidationException (maxResults), InvalidToken
 */
function paged<T>(
  items: readonly T[],
  input: Readonly<Record<string, unknown>>,
  scope: readonly unknown[],
): { items: T[]; nextToken?: string } {
  const maxResults = input.maxResults ?? 0;
  if (!(typeof maxResults === 'number' && Number.isInteger(maxResults) && maxResults >= 0 && maxResults <= MAX_RESULTS)) {
    throw validation(
      `Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and ${MAX_RESULTS}`,
    );
  }
  const limit = maxResults === 0 ? DEFAULT_RESULTS : maxResults;
  const fingerprint = createHash('sha256').update(JSON.stringify(scope)).digest('hex').slice(0, 16);
  let offset = 0;
  if (input.nextToken !== undefined) {
    const token = String(input.nextToken);
    let parsed: { o?: unknown; q?: unknown } = {};
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    } catch {
      // Not one of ours: refused below.
    }
    if (!(Number.isInteger(parsed.o) && (parsed.o as number) >= 0 && parsed.q === fingerprint)) {
      throw new ServiceError(
        'InvalidToken',
        `Invalid Token: '${token}' is not a nextToken of this request; repeat the request that returned it, with its other arguments unchanged`,
      );
    }
    offset = parsed.o as number;
  }
  const end = offset + limit;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { nextToken: Buffer.from(JSON.stringify({ o: end, q: fingerprint })).toString('base64url') } : {}),
  };
}
