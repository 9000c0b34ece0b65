import {
  DescribeBatchPredictionsCommand,
  type DescribeBatchPredictionsCommandInput,
  type DescribeBatchPredictionsCommandOutput,
  InternalServerException,
  InvalidInputException,
  MachineLearningClient,
} from '@aws-sdk/client-machine-learning';
import { type AwsCommand, mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { PollerErrorName } from '../../lib/contract/errors';
import { MachineLearningBatchPredictionLister } from '../../lambda/shared/adapters/machine-learning-batch-prediction-lister';
import { MachineLearningRequestError, MachineLearningUnavailableError, PollerAccessDeniedError } from '../../lambda/shared/domain/errors';

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
// casts are the only place the test steps around that (as in batch-prediction-reader.test.ts).
const mlMock = mockClient(MachineLearningClient as unknown as Parameters<typeof mockClient>[0]);
const DescribeBatchPredictions = DescribeBatchPredictionsCommand as unknown as new (
  input: DescribeBatchPredictionsCommandInput,
) => AwsCommand<DescribeBatchPredictionsCommandInput, DescribeBatchPredictionsCommandOutput>;
const lister = new MachineLearningBatchPredictionLister({ client: new MachineLearningClient({}) });

/** One page of results. */
const page = (ids: Array<string | undefined>, nextToken?: string): DescribeBatchPredictionsCommandOutput => ({
  $metadata: { httpStatusCode: 200 },
  Results: ids.map((id) => ({ BatchPredictionId: id, Status: 'PENDING' })),
  ...(nextToken === undefined ? {} : { NextToken: nextToken }),
});

/** The inputs of every DescribeBatchPredictions the mock received, in order. */
const sentInputs = () => mlMock.commandCalls(DescribeBatchPredictions).map((call) => call.args[0].input);

beforeEach(() => {
  mlMock.reset();
});

afterAll(() => {
  mlMock.restore();
});

describe('MachineLearningBatchPredictionLister', () => {
  it.each(['PENDING', 'INPROGRESS'] as const)(
    'filters on Status = %s (FilterVariable Status, EQ) and returns the ids of a single page',
    async (status) => {
      // Prepare
      mlMock.on(DescribeBatchPredictions).resolves(page(['bp-1', 'bp-2']));

      // Act
      const ids = await lister.listIds(status);

      // Assess
      expect(ids).toEqual(['bp-1', 'bp-2']);
      expect(mlMock).toHaveReceivedCommandTimes(DescribeBatchPredictions, 1);
      expect(sentInputs()).toEqual([{ FilterVariable: 'Status', EQ: status, NextToken: undefined, Limit: 100 }]);
    },
  );

  it('follows NextToken through every page, passing each token back, and concatenates the ids in order', async () => {
    // Prepare
    mlMock
      .on(DescribeBatchPredictions)
      .resolvesOnce(page(['bp-1', 'bp-2'], 'token-2'))
      .resolvesOnce(page(['bp-3'], 'token-3'))
      .resolvesOnce(page(['bp-4']));

    // Act
    const ids = await lister.listIds('INPROGRESS');

    // Assess
    expect(ids).toEqual(['bp-1', 'bp-2', 'bp-3', 'bp-4']);
    expect(sentInputs()).toEqual([
      { FilterVariable: 'Status', EQ: 'INPROGRESS', NextToken: undefined, Limit: 100 },
      { FilterVariable: 'Status', EQ: 'INPROGRESS', NextToken: 'token-2', Limit: 100 },
      { FilterVariable: 'Status', EQ: 'INPROGRESS', NextToken: 'token-3', Limit: 100 },
    ]);
  });

  it('keeps paging through an empty page that still carries a NextToken', async () => {
    mlMock
      .on(DescribeBatchPredictions)
      .resolvesOnce(page([], 'token-2'))
      .resolvesOnce(page(['bp-9']));
    await expect(lister.listIds('PENDING')).resolves.toEqual(['bp-9']);
    expect(mlMock).toHaveReceivedCommandTimes(DescribeBatchPredictions, 2);
  });

  it('stops on an empty NextToken', async () => {
    mlMock
      .on(DescribeBatchPredictions)
      .resolvesOnce(page(['bp-1'], ''))
      .resolvesOnce(page(['bp-never']));
    await expect(lister.listIds('PENDING')).resolves.toEqual(['bp-1']);
    expect(mlMock).toHaveReceivedCommandTimes(DescribeBatchPredictions, 1);
  });

  it('returns no ids for an answer without Results, and skips results without an id', async () => {
    mlMock
      .on(DescribeBatchPredictions)
      .resolvesOnce({ $metadata: {}, NextToken: 'token-2' })
      .resolvesOnce(page([undefined, 'bp-2', '']));
    await expect(lister.listIds('PENDING')).resolves.toEqual(['bp-2']);
  });

  it.each<[string, () => Error, new (...args: never[]) => Error, string, RegExp]>([
    [
      'AccessDeniedException',
      () => sdkError('AccessDeniedException', 400),
      PollerAccessDeniedError,
      PollerErrorName.ACCESS_DENIED,
      /machinelearning:DescribeBatchPredictions was denied/,
    ],
    [
      'UnrecognizedClientException',
      () => sdkError('UnrecognizedClientException', 400),
      PollerAccessDeniedError,
      PollerErrorName.ACCESS_DENIED,
      /machinelearning:DescribeBatchPredictions/,
    ],
    [
      'InternalServerException (HTTP 500)',
      () => new InternalServerException({ message: 'oops', $metadata: { httpStatusCode: 500 } }),
      MachineLearningUnavailableError,
      PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
      /DescribeBatchPredictions failed: InternalServerException: oops/,
    ],
    [
      'ThrottlingException',
      () => sdkError('ThrottlingException', 400),
      MachineLearningUnavailableError,
      PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
      /DescribeBatchPredictions failed: ThrottlingException/,
    ],
    [
      'a 429',
      () => sdkError('TooManyRequests', 429),
      MachineLearningUnavailableError,
      PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
      /TooManyRequests/,
    ],
    [
      'a network failure',
      () => sdkError('Error', undefined, { code: 'ECONNRESET' }),
      MachineLearningUnavailableError,
      PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
      /DescribeBatchPredictions failed/,
    ],
    [
      'InvalidInputException',
      () => new InvalidInputException({ message: 'bad filter', $metadata: { httpStatusCode: 400 } }),
      MachineLearningRequestError,
      PollerErrorName.MACHINE_LEARNING_REQUEST,
      /DescribeBatchPredictions failed: InvalidInputException: bad filter/,
    ],
    [
      'a 400 of unknown name',
      () => sdkError('BrandNewException', 400),
      MachineLearningRequestError,
      PollerErrorName.MACHINE_LEARNING_REQUEST,
      /DescribeBatchPredictions failed: BrandNewException/,
    ],
  ])('maps %s to the poller error, keeping the SDK error as cause', async (_label, makeError, expectedClass, name, message) => {
    // Prepare
    const sdk = makeError();
    mlMock.on(DescribeBatchPredictions).rejects(sdk);

    // Act
    const failure = lister.listIds('PENDING');

    // Assess
    await expect(failure).rejects.toBeInstanceOf(expectedClass);
    await expect(failure).rejects.toMatchObject({ name, message: expect.stringMatching(message), cause: sdk });
  });

  it('fails the whole listing when a later page fails (no partial list)', async () => {
    // Prepare
    const sdk = sdkError('ThrottlingException', 400);
    mlMock
      .on(DescribeBatchPredictions)
      .resolvesOnce(page(['bp-1'], 'token-2'))
      .rejectsOnce(sdk);

    // Act
    const failure = lister.listIds('PENDING');

    // Assess
    await expect(failure).rejects.toBeInstanceOf(MachineLearningUnavailableError);
    expect(mlMock).toHaveReceivedCommandTimes(DescribeBatchPredictions, 2);
  });
});
