import { createHash } from 'node:crypto';
import { BATCH_PREDICTION_FIELDS, type SnapshotFieldName } from '../../../lib/contract/snapshot-fields';
import { ServiceError } from '../../core/service-error';
import type { RequestListener } from 'node:http';
import { type Operation, awsJsonListener } from '../aws-json-server';
import { InvalidInputError, pageOf, parseBatchPredictionQuery, selectBatchPredictions } from './batch-prediction-query';
import type { FaultPlan } from '../../scenarios/faults';
import type { BatchPredictionScenario } from '../../scenarios/scenario';
import type { RecordedCall } from '../../core/recorded-call';
import type { VirtualClock } from '../../core/virtual-clock';
import { ServedStandIn, type StandInClientConfig } from '../stand-in';
import { MachineLearningClient } from '@aws-sdk/client-machine-learning';

/**
 * Amazon ML stand-in (awsJson1_1, target prefix `AmazonML_20141212`): answers
 * `GetBatchPrediction` and `DescribeBatchPredictions` from the scenario's timelines at the
 * simulated time.
 */
export class MachineLearningStandIn extends ServedStandIn<'machineLearning'> {
  readonly service = 'machinelearning';
  readonly clientKey = 'machineLearning';
  readonly calls: RecordedCall[] = [];
  /** Every successful `GetBatchPrediction` answer, in order: what the poller could observe. */
  readonly answered: { readonly id: string; readonly status: string; readonly atMs: number }[] = [];
  private readonly byId: Map<string, BatchPredictionScenario>;

  constructor(
    batchPredictions: readonly BatchPredictionScenario[],
    private readonly clock: VirtualClock,
    private readonly faults: FaultPlan,
    private readonly account: string,
  ) {
    super();
    this.byId = new Map(batchPredictions.map((bp) => [bp.id, bp]));
  }

  /** The Amazon ML client the handlers reach it with. */
  createClient(config: StandInClientConfig): MachineLearningClient {
    return new MachineLearningClient(config);
  }

  protected listener(): RequestListener {
    return awsJsonListener(this.operations(), 'application/x-amz-json-1.1');
  }

  /** The dispatch table: every operation this stand-in serves (docs/local-runtime.md's inventory is checked against it). */
  operations(): Readonly<Record<string, Operation>> {
    return {
      GetBatchPrediction: (input) => this.getBatchPrediction(input),
      DescribeBatchPredictions: (input) => this.describeBatchPredictions(input),
    };
  }

  /** The answer for `id` now, or undefined if it does not exist (yet). */
  answerFor(id: string): Record<string, unknown> | undefined {
    const bp = this.byId.get(id);
    if (bp === undefined || bp.missing) return undefined;
    const elapsed = this.clock.elapsedSeconds();
    const reached = bp.timeline.filter((e) => e.at <= elapsed);
    if (reached.length === 0) return undefined;
    const current = reached[reached.length - 1];
    const at = (seconds: number) => (this.clock.startMs + seconds * 1000) / 1000;
    const started = reached.find((e) => e.status === 'INPROGRESS');
    const finished = reached.find((e) => e.status === 'COMPLETED' || e.status === 'FAILED');
    const signature = createHash('sha256').update(id).digest('hex');
    const answer: Record<string, unknown> = {
      BatchPredictionId: id,
      MLModelId: `ml-${id}`,
      BatchPredictionDataSourceId: `ds-${id}`,
      InputDataLocationS3: `s3://local-ml-input/${id}/records.csv`,
      CreatedByIamUser: `arn:aws:iam::${this.account}:user/ml-engineer`,
      CreatedAt: at(reached[0].at),
      LastUpdatedAt: at(current.at),
      Name: `Batch prediction ${id}`,
      Status: current.status,
      OutputUri: `s3://local-ml-output/${id}/`,
      // Presigned, as Amazon ML returns it: the poller must never broadcast the query string.
      LogUri: `https://local-ml-logs.s3.amazonaws.com/${id}/log.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDLOCAL%2F20260105&X-Amz-Signature=${signature}`,
      ...(started ? { StartedAt: at(started.at) } : {}),
      ...(finished ? { FinishedAt: at(finished.at) } : {}),
      ...(current.status === 'COMPLETED' && started ? { ComputeTime: Math.round((current.at - started.at) * 1000) } : {}),
      ...(current.status === 'FAILED' ? { Message: 'The batch prediction failed to run to completion.' } : {}),
    };
    for (const entry of reached) {
      for (const [key, value] of Object.entries(entry.fields)) {
        const { apiName, kind } = BATCH_PREDICTION_FIELDS[key as SnapshotFieldName];
        answer[apiName] = kind === 'time' && typeof value === 'string' ? Date.parse(value) / 1000 : value;
      }
    }
    return answer;
  }

  private getBatchPrediction(input: Record<string, unknown>): unknown {
    const id = String(input.BatchPredictionId ?? '');
    this.calls.push({ service: 'machinelearning', operation: 'GetBatchPrediction', resource: id });
    const fault = this.faults.take('GetBatchPrediction', [id]);
    if (fault?.kind === 'error') throw fault.error;
    // Amazon ML's own id rule, as the real service validates it.
    if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(id)) throw new ServiceError('InvalidInputException', `BatchPredictionId "${id}" is invalid`);
    const answer = this.answerFor(id);
    if (answer === undefined) throw new ServiceError('ResourceNotFoundException', `No BatchPrediction with id ${id} exists`);
    this.answered.push({ id, status: String(answer.Status), atMs: this.clock.nowMs() });
    return answer;
  }

  /**
   * Every filter variable and operator, `SortOrder`, `Limit` and `NextToken`, validated as the API
   * does (`local/stand-ins/machine-learning/batch-prediction-query.ts`). Results have `BatchPrediction`'s fields, which are
   * `GetBatchPrediction`'s without `LogUri`.
   * @see https://docs.aws.amazon.com/machine-learning/latest/APIReference/API_DescribeBatchPredictions.html
   */
  private describeBatchPredictions(input: Record<string, unknown>): unknown {
    this.calls.push({ service: 'machinelearning', operation: 'DescribeBatchPredictions' });
    const fault = this.faults.take('DescribeBatchPredictions', []);
    if (fault?.kind === 'error') throw fault.error;
    let query: ReturnType<typeof parseBatchPredictionQuery>;
    try {
      query = parseBatchPredictionQuery(input);
    } catch (error) {
      if (error instanceof InvalidInputError) throw new ServiceError(error.errorType, error.message);
      throw error;
    }
    const all = [...this.byId.keys()]
      .map((id) => this.answerFor(id))
      .filter((a): a is Record<string, unknown> => a !== undefined)
      .map(({ LogUri: _presigned, ...listed }) => listed);
    return pageOf(selectBatchPredictions(all, query), query);
  }
}
