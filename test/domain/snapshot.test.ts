import type { BatchPredictionSnapshot } from '../../lib/contract/events';
import { PollerErrorName } from '../../lib/contract/errors';
import { UnknownBatchPredictionStatusError } from '../../lambda/shared/domain/errors';
import { type GetBatchPredictionAnswer, toSnapshot, withoutPresignedQuery } from '../../lambda/shared/domain/snapshot';

const SIGNATURE = 'abcdef0123456789SIGNATURE';
const PRESIGNED_LOG_URI = `https://bucket.s3.amazonaws.com/log.txt?X-Amz-Signature=${SIGNATURE}&X-Amz-Credential=AKIDEXAMPLE%2F20240501%2Fus-east-1%2Fs3%2Faws4_request`;

/** Every one of the 17 response fields of GetBatchPrediction, as the SDK returns them. */
const FULL_ANSWER: Required<GetBatchPredictionAnswer> = {
  BatchPredictionId: 'bp-1',
  MLModelId: 'ml-1',
  BatchPredictionDataSourceId: 'ds-1',
  InputDataLocationS3: 's3://bucket/input.csv',
  CreatedByIamUser: 'arn:aws:iam::123456789012:user/alice',
  CreatedAt: new Date('2024-05-01T09:00:00.000Z'),
  LastUpdatedAt: new Date('2024-05-01T10:30:00.000Z'),
  Name: 'nightly scoring',
  Status: 'COMPLETED',
  OutputUri: 's3://bucket/output/',
  LogUri: PRESIGNED_LOG_URI,
  Message: 'done',
  ComputeTime: 12345,
  FinishedAt: new Date('2024-05-01T10:30:00.000Z'),
  StartedAt: new Date('2024-05-01T09:05:00.000Z'),
  TotalRecordCount: 1000,
  InvalidRecordCount: 3,
};

describe('toSnapshot', () => {
  it('maps all 17 fields to camelCase with ISO dates and a LogUri without its query string', () => {
    // Act
    const snapshot = toSnapshot('bp-1', FULL_ANSWER);

    // Assess
    const expected: Required<BatchPredictionSnapshot> = {
      batchPredictionId: 'bp-1',
      mlModelId: 'ml-1',
      batchPredictionDataSourceId: 'ds-1',
      inputDataLocationS3: 's3://bucket/input.csv',
      createdByIamUser: 'arn:aws:iam::123456789012:user/alice',
      createdAt: '2024-05-01T09:00:00.000Z',
      lastUpdatedAt: '2024-05-01T10:30:00.000Z',
      name: 'nightly scoring',
      status: 'COMPLETED',
      outputUri: 's3://bucket/output/',
      logUri: 'https://bucket.s3.amazonaws.com/log.txt',
      message: 'done',
      computeTime: 12345,
      finishedAt: '2024-05-01T10:30:00.000Z',
      startedAt: '2024-05-01T09:05:00.000Z',
      totalRecordCount: 1000,
      invalidRecordCount: 3,
    };
    expect(snapshot).toEqual(expected);
    expect(Object.keys(snapshot)).toHaveLength(17);
  });

  it('never leaks the presigned signature or credential', () => {
    const json = JSON.stringify(toSnapshot('bp-1', FULL_ANSWER));
    expect(json).not.toContain(SIGNATURE);
    expect(json).not.toContain('X-Amz-Credential');
    expect(json).not.toContain('?');
  });

  it('drops fields the answer leaves out rather than carrying undefined', () => {
    // Act
    const snapshot = toSnapshot('bp-1', { BatchPredictionId: 'bp-1', Status: 'PENDING' });

    // Assess
    expect(snapshot).toStrictEqual({ batchPredictionId: 'bp-1', status: 'PENDING' });
    expect(Object.keys(snapshot)).toEqual(['batchPredictionId', 'status']);
  });

  it('keeps zero counts and empty strings (present, not absent)', () => {
    const snapshot = toSnapshot('bp-1', { Status: 'COMPLETED', InvalidRecordCount: 0, ComputeTime: 0, Message: '' });
    expect(snapshot).toEqual({ batchPredictionId: 'bp-1', status: 'COMPLETED', invalidRecordCount: 0, computeTime: 0, message: '' });
  });

  it('falls back to the requested id when the answer has none', () => {
    expect(toSnapshot('bp-requested', { Status: 'INPROGRESS' }).batchPredictionId).toBe('bp-requested');
  });

  it.each(['PENDING', 'INPROGRESS', 'COMPLETED', 'FAILED', 'DELETED'])('accepts status %s', (status) => {
    expect(toSnapshot('bp-1', { Status: status }).status).toBe(status);
  });

  it.each<[string, string | undefined]>([
    ['RUNNING', 'RUNNING'],
    ['a lowercase status', 'completed'],
    ['an empty status', ''],
    ['no status', undefined],
  ])('throws UnknownBatchPredictionStatusError for %s', (_label, status) => {
    // Act
    let caught: unknown;
    try {
      toSnapshot('bp-1', { BatchPredictionId: 'bp-1', Status: status });
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(UnknownBatchPredictionStatusError);
    const error = caught as UnknownBatchPredictionStatusError;
    expect(error.name).toBe(PollerErrorName.UNKNOWN_STATUS);
    expect(error.status).toBe(status);
    expect(error.message).toContain(`status ${JSON.stringify(status)}`);
  });
});

describe('withoutPresignedQuery', () => {
  it.each([
    [PRESIGNED_LOG_URI, 'https://bucket.s3.amazonaws.com/log.txt'],
    ['https://bucket.s3.amazonaws.com/log.txt', 'https://bucket.s3.amazonaws.com/log.txt'],
    ['https://bucket.s3.amazonaws.com/log.txt#part', 'https://bucket.s3.amazonaws.com/log.txt'],
    ['https://bucket.s3.amazonaws.com/log.txt#a?b', 'https://bucket.s3.amazonaws.com/log.txt'],
    ['s3://bucket/logs/bp-1.log', 's3://bucket/logs/bp-1.log'],
    ['?only-a-query', ''],
  ])('%s → %s', (uri, expected) => {
    expect(withoutPresignedQuery(uri)).toBe(expected);
  });
});
