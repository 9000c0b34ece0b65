/**
 * Shared by the CLI tests: mocked AWS clients (aws-sdk-client-mock on the real client classes, so
 * no request leaves the process), a captured output sink, a fixed clock and history fixtures.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { BatchPredictionStatus } from '../../lib/contract/events';
import type { CliOutput } from '../../cli/commands';
import { type MainOptions, createClients, main } from '../../cli/main';
import type { TransitionRecord } from '../../lambda/shared/ports';

export const REGION = 'eu-west-1';
export const STACK = 'BatchPredictionPoller';
export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:BatchPredictionPoller-Poller';
export const TABLE = 'BatchPredictionPoller-HistoryTable-1ABC';
/** "Now" for every test: durations such as "for 5m" are computed against it. */
export const NOW = new Date('2024-05-01T12:00:00.000Z');

export const cloudFormation = mockClient(CloudFormationClient);
export const stepFunctions = mockClient(SFNClient);
export const dynamoDb = mockClient(DynamoDBDocumentClient);

/** Resets the mocks and answers DescribeStacks with the poller's outputs. */
export function resetMocks(): void {
  cloudFormation.reset();
  stepFunctions.reset();
  dynamoDb.reset();
  cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).resolves({
    Stacks: [
      {
        StackName: STACK,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2024-04-01T00:00:00Z'),
        Outputs: [
          { OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE_ARN },
          { OutputKey: 'EventBusName', OutputValue: 'ml-events' },
          { OutputKey: 'HistoryTableName', OutputValue: TABLE },
          { OutputKey: 'AlertTopicArn', OutputValue: 'arn:aws:sns:eu-west-1:123456789012:alerts' },
        ],
      },
    ],
  });
}

export function restoreMocks(): void {
  cloudFormation.restore();
  stepFunctions.restore();
  dynamoDb.restore();
}

/** An SDK v3 error as the SDK raises service errors: a name and the HTTP status. */
export function sdkError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

/** Runs the CLI in-process against the mocks; resolves with the exit code and what it printed. */
export async function run(argv: string[], options: Partial<MainOptions> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: CliOutput = { stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  const code = await main(argv, { output, clients: (region) => createClients(region ?? REGION), now: () => NOW, ...options });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A history item as the poll handler writes it. */
export function record(
  batchPredictionId: string,
  runId: string,
  sequence: number,
  previousStatus: BatchPredictionStatus | null,
  status: BatchPredictionStatus,
  observedAt: string,
  published = true,
): TransitionRecord {
  return {
    batchPredictionId,
    transitionKey: `${runId}#${String(sequence).padStart(6, '0')}`,
    runId,
    sequence,
    status,
    previousStatus,
    eventId: `evt-${batchPredictionId}-${sequence}`,
    observedAt,
    snapshot: { batchPredictionId, status },
    event: {
      Source: 'batch-prediction-poller',
      DetailType: 'Batch Prediction Status Change',
      Detail: '{}',
      Resources: [],
      Time: observedAt,
      EventBusName: 'ml-events',
    },
    published,
  };
}

export const RUN_1 = '2024-05-01T10:00:00.000Z/bp-scores';

/** bp-scores: one run, PENDING → INPROGRESS after 10m 25s → COMPLETED after 50m. */
export const SCORES = [
  record('bp-scores', RUN_1, 1, null, 'PENDING', '2024-05-01T10:00:05.000Z'),
  record('bp-scores', RUN_1, 2, 'PENDING', 'INPROGRESS', '2024-05-01T10:10:30.000Z'),
  record('bp-scores', RUN_1, 3, 'INPROGRESS', 'COMPLETED', '2024-05-01T11:00:30.000Z'),
];

export const CHURN_RUN_1 = '2024-04-20T08:00:00.000Z/bp-churn';
export const CHURN_RUN_2 = '2024-05-01T09:00:00.000Z/bp-churn';

/** bp-churn: a first run that ended at FAILED, then a second run still INPROGRESS. */
export const CHURN = [
  record('bp-churn', CHURN_RUN_1, 1, null, 'PENDING', '2024-04-20T08:00:01.000Z'),
  record('bp-churn', CHURN_RUN_1, 2, 'PENDING', 'FAILED', '2024-04-21T10:30:01.000Z'),
  record('bp-churn', CHURN_RUN_2, 1, null, 'PENDING', '2024-05-01T09:00:02.000Z'),
  record('bp-churn', CHURN_RUN_2, 2, 'PENDING', 'INPROGRESS', '2024-05-01T09:00:47.000Z', false),
];
