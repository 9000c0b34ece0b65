import { DetailType } from '../../lib/contract/events';
import { PollerErrorName } from '../../lib/contract/errors';
import { EventBridgeEventPublisher } from '../../lambda/shared/adapters/event-bridge-event-publisher';
import { EventBusNotFoundError } from '../../lambda/shared/domain/errors';
import { pollingFailedEventId } from '../../lambda/shared/domain/identifiers';
import { createReportFailureHandler, defaultReportFailureDependencies } from '../../lambda/report-failure/report-failure-handler';
import type { ReportFailureDependencies, ReportFailureRequest } from '../../lambda/report-failure/report-polling-failure';
import { RecordingSink, TARGET, executionFor } from '../domain/support/fakes';

const EXECUTION = executionFor('bp-1');
const NOW = '2024-05-02T10:00:00.000Z';

function fakeDeps(): ReportFailureDependencies & { sink: RecordingSink } {
  return { sink: new RecordingSink(), target: TARGET, now: () => new Date(NOW) };
}

const NOT_FOUND: ReportFailureRequest = {
  state: { batchPredictionId: 'bp-1' },
  failure: {
    Error: 'BatchPredictionNotFoundError',
    Cause: JSON.stringify({ errorType: 'BatchPredictionNotFoundError', errorMessage: 'no such id', trace: [] }),
  },
  execution: EXECUTION,
};

describe('createReportFailureHandler', () => {
  it('publishes a polling-failed event and returns what the Fail state needs', async () => {
    // Prepare
    const deps = fakeDeps();
    const handler = createReportFailureHandler({ dependencies: () => deps });

    // Act
    const result = await handler(NOT_FOUND, { awsRequestId: 'req-1' });

    // Assess
    expect(result).toEqual({
      error: 'BatchPredictionNotFoundError',
      cause: 'no such id',
      eventId: pollingFailedEventId(EXECUTION.id, 'BatchPredictionNotFoundError'),
      reason: 'NOT_FOUND',
    });
    expect(deps.sink.published).toHaveLength(1);
    expect(deps.sink.published[0]).toMatchObject({ DetailType: DetailType.POLLING_FAILED, EventBusName: TARGET.eventBusName, Time: NOW });
  });

  it('builds its dependencies once across invocations', async () => {
    const deps = fakeDeps();
    const factory = jest.fn(() => deps);
    const handler = createReportFailureHandler({ dependencies: factory });

    await handler(NOT_FOUND);
    await handler(NOT_FOUND);

    expect(factory).toHaveBeenCalledTimes(1);
    expect(deps.sink.published).toHaveLength(2);
  });

  it('rethrows a publishing error unchanged', async () => {
    // Prepare
    const deps = fakeDeps();
    const error = new EventBusNotFoundError('poller-bus');
    deps.sink.failNext(1, error);
    const handler = createReportFailureHandler({ dependencies: () => deps });

    // Act
    const failure = handler(NOT_FOUND);

    // Assess
    await expect(failure).rejects.toBe(error);
    await expect(failure).rejects.toHaveProperty('name', PollerErrorName.EVENT_BUS_NOT_FOUND);
  });
});

describe('defaultReportFailureDependencies', () => {
  const KEYS = ['POLLER_ACCOUNT_ID', 'POLLER_EVENT_BUS_NAME', 'POLLER_HISTORY_TABLE_NAME'] as const;
  let saved: Record<string, string | undefined>;

  beforeEach(() => {
    saved = Object.fromEntries(KEYS.map((key) => [key, process.env[key]]));
  });

  afterEach(() => {
    for (const key of KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('wires the real publisher and the target from the environment', () => {
    // Prepare
    process.env.POLLER_ACCOUNT_ID = '123456789012';
    process.env.POLLER_EVENT_BUS_NAME = 'poller-bus';
    process.env.POLLER_HISTORY_TABLE_NAME = 'poller-history';

    // Act
    const deps = defaultReportFailureDependencies();

    // Assess
    expect(deps.sink).toBeInstanceOf(EventBridgeEventPublisher);
    expect(deps.target.eventBusName).toBe('poller-bus');
    expect(deps.target.arnOf('bp-1')).toBe('arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-1');
    expect(deps.now()).toBeInstanceOf(Date);
  });

  it('fails the invocation with PollerConfigError when the environment is incomplete', async () => {
    // Prepare
    process.env.POLLER_ACCOUNT_ID = '123456789012';
    delete process.env.POLLER_EVENT_BUS_NAME;
    process.env.POLLER_HISTORY_TABLE_NAME = 'poller-history';
    const handler = createReportFailureHandler();

    // Act
    const failure = handler(NOT_FOUND);

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: PollerErrorName.CONFIGURATION,
      message: expect.stringContaining('POLLER_EVENT_BUS_NAME'),
    });
  });
});
