/**
 * The failure report (a run that could not finish publishes Batch Prediction Polling Failed), run
 * against an in-memory event sink.
 */
import { DetailType, type PollingFailedDetail } from '../../lib/contract/events';
import { EventPublishError } from '../../lambda/shared/domain/errors';
import { pollingFailedEventId } from '../../lambda/shared/domain/identifiers';
import { type ReportFailureRequest, readableCause, reportPollingFailure } from '../../lambda/report-failure/report-polling-failure';
import { RecordingSink, START_TIME, TARGET, executionFor } from './support/fakes';

const ID = 'bp-1';
const RUN_ID = `${START_TIME}/${ID}`;
const ARN = 'arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-1';

describe('reportPollingFailure', () => {
  const NOW = '2024-05-02T10:00:00.000Z';
  const execution = executionFor(ID);

  function report(request: Omit<ReportFailureRequest, 'execution'>) {
    const sink = new RecordingSink();
    const run = reportPollingFailure({ ...request, execution }, { sink, target: TARGET, now: () => new Date(NOW) });
    return { sink, run };
  }

  it('maps BatchPredictionNotFoundError to NOT_FOUND and publishes the Lambda error message as cause', async () => {
    // Prepare
    const message = 'Amazon ML has no batch prediction with id "bp-1" in this account and region';
    const cause = JSON.stringify({ errorType: 'BatchPredictionNotFoundError', errorMessage: message, trace: ['at get (reader.ts:1)'] });

    // Act
    const { sink, run } = report({ state: { batchPredictionId: ID }, failure: { Error: 'BatchPredictionNotFoundError', Cause: cause } });
    const { result, detail } = await run;

    // Assess
    const eventId = pollingFailedEventId(execution.id, 'BatchPredictionNotFoundError');
    expect(result).toEqual({ error: 'BatchPredictionNotFoundError', cause: message, eventId, reason: 'NOT_FOUND' });
    expect(detail).toEqual<PollingFailedDetail>({
      batchPredictionId: ID,
      reason: 'NOT_FOUND',
      error: 'BatchPredictionNotFoundError',
      cause: message,
      lastStatus: null,
      runId: null,
      observedAt: NOW,
      eventId,
    });
    expect(sink.published).toEqual([
      {
        Source: TARGET.source,
        DetailType: DetailType.POLLING_FAILED,
        Detail: JSON.stringify(detail),
        Resources: [ARN],
        Time: NOW,
        EventBusName: TARGET.eventBusName,
      },
    ]);
    expect(sink.published[0].Detail).not.toContain('trace');
  });

  it.each<[string, unknown, string]>([
    ['an id with a space and a slash', { batchPredictionId: 'bad id/1' }, 'bad id/1'],
    ['a numeric id', { batchPredictionId: 42 }, ''],
    ['no id', { batchPredictionID: ID }, ''],
    ['input that is not an object', 'bp-1', ''],
    ['null input', null, ''],
    ['an id of 300 characters', { batchPredictionId: 'a'.repeat(300) }, 'a'.repeat(256)],
  ])('maps invalid input with %s to INVALID_INPUT and empty resources', async (_label, state, reportedId) => {
    // Act
    const { sink, run } = report({ state, failure: { Error: 'InvalidBatchPredictionInputError', Cause: 'bad input' } });
    const { result, detail } = await run;

    // Assess
    expect(result.reason).toBe('INVALID_INPUT');
    expect(detail.batchPredictionId).toBe(reportedId);
    expect(sink.published).toHaveLength(1);
    expect(sink.published[0].Resources).toEqual([]);
  });

  it('carries the run id and last status of the loop state, dropping an unknown status', async () => {
    const known = await report({
      state: { batchPredictionId: ID, runId: RUN_ID, lastStatus: 'INPROGRESS' },
      failure: { Error: 'States.Timeout', Cause: 'The execution timed out' },
    }).run;
    expect(known.detail).toMatchObject({ runId: RUN_ID, lastStatus: 'INPROGRESS', reason: 'TIMED_OUT', cause: 'The execution timed out' });

    const unknown = await report({ state: { batchPredictionId: ID, lastStatus: 'RUNNING', runId: 7 }, failure: { Error: 'X' } }).run;
    expect(unknown.detail).toMatchObject({ lastStatus: null, runId: null, reason: 'ERROR', cause: '' });
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 12],
  ])('reports an error that is %s as States.Runtime', async (_label, errorName) => {
    const { result } = await report({ state: { batchPredictionId: ID }, failure: { Error: errorName } }).run;
    expect(result).toMatchObject({ error: 'States.Runtime', reason: 'ERROR' });
  });

  it('lets a publishing failure through', async () => {
    const sink = new RecordingSink();
    const failure = new EventPublishError('PutEvents failed');
    sink.failNext(1, failure);
    await expect(
      reportPollingFailure(
        { state: { batchPredictionId: ID }, failure: { Error: 'X' }, execution },
        { sink, target: TARGET, now: () => new Date(NOW) },
      ),
    ).rejects.toBe(failure);
  });
});

describe('readableCause', () => {
  it.each<[string, unknown, string]>([
    ['a Lambda error', JSON.stringify({ errorType: 'E', errorMessage: 'the message', trace: ['t'] }), 'the message'],
    ['a plain Step Functions cause', 'The execution timed out', 'The execution timed out'],
    ['JSON without errorMessage', '{"a":1}', '{"a":1}'],
    ['JSON with a non-string errorMessage', '{"errorMessage":5}', '{"errorMessage":5}'],
    ['a JSON string literal', '"x"', '"x"'],
    ['JSON null', 'null', 'null'],
    ['no cause', undefined, ''],
    ['an object cause', { errorMessage: 'm' }, '{"errorMessage":"m"}'],
  ])('%s', (_label, cause, expected) => {
    expect(readableCause(cause)).toBe(expected);
  });
});
