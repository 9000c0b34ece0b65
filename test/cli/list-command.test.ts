import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import type { TransitionRecord } from '../../lambda/shared/ports';
import { CHURN, CHURN_RUN_2, RUN_1, SCORES, TABLE, dynamoDb, resetMocks, restoreMocks, run } from './support';

beforeEach(resetMocks);
afterAll(restoreMocks);

describe('list', () => {
  /** Answers Scan with the records' list attributes, in pages of `pageSize`. */
  function scan(records: readonly TransitionRecord[], pageSize = 100): void {
    dynamoDb.on(ScanCommand).callsFake((input: { ExclusiveStartKey?: { page: number } }) => {
      const page = input.ExclusiveStartKey?.page ?? 0;
      const items = records
        .slice(page * pageSize, (page + 1) * pageSize)
        .map(({ batchPredictionId, transitionKey, runId, sequence, status, previousStatus, observedAt, eventId }) => ({
          batchPredictionId,
          transitionKey,
          runId,
          sequence,
          status,
          previousStatus,
          observedAt,
          eventId,
        }));
      return { Items: items, LastEvaluatedKey: (page + 1) * pageSize < records.length ? { page: page + 1 } : undefined };
    });
  }

  test('the latest status of every batch prediction, from every page of a projected Scan', async () => {
    scan([...SCORES, ...CHURN].reverse(), 2);
    const { code, stdout, stderr } = await run(['list']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual([
      'BATCH PREDICTION  STATUS      FOR     SINCE                     PREVIOUS    RUN',
      `bp-churn          INPROGRESS  2h 59m  2024-05-01T09:00:47.000Z  PENDING     ${CHURN_RUN_2}`,
      `bp-scores         COMPLETED   —       2024-05-01T11:00:30.000Z  INPROGRESS  ${RUN_1}`,
      '',
      '2 batch predictions: 1 COMPLETED, 1 INPROGRESS',
    ]);
    expect(dynamoDb).toHaveReceivedCommandTimes(ScanCommand, 4);
    const input = dynamoDb.commandCalls(ScanCommand)[0].args[0].input;
    expect(input.TableName).toBe(TABLE);
    expect(Object.values(input.ExpressionAttributeNames ?? {})).toEqual(
      expect.arrayContaining(['batchPredictionId', 'transitionKey', 'status', 'previousStatus', 'observedAt', 'runId']),
    );
    expect(Object.values(input.ExpressionAttributeNames ?? {})).not.toContain('snapshot');
  });

  test('--status keeps the matching latest statuses only (an earlier FAILED run does not count)', async () => {
    scan([...SCORES, ...CHURN]);
    const failed = await run(['list', '--status', 'FAILED']);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toBe('no batch predictions with status FAILED');

    const some = await run(['list', '--status', 'inprogress,pending']);
    expect(some.stdout.split('\n')[1]).toMatch(/^bp-churn\s+INPROGRESS/);
    expect(some.stdout).not.toContain('bp-scores');
  });

  test('--json: one document with the filter and the entries', async () => {
    scan([...SCORES, ...CHURN]);
    const { code, stdout } = await run(['list', '--json', '--status', 'COMPLETED']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      tableName: TABLE,
      statusFilter: ['COMPLETED'],
      batchPredictions: [
        {
          batchPredictionId: 'bp-scores',
          status: 'COMPLETED',
          previousStatus: 'INPROGRESS',
          observedAt: '2024-05-01T11:00:30.000Z',
          terminal: true,
          runId: RUN_1,
          sequence: 3,
          eventId: 'evt-bp-scores-3',
        },
      ],
    });
  });

  test('an empty table says how to start tracking', async () => {
    scan([]);
    const text = await run(['list']);
    expect(text).toEqual({
      code: 0,
      stdout: 'no batch predictions tracked yet; start one with batch-prediction-poller watch <id>',
      stderr: '',
    });
    const json = await run(['list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ tableName: TABLE, statusFilter: null, batchPredictions: [] });
  });
});
