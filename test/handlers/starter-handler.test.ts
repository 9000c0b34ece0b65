import { EnvVar } from '../../lib/contract/environment';
import { PollerErrorName } from '../../lib/contract/errors';
import { MachineLearningBatchPredictionLister } from '../../lambda/shared/adapters/machine-learning-batch-prediction-lister';
import { StepFunctionsRunStarter } from '../../lambda/shared/adapters/step-functions-run-starter';
import { MachineLearningUnavailableError } from '../../lambda/shared/domain/errors';
import {
  type StarterDependencies,
  createStarterHandler,
  defaultStarterDependencies,
  handler,
  readRestartPolicy,
} from '../../lambda/starter/starter-handler';
import { FakeLister, FakeStarter } from '../domain/support/starter-fakes';
import { PollerConfigError } from '../../lib/contract/config-error';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:BatchPredictionPoller-Poller';

describe('createStarterHandler', () => {
  it('CloudTrail: starts the announced id and returns what it did', async () => {
    // Prepare
    const lister = new FakeLister({ PENDING: ['bp-other'] });
    const starter = new FakeStarter();
    const starterHandler = createStarterHandler({ dependencies: () => ({ lister, starter }) });

    // Act
    const result = await starterHandler({ source: 'cloudtrail', batchPredictionId: 'bp-1' }, { awsRequestId: 'req-1' });

    // Assess
    expect(result).toEqual({ running: ['bp-1'], finished: [], restarted: [], deferred: [], exhausted: [] });
    expect(starter.started).toEqual(['bp-1']);
    expect(lister.requestedStatuses).toEqual([]);
  });

  it('sweeper: starts every PENDING and INPROGRESS id, reporting the finished ones apart', async () => {
    // Prepare
    const lister = new FakeLister({ PENDING: ['bp-2', 'bp-1'], INPROGRESS: ['bp-3', 'bp-1'] });
    const starter = new FakeStarter(new Set(['bp-3']));
    const starterHandler = createStarterHandler({ dependencies: () => ({ lister, starter }) });

    // Act
    const result = await starterHandler({ source: 'sweeper' });

    // Assess
    expect(result).toEqual({ running: ['bp-1', 'bp-2'], finished: ['bp-3'], restarted: [], deferred: [], exhausted: [] });
  });

  it('builds its dependencies once and reuses them on warm invocations', async () => {
    // Prepare
    const deps: StarterDependencies = { lister: new FakeLister({ PENDING: ['bp-1'] }), starter: new FakeStarter() };
    const factory = jest.fn((): StarterDependencies => deps);
    const starterHandler = createStarterHandler({ dependencies: factory });

    // Act
    await starterHandler({ source: 'sweeper' });
    await starterHandler({ source: 'cloudtrail', batchPredictionId: 'bp-2' });

    // Assess
    expect(factory).toHaveBeenCalledTimes(1);
    expect((deps.starter as FakeStarter).started).toEqual(['bp-1', 'bp-2']);
  });

  it('rejects a bad CloudTrail id with InvalidBatchPredictionInputError, starting nothing', async () => {
    const starter = new FakeStarter();
    const starterHandler = createStarterHandler({ dependencies: () => ({ lister: new FakeLister(), starter }) });
    const failure = starterHandler({ source: 'cloudtrail', batchPredictionId: 'not an id!' });
    await expect(failure).rejects.toHaveProperty('name', PollerErrorName.INVALID_INPUT);
    expect(starter.started).toEqual([]);
  });

  it('rethrows a dependency error unchanged, so EventBridge retries the invocation and dead-letters it at the end', async () => {
    // Prepare
    const lister = new FakeLister();
    const error = new MachineLearningUnavailableError('DescribeBatchPredictions failed: ThrottlingException: slow down');
    lister.error = error;
    const starterHandler = createStarterHandler({ dependencies: () => ({ lister, starter: new FakeStarter() }) });

    // Act
    const failure = starterHandler({ source: 'sweeper' });

    // Assess
    await expect(failure).rejects.toBe(error);
  });

  it('surfaces a configuration error as a named error of the invocation, and retries building next time', async () => {
    // Prepare
    const deps: StarterDependencies = { lister: new FakeLister(), starter: new FakeStarter() };
    const factory = jest
      .fn<StarterDependencies, []>()
      .mockImplementationOnce(() => {
        throw new PollerConfigError(`Environment variable ${EnvVar.STATE_MACHINE_ARN} is not set; the stack sets it`);
      })
      .mockImplementation(() => deps);
    const starterHandler = createStarterHandler({ dependencies: factory });

    // Act
    const failure = starterHandler({ source: 'sweeper' });

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: PollerErrorName.CONFIGURATION,
      message: expect.stringContaining(EnvVar.STATE_MACHINE_ARN),
    });
    await expect(starterHandler({ source: 'sweeper' })).resolves.toEqual({
      running: [],
      finished: [],
      restarted: [],
      deferred: [],
      exhausted: [],
    });
    expect(factory).toHaveBeenCalledTimes(2);
  });
});

describe('defaultStarterDependencies', () => {
  it.each<[string, NodeJS.ProcessEnv]>([
    ['missing', {}],
    ['empty', { [EnvVar.STATE_MACHINE_ARN]: '' }],
  ])('throws PollerConfigError naming POLLER_STATE_MACHINE_ARN when it is %s', (_what, env) => {
    expect(() => defaultStarterDependencies(env)).toThrow(PollerConfigError);
    expect(() => defaultStarterDependencies(env)).toThrow(
      expect.objectContaining({ name: PollerErrorName.CONFIGURATION, message: expect.stringContaining('POLLER_STATE_MACHINE_ARN') }),
    );
  });

  it('wires the DescribeBatchPredictions lister and the Step Functions starter from the environment', () => {
    const deps = defaultStarterDependencies({ [EnvVar.STATE_MACHINE_ARN]: STATE_MACHINE_ARN });
    expect(deps.lister).toBeInstanceOf(MachineLearningBatchPredictionLister);
    expect(deps.starter).toBeInstanceOf(StepFunctionsRunStarter);
    expect(deps.restarts).toEqual({ maxRestarts: 3, backoffBaseSeconds: 900 });
  });
});

describe('readRestartPolicy', () => {
  it.each<[string, NodeJS.ProcessEnv, { maxRestarts: number; backoffBaseSeconds: number }]>([
    ['unset: the defaults (3 restarts, 15 min base)', {}, { maxRestarts: 3, backoffBaseSeconds: 900 }],
    [
      'empty: the defaults',
      { [EnvVar.MAX_RESTARTS]: '', [EnvVar.RESTART_BACKOFF_SECONDS]: '' },
      { maxRestarts: 3, backoffBaseSeconds: 900 },
    ],
    [
      'set by the stack',
      { [EnvVar.MAX_RESTARTS]: '0', [EnvVar.RESTART_BACKOFF_SECONDS]: '60' },
      { maxRestarts: 0, backoffBaseSeconds: 60 },
    ],
  ])('%s', (_what, env, expected) => {
    expect(readRestartPolicy(env)).toEqual(expected);
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    [
      'too many restarts',
      { [EnvVar.MAX_RESTARTS]: '11' },
      /POLLER_MAX_RESTARTS="11".*maxRestarts must be a whole number from 0 to 10, got 11/,
    ],
    ['not a number', { [EnvVar.MAX_RESTARTS]: 'three' }, /POLLER_MAX_RESTARTS="three".*got NaN/],
    [
      'a zero base',
      { [EnvVar.RESTART_BACKOFF_SECONDS]: '0' },
      /POLLER_RESTART_BACKOFF_SECONDS="0".*backoffBaseSeconds must be a whole number ≥ 1, got 0/,
    ],
  ])('rejects %s with PollerConfigError naming the variable', (_what, env, message) => {
    expect(() => readRestartPolicy(env)).toThrow(PollerConfigError);
    expect(() => readRestartPolicy(env)).toThrow(message);
  });
});

describe('handler (the Lambda entry point)', () => {
  const previous = process.env[EnvVar.STATE_MACHINE_ARN];

  afterAll(() => {
    if (previous === undefined) delete process.env[EnvVar.STATE_MACHINE_ARN];
    else process.env[EnvVar.STATE_MACHINE_ARN] = previous;
  });

  it('fails every invocation with PollerConfigError while POLLER_STATE_MACHINE_ARN is unset (built before any AWS call)', async () => {
    delete process.env[EnvVar.STATE_MACHINE_ARN];
    await expect(handler({ source: 'sweeper' }, { awsRequestId: 'req-1' })).rejects.toBeInstanceOf(PollerConfigError);
    await expect(handler({ source: 'cloudtrail', batchPredictionId: 'bp-1' })).rejects.toHaveProperty(
      'name',
      PollerErrorName.CONFIGURATION,
    );
  });
});
