import { DEFAULT_EVENT_SOURCE } from '../../lib/contract/events';
import { DEFAULT_MAX_POLLS_PER_EXECUTION, DEFAULT_MAX_RUN_SECONDS } from '../../lib/contract/defaults';
import { DEFAULT_POLL_INTERVAL_POLICY } from '../../lib/contract/poll-interval-policy';
import { PollerErrorName } from '../../lib/contract/errors';
import { MachineLearningBatchPredictionReader } from '../../lambda/shared/adapters/machine-learning-batch-prediction-reader';
import { EventBridgeEventPublisher } from '../../lambda/shared/adapters/event-bridge-event-publisher';
import { DynamoDbHistoryStore } from '../../lambda/shared/adapters/dynamo-db-history-store';
import { readHandlerConfig } from '../../lambda/shared/config';
import {
  BatchPredictionNotFoundError,
  InvalidBatchPredictionInputError,
  MachineLearningUnavailableError,
} from '../../lambda/shared/domain/errors';
import type { PollDependencies } from '../../lambda/poll/poll-batch-prediction';
import { createPollHandler, defaultPollDependencies } from '../../lambda/poll/poll-handler';
import { START_TIME, executionFor, fakePollDependencies } from '../domain/support/fakes';
import { PollerConfigError } from '../../lib/contract/config-error';

const EXECUTION = executionFor('bp-1');

/** The environment the stack gives the handlers. */
const VALID_ENV: NodeJS.ProcessEnv = {
  AWS_REGION: 'us-east-1',
  POLLER_ACCOUNT_ID: '123456789012',
  POLLER_EVENT_BUS_NAME: 'poller-bus',
  POLLER_HISTORY_TABLE_NAME: 'poller-history',
};

describe('createPollHandler', () => {
  it('returns the next loop state computed from its dependencies', async () => {
    // Prepare
    const deps = fakePollDependencies();
    const handler = createPollHandler({ dependencies: () => deps });

    // Act
    const state = await handler({ state: { batchPredictionId: 'bp-1' }, execution: EXECUTION }, { awsRequestId: 'req-1' });

    // Assess
    expect(state).toMatchObject({
      batchPredictionId: 'bp-1',
      runId: `${START_TIME}/bp-1`,
      lastStatus: 'PENDING',
      sequence: 1,
      polls: 1,
      waitSeconds: 30,
    });
    expect(deps.sink.published).toHaveLength(1);
  });

  it('builds its dependencies once and reuses them on warm invocations', async () => {
    // Prepare
    const deps = fakePollDependencies();
    const factory = jest.fn((): PollDependencies => deps);
    const handler = createPollHandler({ dependencies: factory });

    // Act
    const first = await handler({ state: { batchPredictionId: 'bp-1' }, execution: EXECUTION });
    await handler({ state: first, execution: EXECUTION });

    // Assess
    expect(factory).toHaveBeenCalledTimes(1);
    expect(deps.source.requestedIds).toEqual(['bp-1', 'bp-1']);
  });

  it.each<[string, Error]>([
    ['BatchPredictionNotFoundError', new BatchPredictionNotFoundError('bp-1')],
    ['MachineLearningUnavailableError', new MachineLearningUnavailableError('GetBatchPrediction failed: ThrottlingException')],
  ])('rethrows %s unchanged so Step Functions can match its name', async (name, error) => {
    // Prepare
    const deps = fakePollDependencies();
    deps.source.error = error;
    const handler = createPollHandler({ dependencies: () => deps });

    // Act
    const failure = handler({ state: { batchPredictionId: 'bp-1' }, execution: EXECUTION });

    // Assess
    await expect(failure).rejects.toBe(error);
    await expect(failure).rejects.toHaveProperty('name', name);
  });

  it('rejects bad input with InvalidBatchPredictionInputError', async () => {
    const handler = createPollHandler({ dependencies: () => fakePollDependencies() });
    const failure = handler({ state: { batchPredictionID: 'bp-1' }, execution: EXECUTION });
    await expect(failure).rejects.toBeInstanceOf(InvalidBatchPredictionInputError);
    await expect(failure).rejects.toHaveProperty('name', PollerErrorName.INVALID_INPUT);
  });

  it('surfaces a configuration error as a named error of the invocation, and retries building next time', async () => {
    // Prepare
    const deps = fakePollDependencies();
    const factory = jest
      .fn<PollDependencies, []>()
      .mockImplementationOnce(() => {
        throw new PollerConfigError('Environment variable POLLER_EVENT_BUS_NAME is not set');
      })
      .mockImplementation(() => deps);
    const handler = createPollHandler({ dependencies: factory });
    const event = { state: { batchPredictionId: 'bp-1' }, execution: EXECUTION };

    // Act
    const failure = handler(event);

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: PollerErrorName.CONFIGURATION,
      message: expect.stringContaining('POLLER_EVENT_BUS_NAME'),
    });
    await expect(handler(event)).resolves.toMatchObject({ sequence: 1 });
    expect(factory).toHaveBeenCalledTimes(2);
  });
});

describe('readHandlerConfig', () => {
  it('reads a complete environment, with defaults for the optional settings', () => {
    // Act
    const config = readHandlerConfig(VALID_ENV);

    // Assess
    expect(config).toMatchObject({
      historyTableName: 'poller-history',
      policy: DEFAULT_POLL_INTERVAL_POLICY,
      maxRunSeconds: DEFAULT_MAX_RUN_SECONDS,
      maxPollsPerExecution: DEFAULT_MAX_POLLS_PER_EXECUTION,
      target: { eventBusName: 'poller-bus', source: DEFAULT_EVENT_SOURCE },
    });
    expect(config.target.arnOf('bp-1')).toBe('arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-1');
  });

  it('reads every optional setting when given', () => {
    // Act
    const config = readHandlerConfig({
      ...VALID_ENV,
      AWS_REGION: 'cn-north-1',
      POLLER_PARTITION: 'aws-cn',
      POLLER_EVENT_SOURCE: 'com.example.poller',
      POLLER_POLL_INTERVAL_POLICY: '{"kind":"fixed","intervalSeconds":60}',
      POLLER_MAX_RUN_SECONDS: '7200',
      POLLER_MAX_POLLS_PER_EXECUTION: '50',
    });

    // Assess
    expect(config).toMatchObject({
      policy: { kind: 'fixed', intervalSeconds: 60 },
      maxRunSeconds: 7200,
      maxPollsPerExecution: 50,
      target: { source: 'com.example.poller' },
    });
    expect(config.target.arnOf('bp-9')).toBe('arn:aws-cn:machinelearning:cn-north-1:123456789012:batchprediction/bp-9');
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['no event bus name', { POLLER_EVENT_BUS_NAME: undefined }, /Environment variable POLLER_EVENT_BUS_NAME is not set/],
    ['an empty event bus name', { POLLER_EVENT_BUS_NAME: '' }, /POLLER_EVENT_BUS_NAME is not set/],
    ['no history table name', { POLLER_HISTORY_TABLE_NAME: undefined }, /POLLER_HISTORY_TABLE_NAME is not set/],
    ['no account id', { POLLER_ACCOUNT_ID: undefined }, /POLLER_ACCOUNT_ID is not set/],
    ['no region', { AWS_REGION: undefined }, /AWS_REGION is not set/],
    [
      'a policy that is not JSON',
      { POLLER_POLL_INTERVAL_POLICY: '{kind: adaptive}' },
      /POLLER_POLL_INTERVAL_POLICY is not JSON: \{kind: adaptive\}/,
    ],
    [
      'a policy of JSON null',
      { POLLER_POLL_INTERVAL_POLICY: 'null' },
      /POLLER_POLL_INTERVAL_POLICY: poll interval policy must be an object/,
    ],
    [
      'a policy with a bad value',
      { POLLER_POLL_INTERVAL_POLICY: '{"kind":"adaptive","initialSeconds":0,"maxSeconds":300,"jitterRatio":0.1}' },
      /POLLER_POLL_INTERVAL_POLICY: 'initialSeconds' must be a whole number of seconds from 1 to 86400, got 0/,
    ],
    ['a run limit of zero', { POLLER_MAX_RUN_SECONDS: '0' }, /POLLER_MAX_RUN_SECONDS must be a whole number ≥ 1, got "0"/],
    ['a run limit that is not a number', { POLLER_MAX_RUN_SECONDS: 'a week' }, /POLLER_MAX_RUN_SECONDS.*got "a week"/],
    ['a fractional poll count', { POLLER_MAX_POLLS_PER_EXECUTION: '2.5' }, /POLLER_MAX_POLLS_PER_EXECUTION.*got "2.5"/],
  ])('rejects %s with PollerConfigError naming the variable', (_label, change, message) => {
    // Prepare
    const env: NodeJS.ProcessEnv = { ...VALID_ENV, ...change };

    // Act
    let caught: unknown;
    try {
      readHandlerConfig(env);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(PollerConfigError);
    expect(caught).toMatchObject({ name: PollerErrorName.CONFIGURATION, message: expect.stringMatching(message) });
  });
});

describe('defaultPollDependencies', () => {
  it('wires the real adapters and the configured settings', () => {
    // Prepare
    const config = readHandlerConfig({ ...VALID_ENV, POLLER_MAX_POLLS_PER_EXECUTION: '7' });

    // Act
    const deps = defaultPollDependencies(config);

    // Assess
    expect(deps.source).toBeInstanceOf(MachineLearningBatchPredictionReader);
    expect(deps.history).toBeInstanceOf(DynamoDbHistoryStore);
    expect(deps.sink).toBeInstanceOf(EventBridgeEventPublisher);
    expect(deps.target).toBe(config.target);
    expect(deps.policy).toBe(config.policy);
    expect(deps.maxRunSeconds).toBe(DEFAULT_MAX_RUN_SECONDS);
    expect(deps.maxPollsPerExecution).toBe(7);
    expect(deps.now()).toBeInstanceOf(Date);
  });
});
