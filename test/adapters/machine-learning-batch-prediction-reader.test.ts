import {
  GetBatchPredictionCommand,
  type GetBatchPredictionCommandInput,
  type GetBatchPredictionCommandOutput,
  InternalServerException,
  InvalidInputException,
  MachineLearningClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-machine-learning';
import { type AwsCommand, mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PollerErrorName } from '../../lib/contract/errors';
import { MachineLearningBatchPredictionReader } from '../../lambda/shared/adapters/machine-learning-batch-prediction-reader';
import {
  BatchPredictionNotFoundError,
  InvalidBatchPredictionInputError,
  MachineLearningRequestError,
  MachineLearningUnavailableError,
  PollerAccessDeniedError,
  UnknownBatchPredictionStatusError,
} from '../../lambda/shared/domain/errors';

/** An error shaped as SDK v3 raises errors it has no modelled class for. */
function sdkError(name: string, httpStatusCode: number | undefined, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
    ...extra,
  });
}

// @aws-sdk/client-machine-learning 3.523 is built on an older @smithy/types than aws-sdk-client-mock
// 4.1, so its classes fail the mock's type signatures although they work at run time. These two
// casts are the only place the test steps around that.
const mlMock = mockClient(MachineLearningClient as unknown as Parameters<typeof mockClient>[0]);
const GetBatchPrediction = GetBatchPredictionCommand as unknown as new (
  input: GetBatchPredictionCommandInput,
) => AwsCommand<GetBatchPredictionCommandInput, GetBatchPredictionCommandOutput>;
const reader = new MachineLearningBatchPredictionReader({ client: new MachineLearningClient({}) });

beforeEach(() => {
  mlMock.reset();
});

afterAll(() => {
  mlMock.restore();
});

describe('MachineLearningBatchPredictionReader', () => {
  it('sends GetBatchPrediction for the id and maps the answer to a snapshot', async () => {
    // Prepare
    mlMock.on(GetBatchPrediction).resolves({
      $metadata: { httpStatusCode: 200 },
      BatchPredictionId: 'bp-1',
      MLModelId: 'ml-1',
      BatchPredictionDataSourceId: 'ds-1',
      InputDataLocationS3: 's3://bucket/in.csv',
      CreatedByIamUser: 'arn:aws:iam::123456789012:user/alice',
      CreatedAt: new Date('2024-05-01T09:00:00.000Z'),
      LastUpdatedAt: new Date('2024-05-01T10:00:00.000Z'),
      Name: 'nightly',
      Status: 'INPROGRESS',
      OutputUri: 's3://bucket/out/',
      LogUri: 'https://bucket.s3.amazonaws.com/log.txt?X-Amz-Signature=abc&X-Amz-Credential=AKID',
      Message: 'working',
      StartedAt: new Date('2024-05-01T09:01:00.000Z'),
      TotalRecordCount: 10,
      InvalidRecordCount: 0,
    });

    // Act
    const snapshot = await reader.get('bp-1');

    // Assess
    expect(mlMock).toHaveReceivedCommandTimes(GetBatchPrediction, 1);
    expect(mlMock).toHaveReceivedCommandWith(GetBatchPrediction, { BatchPredictionId: 'bp-1' });
    expect(snapshot).toStrictEqual({
      batchPredictionId: 'bp-1',
      mlModelId: 'ml-1',
      batchPredictionDataSourceId: 'ds-1',
      inputDataLocationS3: 's3://bucket/in.csv',
      createdByIamUser: 'arn:aws:iam::123456789012:user/alice',
      createdAt: '2024-05-01T09:00:00.000Z',
      lastUpdatedAt: '2024-05-01T10:00:00.000Z',
      name: 'nightly',
      status: 'INPROGRESS',
      outputUri: 's3://bucket/out/',
      logUri: 'https://bucket.s3.amazonaws.com/log.txt',
      message: 'working',
      startedAt: '2024-05-01T09:01:00.000Z',
      totalRecordCount: 10,
      invalidRecordCount: 0,
    });
  });

  it('throws UnknownBatchPredictionStatusError for a status the contract does not know', async () => {
    mlMock
      .on(GetBatchPrediction)
      .resolves({ $metadata: {}, BatchPredictionId: 'bp-1', Status: 'RUNNING' as GetBatchPredictionCommandOutput['Status'] });
    await expect(reader.get('bp-1')).rejects.toBeInstanceOf(UnknownBatchPredictionStatusError);
    await expect(reader.get('bp-1')).rejects.toHaveProperty('name', PollerErrorName.UNKNOWN_STATUS);
  });

  it.each<[string, () => Error, new (...args: never[]) => Error, RegExp]>([
    [
      'ResourceNotFoundException',
      () => new ResourceNotFoundException({ message: 'No BatchPrediction with id bp-1', $metadata: {} }),
      BatchPredictionNotFoundError,
      /no batch prediction with id "bp-1"/,
    ],
    [
      'InvalidInputException',
      () => new InvalidInputException({ message: 'bad id', $metadata: { httpStatusCode: 400 } }),
      InvalidBatchPredictionInputError,
      /Amazon ML rejected id "bp-1": InvalidInputException: bad id/,
    ],
    [
      // The SDK fills $metadata from the HTTP answer; Amazon ML answers this error with a 500.
      'InternalServerException (HTTP 500)',
      () => new InternalServerException({ message: 'oops', $metadata: { httpStatusCode: 500 } }),
      MachineLearningUnavailableError,
      /GetBatchPrediction failed: InternalServerException: oops/,
    ],
    [
      'AccessDeniedException',
      () => sdkError('AccessDeniedException', 400),
      PollerAccessDeniedError,
      /machinelearning:GetBatchPrediction was denied/,
    ],
    [
      'UnrecognizedClientException',
      () => sdkError('UnrecognizedClientException', 400),
      PollerAccessDeniedError,
      /machinelearning:GetBatchPrediction/,
    ],
    ['ThrottlingException', () => sdkError('ThrottlingException', 400), MachineLearningUnavailableError, /ThrottlingException/],
    ['a 503 of any name', () => sdkError('ServiceUnavailable', 503), MachineLearningUnavailableError, /ServiceUnavailable/],
    ['a 429', () => sdkError('TooManyRequests', 429), MachineLearningUnavailableError, /TooManyRequests/],
    [
      'a network failure',
      () => sdkError('Error', undefined, { code: 'ECONNRESET' }),
      MachineLearningUnavailableError,
      /GetBatchPrediction failed/,
    ],
    ['an SDK timeout', () => sdkError('TimeoutError', undefined), MachineLearningUnavailableError, /TimeoutError/],
    ['an error the SDK marks retryable', () => sdkError('Whatever', 400, { $retryable: {} }), MachineLearningUnavailableError, /Whatever/],
    [
      'a 400 of unknown name',
      () => sdkError('BrandNewException', 400),
      MachineLearningRequestError,
      /GetBatchPrediction failed: BrandNewException: BrandNewException happened/,
    ],
  ])('maps %s to the poller error', async (_label, makeError, expectedClass, message) => {
    // Prepare
    const sdk = makeError();
    mlMock.on(GetBatchPrediction).rejects(sdk);

    // Act
    const failure = reader.get('bp-1');

    // Assess
    await expect(failure).rejects.toBeInstanceOf(expectedClass);
    await expect(failure).rejects.toMatchObject({ name: expectedClass.name, message: expect.stringMatching(message), cause: sdk });
  });
});
