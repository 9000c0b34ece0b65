import {
  type BatchPredictionSnapshot,
  DetailType,
  type PollingFailedDetail,
  type PollingFailureReason,
  type StatusChangeDetail,
} from '../../lib/contract/events';
import {
  type EventTarget,
  type FailedRun,
  buildPollingFailedDetail,
  buildStatusChangeDetail,
  failureReasonOf,
  toEventEntry,
} from '../../lambda/shared/domain/events';
import { pollingFailedEventId, statusChangeEventId } from '../../lambda/shared/domain/identifiers';

const RUN_ID = '2024-05-01T10:00:00.000Z/bp-1';
const OBSERVED_AT = '2024-05-01T10:05:00.000Z';
const SNAPSHOT: BatchPredictionSnapshot = { batchPredictionId: 'bp-1', status: 'INPROGRESS', mlModelId: 'ml-1' };
const TARGET: EventTarget = {
  eventBusName: 'poller-bus',
  source: 'batch-prediction-poller',
  arnOf: (id) => `arn:aws:machinelearning:us-east-1:123456789012:batchprediction/${id}`,
};

describe('buildStatusChangeDetail', () => {
  it('carries the transition, the snapshot and a deterministic event id', () => {
    // Act
    const detail = buildStatusChangeDetail({ previousStatus: 'PENDING', status: 'INPROGRESS', sequence: 2 }, SNAPSHOT, RUN_ID, OBSERVED_AT);

    // Assess
    const expected: StatusChangeDetail = {
      batchPredictionId: 'bp-1',
      previousStatus: 'PENDING',
      status: 'INPROGRESS',
      eventId: statusChangeEventId(RUN_ID, 2, 'INPROGRESS'),
      sequence: 2,
      observedAt: OBSERVED_AT,
      runId: RUN_ID,
      batchPrediction: SNAPSHOT,
    };
    expect(detail).toEqual(expected);
  });

  it('keeps previousStatus null on the first observation', () => {
    const detail = buildStatusChangeDetail(
      { previousStatus: null, status: 'PENDING', sequence: 1 },
      { ...SNAPSHOT, status: 'PENDING' },
      RUN_ID,
      OBSERVED_AT,
    );
    expect(detail.previousStatus).toBeNull();
    expect(JSON.parse(JSON.stringify(detail))).toHaveProperty('previousStatus', null);
  });

  it('gives the same event id when the same transition is observed again later', () => {
    const transition = { previousStatus: 'PENDING' as const, status: 'INPROGRESS' as const, sequence: 2 };
    const first = buildStatusChangeDetail(transition, SNAPSHOT, RUN_ID, OBSERVED_AT);
    const again = buildStatusChangeDetail(transition, SNAPSHOT, RUN_ID, '2024-05-01T10:06:00.000Z');
    expect(again.eventId).toBe(first.eventId);
  });
});

describe('failureReasonOf', () => {
  it.each<[string, PollingFailureReason]>([
    ['BatchPredictionNotFoundError', 'NOT_FOUND'],
    ['InvalidBatchPredictionInputError', 'INVALID_INPUT'],
    ['RunInputNotAnObjectError', 'INVALID_INPUT'],
    ['PollingDeadlineExceededError', 'TIMED_OUT'],
    ['States.Timeout', 'TIMED_OUT'],
    ['PollerAccessDeniedError', 'ERROR'],
    ['MachineLearningUnavailableError', 'ERROR'],
    ['EventPublishError', 'ERROR'],
    ['UnknownBatchPredictionStatusError', 'ERROR'],
    ['States.TaskFailed', 'ERROR'],
    ['States.Runtime', 'ERROR'],
    ['', 'ERROR'],
    // Names inherited from Object.prototype must not be looked up as reasons.
    ['constructor', 'ERROR'],
    ['toString', 'ERROR'],
    ['__proto__', 'ERROR'],
  ])('%s → %s', (errorName, reason) => {
    expect(failureReasonOf(errorName)).toBe(reason);
  });
});

describe('buildPollingFailedDetail', () => {
  const run: FailedRun = {
    batchPredictionId: 'bp-1',
    executionId: 'arn:aws:states:us-east-1:123456789012:execution:poller:bp-1',
    error: 'BatchPredictionNotFoundError',
    cause: 'Amazon ML has no batch prediction with id "bp-1"',
    lastStatus: null,
    runId: null,
    observedAt: OBSERVED_AT,
  };

  it('carries the run, the reason and a deterministic event id', () => {
    const expected: PollingFailedDetail = {
      batchPredictionId: 'bp-1',
      reason: 'NOT_FOUND',
      error: 'BatchPredictionNotFoundError',
      cause: run.cause,
      lastStatus: null,
      runId: null,
      observedAt: OBSERVED_AT,
      eventId: pollingFailedEventId(run.executionId, 'BatchPredictionNotFoundError'),
    };
    expect(buildPollingFailedDetail(run)).toEqual(expected);
  });

  it.each<[string, PollingFailureReason]>([
    ['States.Timeout', 'TIMED_OUT'],
    ['InvalidBatchPredictionInputError', 'INVALID_INPUT'],
    ['HistoryStoreUnavailableError', 'ERROR'],
  ])('maps error %s to reason %s', (error, reason) => {
    expect(buildPollingFailedDetail({ ...run, error, lastStatus: 'INPROGRESS', runId: RUN_ID })).toMatchObject({
      reason,
      error,
      lastStatus: 'INPROGRESS',
      runId: RUN_ID,
    });
  });
});

describe('toEventEntry', () => {
  it('wraps a status-change detail for PutEvents', () => {
    // Prepare
    const detail = buildStatusChangeDetail({ previousStatus: 'PENDING', status: 'INPROGRESS', sequence: 2 }, SNAPSHOT, RUN_ID, OBSERVED_AT);

    // Act
    const entry = toEventEntry(DetailType.STATUS_CHANGE, detail, TARGET);

    // Assess
    expect(entry).toEqual({
      Source: 'batch-prediction-poller',
      DetailType: 'Batch Prediction Status Change',
      Detail: JSON.stringify(detail),
      Resources: ['arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-1'],
      Time: OBSERVED_AT,
      EventBusName: 'poller-bus',
    });
    expect(JSON.parse(entry.Detail)).toEqual(detail);
  });

  it('wraps a polling-failed detail for PutEvents', () => {
    const detail = buildPollingFailedDetail({
      batchPredictionId: 'bp-9',
      executionId: 'exec',
      error: 'States.Timeout',
      cause: '',
      lastStatus: 'PENDING',
      runId: RUN_ID,
      observedAt: OBSERVED_AT,
    });
    const entry = toEventEntry(DetailType.POLLING_FAILED, detail, TARGET);
    expect(entry.DetailType).toBe('Batch Prediction Polling Failed');
    expect(entry.Resources).toEqual(['arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-9']);
    expect(JSON.parse(entry.Detail)).toEqual(detail);
  });
});
