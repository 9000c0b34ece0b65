import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDbHistoryStore } from '../../lambda/shared/adapters/dynamo-db-history-store';
import { HistoryStoreRequestError, HistoryStoreUnavailableError, PollerAccessDeniedError } from '../../lambda/shared/domain/errors';
import type { TransitionRecord } from '../../lambda/shared/ports';

const TABLE = 'poller-history';
const RUN_ID = '2024-05-01T10:00:00.000Z/bp-1';

function transition(sequence: number, published = false): TransitionRecord {
  const transitionKey = `${RUN_ID}#${String(sequence).padStart(6, '0')}`;
  return {
    batchPredictionId: 'bp-1',
    transitionKey,
    runId: RUN_ID,
    sequence,
    status: 'PENDING',
    previousStatus: null,
    eventId: `event-${sequence}`,
    observedAt: '2024-05-01T10:00:00.000Z',
    snapshot: { batchPredictionId: 'bp-1', status: 'PENDING' },
    event: {
      Source: 'batch-prediction-poller',
      DetailType: 'Batch Prediction Status Change',
      Detail: '{}',
      Resources: [],
      Time: '2024-05-01T10:00:00.000Z',
      EventBusName: 'poller-bus',
    },
    published,
  };
}

/** An error shaped as SDK v3 raises errors it has no modelled class for. */
function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode } });
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const ddbMock = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbHistoryStore({ tableName: TABLE, client: new DynamoDBClient({}) });

beforeEach(() => {
  ddbMock.reset();
});

afterAll(() => {
  ddbMock.restore();
});

describe('DynamoDbHistoryStore.record', () => {
  it('writes the record only if no item exists at its key', async () => {
    // Prepare
    ddbMock.on(PutCommand).resolves({});
    const record = transition(1);

    // Act
    const outcome = await store.record(record);

    // Assess
    expect(outcome).toEqual({ created: true });
    expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: record,
      ConditionExpression: 'attribute_not_exists(#sk)',
      ExpressionAttributeNames: { '#sk': 'transitionKey' },
    });
    expect(ddbMock).not.toHaveReceivedCommand(GetCommand);
  });

  it('reads the existing item back with a consistent read when the condition fails', async () => {
    // Prepare
    const existing = transition(1, true);
    ddbMock.on(PutCommand).rejects(conditionFailed());
    ddbMock.on(GetCommand).resolves({ Item: existing });

    // Act
    const outcome = await store.record(transition(1));

    // Assess
    expect(outcome).toEqual({ created: false, existing });
    expect(ddbMock).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { batchPredictionId: 'bp-1', transitionKey: `${RUN_ID}#000001` },
      ConsistentRead: true,
    });
  });

  it('fails retryably when the condition failed but the item cannot be read back', async () => {
    ddbMock.on(PutCommand).rejects(conditionFailed());
    ddbMock.on(GetCommand).resolves({});
    await expect(store.record(transition(1))).rejects.toBeInstanceOf(HistoryStoreUnavailableError);
  });

  it('maps a throttled read-back to HistoryStoreUnavailableError', async () => {
    ddbMock.on(PutCommand).rejects(conditionFailed());
    ddbMock.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(store.record(transition(1))).rejects.toMatchObject({
      name: 'HistoryStoreUnavailableError',
      message: expect.stringContaining('GetItem failed'),
    });
  });

  it.each<[string, () => Error, new (...args: never[]) => Error, RegExp]>([
    [
      'ProvisionedThroughputExceededException',
      () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } }),
      HistoryStoreUnavailableError,
      /PutItem failed: ProvisionedThroughputExceededException: slow down/,
    ],
    ['ThrottlingException', () => sdkError('ThrottlingException', 400), HistoryStoreUnavailableError, /ThrottlingException/],
    ['a 503', () => sdkError('ServiceUnavailable', 503), HistoryStoreUnavailableError, /ServiceUnavailable/],
    [
      'ResourceNotFoundException (table missing)',
      () => new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: { httpStatusCode: 400 } }),
      HistoryStoreRequestError,
      /PutItem failed: ResourceNotFoundException: Requested resource not found/,
    ],
    ['ValidationException', () => sdkError('ValidationException', 400), HistoryStoreRequestError, /ValidationException/],
    ['AccessDeniedException', () => sdkError('AccessDeniedException', 400), PollerAccessDeniedError, /dynamodb:PutItem was denied/],
  ])('maps %s on the write to the poller error', async (_label, makeError, expectedClass, message) => {
    // Prepare
    const sdk = makeError();
    ddbMock.on(PutCommand).rejects(sdk);

    // Act
    const failure = store.record(transition(1));

    // Assess
    await expect(failure).rejects.toBeInstanceOf(expectedClass);
    await expect(failure).rejects.toMatchObject({ name: expectedClass.name, message: expect.stringMatching(message), cause: sdk });
    expect(ddbMock).not.toHaveReceivedCommand(GetCommand);
  });
});

describe('DynamoDbHistoryStore.markPublished', () => {
  it('sets the outbox flag on the existing item', async () => {
    ddbMock.on(UpdateCommand).resolves({});

    await store.markPublished(transition(2));

    expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { batchPredictionId: 'bp-1', transitionKey: `${RUN_ID}#000002` },
      UpdateExpression: 'SET published = :true',
      ConditionExpression: 'attribute_exists(#sk)',
      ExpressionAttributeNames: { '#sk': 'transitionKey' },
      ExpressionAttributeValues: { ':true': true },
    });
  });

  it.each<[string, () => Error, new (...args: never[]) => Error]>([
    [
      'a throttled update',
      () => new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} }),
      HistoryStoreUnavailableError,
    ],
    ['an update of a missing item', conditionFailed, HistoryStoreRequestError],
  ])('maps %s to the poller error', async (_label, makeError, expectedClass) => {
    ddbMock.on(UpdateCommand).rejects(makeError());
    await expect(store.markPublished(transition(2))).rejects.toMatchObject({
      name: expectedClass.name,
      message: expect.stringContaining('UpdateItem failed'),
    });
  });
});

describe('DynamoDbHistoryStore.unpublished', () => {
  it("queries the id's partition, strongly consistent, for items not yet published, across every page, in key order", async () => {
    // Prepare: two pages.
    ddbMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [transition(1)], LastEvaluatedKey: { batchPredictionId: 'bp-1', transitionKey: transition(1).transitionKey } })
      .resolvesOnce({ Items: [transition(3)] });

    // Act
    const items = await store.unpublished('bp-1');

    // Assess
    expect(items.map((i) => i.sequence)).toEqual([1, 3]);
    expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(ddbMock).toHaveReceivedNthCommandWith(1, QueryCommand, {
      TableName: TABLE,
      KeyConditionExpression: '#pk = :id',
      FilterExpression: 'published = :false',
      ExpressionAttributeNames: { '#pk': 'batchPredictionId' },
      ExpressionAttributeValues: { ':id': 'bp-1', ':false': false },
      ConsistentRead: true,
    });
    expect(ddbMock).toHaveReceivedNthCommandWith(2, QueryCommand, {
      ExclusiveStartKey: { batchPredictionId: 'bp-1', transitionKey: transition(1).transitionKey },
    });
  });

  it.each<[string, () => Error, new (...args: never[]) => Error]>([
    ['throttling', () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }), HistoryStoreUnavailableError],
    ['access denied', () => sdkError('AccessDeniedException', 400), PollerAccessDeniedError],
    ['a missing table', () => new ResourceNotFoundException({ message: 'no table', $metadata: {} }), HistoryStoreRequestError],
  ])('maps %s to our named error', async (_what, error, expected) => {
    ddbMock.on(QueryCommand).rejects(error());
    await expect(store.unpublished('bp-1')).rejects.toBeInstanceOf(expected);
  });
});
