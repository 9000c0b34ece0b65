import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HistoryTable } from '../../lib/contract';
import { HistoryStoreRequestError, HistoryStoreUnavailableError, PollerAccessDeniedError } from '../domain/errors';
import type { RecordOutcome, TransitionHistory, TransitionRecord } from '../ports';
import { describeSdkError, isAccessDeniedSdkError, isTransientSdkError, sdkErrorName } from './sdk-errors';
import { sdkClientConfig } from './sdk-http';

let defaultClient: DynamoDBDocumentClient | undefined;

function getDefaultClient(): DynamoDBDocumentClient {
  defaultClient ??= DynamoDBDocumentClient.from(new DynamoDBClient(sdkClientConfig()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return defaultClient;
}

/** Options of {@link HistoryStore}. */
export interface HistoryStoreOptions {
  readonly tableName: string;
  /** A document client. @default a shared module-scope client */
  readonly client?: DynamoDBDocumentClient;
}

/**
 * The DynamoDB history table: one item per transition, written conditionally so that a retried
 * poll never writes a transition twice.
 */
export class HistoryStore implements TransitionHistory {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: HistoryStoreOptions) {
    this.client = options.client ?? getDefaultClient();
    this.tableName = options.tableName;
  }

  async record(record: TransitionRecord): Promise<RecordOutcome> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': HistoryTable.SORT_KEY },
        }),
      );
      return { created: true };
    } catch (error) {
      if (sdkErrorName(error) !== 'ConditionalCheckFailedException') throw translate(error, 'PutItem');
    }
    // The item exists: a retried poll. Read it back (strongly consistent) to continue from it.
    const existing = await this.get(record.batchPredictionId, record.transitionKey);
    if (existing === undefined) {
      throw new HistoryStoreUnavailableError(`Transition ${record.transitionKey} failed its write condition but cannot be read back`);
    }
    return { created: false, existing };
  }

  async markPublished(record: Pick<TransitionRecord, 'batchPredictionId' | 'transitionKey'>): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [HistoryTable.PARTITION_KEY]: record.batchPredictionId, [HistoryTable.SORT_KEY]: record.transitionKey },
          UpdateExpression: 'SET published = :true',
          ConditionExpression: 'attribute_exists(#sk)',
          ExpressionAttributeNames: { '#sk': HistoryTable.SORT_KEY },
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      throw translate(error, 'UpdateItem');
    }
  }

  /** One transition, read with strong consistency. */
  async get(batchPredictionId: string, transitionKey: string): Promise<TransitionRecord | undefined> {
    try {
      const answer = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [HistoryTable.PARTITION_KEY]: batchPredictionId, [HistoryTable.SORT_KEY]: transitionKey },
          ConsistentRead: true,
        }),
      );
      return answer.Item as TransitionRecord | undefined;
    } catch (error) {
      throw translate(error, 'GetItem');
    }
  }

  /** Every transition of every run of one batch prediction, oldest first. */
  async transitionsOf(batchPredictionId: string): Promise<TransitionRecord[]> {
    const items: TransitionRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.query(batchPredictionId, true, undefined, startKey);
      items.push(...((answer.Items ?? []) as TransitionRecord[]));
      startKey = answer.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  /** The latest transition of one batch prediction: its latest known status. */
  async latestOf(batchPredictionId: string): Promise<TransitionRecord | undefined> {
    const answer = await this.query(batchPredictionId, false, 1);
    return answer.Items?.[0] as TransitionRecord | undefined;
  }

  private async query(batchPredictionId: string, forward: boolean, limit?: number, startKey?: Record<string, unknown>) {
    try {
      return await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :id',
          ExpressionAttributeNames: { '#pk': HistoryTable.PARTITION_KEY },
          ExpressionAttributeValues: { ':id': batchPredictionId },
          ScanIndexForward: forward,
          Limit: limit,
          ExclusiveStartKey: startKey,
        }),
      );
    } catch (error) {
      throw translate(error, 'Query');
    }
  }
}

function translate(error: unknown, operation: string): Error {
  const options = { cause: error };
  if (isAccessDeniedSdkError(error)) return new PollerAccessDeniedError(`dynamodb:${operation}`, options);
  if (isTransientSdkError(error)) return new HistoryStoreUnavailableError(`${operation} failed: ${describeSdkError(error)}`, options);
  return new HistoryStoreRequestError(`${operation} failed: ${describeSdkError(error)}`, options);
}
