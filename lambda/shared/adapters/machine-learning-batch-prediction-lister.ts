import {
  DescribeBatchPredictionsCommand,
  type DescribeBatchPredictionsCommandOutput,
  type MachineLearningClient,
} from '@aws-sdk/client-machine-learning';
import { MachineLearningRequestError, MachineLearningUnavailableError, PollerAccessDeniedError } from '../domain/errors';
import type { BatchPredictionLister } from '../ports';
import { describeSdkError, isAccessDeniedSdkError, isTransientSdkError } from './sdk-errors';
import type { AdapterOptions } from './adapter-options';

/** Lists batch predictions by status with `DescribeBatchPredictions`, following every page. */
export class MachineLearningBatchPredictionLister implements BatchPredictionLister {
  private readonly client: MachineLearningClient;

  constructor(options: AdapterOptions<MachineLearningClient>) {
    this.client = options.client;
  }

  async listIds(status: 'PENDING' | 'INPROGRESS'): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      let page: DescribeBatchPredictionsCommandOutput;
      try {
        page = await this.client.send(
          new DescribeBatchPredictionsCommand({ FilterVariable: 'Status', EQ: status, NextToken: nextToken, Limit: 100 }),
        );
      } catch (error) {
        if (isAccessDeniedSdkError(error)) throw new PollerAccessDeniedError('machinelearning:DescribeBatchPredictions', { cause: error });
        if (isTransientSdkError(error))
          throw new MachineLearningUnavailableError(`DescribeBatchPredictions failed: ${describeSdkError(error)}`, { cause: error });
        throw new MachineLearningRequestError(`DescribeBatchPredictions failed: ${describeSdkError(error)}`, { cause: error });
      }
      for (const result of page.Results ?? []) if (result.BatchPredictionId) ids.push(result.BatchPredictionId);
      nextToken = page.NextToken;
    } while (nextToken);
    return ids;
  }
}
