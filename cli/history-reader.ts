/**
 * The CLI's read side of the history table: one batch prediction's transitions (`Query`) for
 * `history`, and the latest-status fields of every item (a projected `Scan`) for `list`. The table's
 * layout (keys, sort order) and its items are the contract's ({@link HistoryTable},
 * {@link HistoryItem}); the Lambda's history store is the only writer. Errors are the SDK's own,
 * unwrapped: the commands word them (see `errors.ts`).
 */
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { HistoryTable } from '../lib/contract/history';
import type { HistoryItem } from '../lib/contract/history';

/** The attributes `list` reads from every item (the snapshot and event stay behind). */
const LIST_ATTRIBUTES = [
  HistoryTable.PARTITION_KEY,
  HistoryTable.SORT_KEY,
  'runId',
  'sequence',
  'status',
  'previousStatus',
  'observedAt',
  'eventId',
] as const satisfies readonly (keyof HistoryItem)[];

/** An item as `list`'s Scan returns it: the {@link LIST_ATTRIBUTES} only. */
export type ListedItem = Pick<HistoryItem, (typeof LIST_ATTRIBUTES)[number]>;

/** Options of {@link HistoryReader}. */
export interface HistoryReaderOptions {
  /** The table named by the stack's `HistoryTableName` output. */
  readonly tableName: string;
  /** The CLI's document client. */
  readonly client: DynamoDBDocumentClient;
}

/** Reads the history table, every page of each answer. */
export class HistoryReader {
  constructor(private readonly options: HistoryReaderOptions) {}

  /**
   * Every transition of every run of one batch prediction, in sort-key order (oldest run first):
   * a `Query` on the partition key.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
   */
  transitionsOf(batchPredictionId: string): Promise<HistoryItem[]> {
    return this.allPages<HistoryItem>((startKey) =>
      this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: '#pk = :id',
          ExpressionAttributeNames: { '#pk': HistoryTable.PARTITION_KEY },
          ExpressionAttributeValues: { ':id': batchPredictionId },
          ScanIndexForward: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
  }

  /**
   * Every item of the table, projected to {@link LIST_ATTRIBUTES}: a `Scan`. The attribute names
   * go through `ExpressionAttributeNames` because `status` is a DynamoDB reserved word.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html
   */
  listedItems(): Promise<ListedItem[]> {
    return this.allPages<ListedItem>((startKey) =>
      this.options.client.send(
        new ScanCommand({
          TableName: this.options.tableName,
          ProjectionExpression: LIST_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(LIST_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
          ExclusiveStartKey: startKey,
        }),
      ),
    );
  }

  /**
   * Every page of a Query or Scan: an answer holds at most 1 MB of items, and `LastEvaluatedKey`
   * says where the next page starts.
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
   */
  private async allPages<T>(page: (startKey: Record<string, unknown> | undefined) => Promise<Page>): Promise<T[]> {
    const items: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await page(startKey);
      items.push(...((answer.Items ?? []) as T[]));
      startKey = answer.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }
}

/** What {@link HistoryReader.allPages} reads of a Query or Scan answer. */
interface Page {
  readonly Items?: readonly Record<string, unknown>[];
  readonly LastEvaluatedKey?: Record<string, unknown>;
}
