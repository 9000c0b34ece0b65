import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { HistoryTable } from '../../../lib/contract/history';
import { HistoryStoreRequestError, HistoryStoreUnavailableError, PollerAccessDeniedError } from '../domain/errors';
import type { RecordOutcome, HistoryStore, TransitionRecord } from '../ports';
import { describeSdkError, isAccessDeniedSdkError, isTransientSdkError, sdkErrorName } from './sdk-errors';
import type { AdapterOptions } from './adapter-options';

/** Options of {@link DynamoDbHistoryStore}. */
export interface DynamoDbHistoryStoreOptions extends AdapterOptions<DynamoDBClient> {
  /** The history table's name. */
  readonly tableName: string;
}

/**
 * The DynamoDB history table: one item per transition, written conditionally so that a retried
 * poll never writes a transition twice.
 */
export class DynamoDbHistoryStore implements HistoryStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbHistoryStoreOptions) {
    // A document client over the given one: it shares its connections and configuration.
    // `removeUndefinedValues`: records carry optional fields (e.g. a snapshot without `message`).
    this.client = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
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

  /**
   * The id's items with `published = false`, in sort-key order (oldest run first), with strong
   * consistency. A query of the id's partition with a filter: a batch prediction has a few items per
   * run, so a sparse index for the outbox would cost a second write per transition for no gain.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html
   */
  async unpublished(batchPredictionId: string): Promise<TransitionRecord[]> {
    const items: TransitionRecord[] = [];
    try {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :id',
          FilterExpression: 'published = :false',
          ExpressionAttributeNames: { '#pk': HistoryTable.PARTITION_KEY },
          ExpressionAttributeValues: { ':id': batchPredictionId, ':false': false },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) items.push(...((page.Items ?? []) as TransitionRecord[]));
    } catch (error) {
      throw translate(error, 'Query');
    }
    return items;
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
}

function translate(error: unknown, operation: string): Error {
  const options = { cause: error };
  if (isAccessDeniedSdkError(error)) return new PollerAccessDeniedError(`dynamodb:${operation}`, options);
  if (isTransientSdkError(error)) return new HistoryStoreUnavailableError(`${operation} failed: ${describeSdkError(error)}`, options);
  return new HistoryStoreRequestError(`${operation} failed: ${describeSdkError(error)}`, options);
}
