import {
  GetBatchPredictionCommand,
  type GetBatchPredictionCommandOutput,
  type MachineLearningClient,
} from '@aws-sdk/client-machine-learning';
import type { BatchPredictionSnapshot } from '../../../lib/contract/events';
import {
  BatchPredictionNotFoundError,
  InvalidBatchPredictionInputError,
  MachineLearningRequestError,
  MachineLearningUnavailableError,
  PollerAccessDeniedError,
} from '../domain/errors';
import { toSnapshot } from '../domain/snapshot';
import type { BatchPredictionReader } from '../ports';
import { describeSdkError, isAccessDeniedSdkError, isTransientSdkError, sdkErrorName } from './sdk-errors';
import type { AdapterOptions } from './adapter-options';

/**
 * Reads batch predictions with Amazon ML `GetBatchPrediction` and turns SDK errors into the
 * poller's named errors.
 */
export class MachineLearningBatchPredictionReader implements BatchPredictionReader {
  private readonly client: MachineLearningClient;

  constructor(options: AdapterOptions<MachineLearningClient>) {
    this.client = options.client;
  }

  /**
   * @throws BatchPredictionNotFoundError, InvalidBatchPredictionInputError, PollerAccessDeniedError,
   *   MachineLearningUnavailableError (retryable), MachineLearningRequestError,
   *   UnknownBatchPredictionStatusError
   */
  async get(batchPredictionId: string): Promise<BatchPredictionSnapshot> {
    let answer: GetBatchPredictionCommandOutput;
    try {
      answer = await this.client.send(new GetBatchPredictionCommand({ BatchPredictionId: batchPredictionId }));
    } catch (error) {
      throw translate(error, batchPredictionId);
    }
    return toSnapshot(batchPredictionId, answer);
  }
}

function translate(error: unknown, batchPredictionId: string): Error {
  const name = sdkErrorName(error);
  const options = { cause: error };
  if (name === 'ResourceNotFoundException') return new BatchPredictionNotFoundError(batchPredictionId, options);
  if (name === 'InvalidInputException') {
    return new InvalidBatchPredictionInputError(`Amazon ML rejected id "${batchPredictionId}": ${describeSdkError(error)}`, options);
  }
  if (isAccessDeniedSdkError(error)) return new PollerAccessDeniedError('machinelearning:GetBatchPrediction', options);
  if (isTransientSdkError(error))
    return new MachineLearningUnavailableError(`GetBatchPrediction failed: ${describeSdkError(error)}`, options);
  return new MachineLearningRequestError(`GetBatchPrediction failed: ${describeSdkError(error)}`, options);
}
