/**
 * The handlers' metrics, as CloudWatch would ingest them: Powertools Metrics prints embedded metric
 * format (EMF) documents to stdout. Metrics are off in tests (test/setup-env.ts), so each test loads
 * a fresh copy of the handler module with them on — fresh, so the cold start is its own again.
 */
import { PollerMetric, SERVICE_NAME } from '../../lib/contract/observability';
import { MachineLearningUnavailableError } from '../../lambda/shared/domain/errors';

type PollHandlerModule = typeof import('../../lambda/poll/poll-handler');
type FakesModule = typeof import('../domain/support/fakes');
type PollUseCaseModule = typeof import('../../lambda/poll/poll-batch-prediction');

/** The parts of an EMF document these tests read. */
interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
  };
  [key: string]: unknown;
}

const FUNCTION_NAME = 'BatchPredictionPoller-PollerPollFunction-abc123';
const CONTEXT = { awsRequestId: 'req-1', functionName: FUNCTION_NAME };

/** Set before each module load, restored after each test. */
const ENV = {
  POWERTOOLS_METRICS_DISABLED: 'false',
  // Lambda sets it for on-demand environments; Powertools reports a cold start only there.
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
};

let previousEnv: Record<string, string | undefined>;
let written: string[];
let stdoutSpy: jest.SpyInstance;

beforeEach(() => {
  previousEnv = Object.fromEntries(Object.keys(ENV).map((key) => [key, process.env[key]]));
  Object.assign(process.env, ENV);
  written = [];
  // Powertools' Console writes to process.stdout (console.log of its own Console instance).
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write);
});

afterEach(() => {
  stdoutSpy.mockRestore();
  for (const [key, value] of Object.entries(previousEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** A fresh copy of the handler module (and of what it imports), loaded with metrics on. */
function freshModules(): { pollHandler: PollHandlerModule; fakes: FakesModule; useCase: PollUseCaseModule } {
  let loaded: { pollHandler: PollHandlerModule; fakes: FakesModule; useCase: PollUseCaseModule } | undefined;
  jest.isolateModules(() => {
    loaded = {
      pollHandler: require('../../lambda/poll/poll-handler') as PollHandlerModule,
      fakes: require('../domain/support/fakes') as FakesModule,
      useCase: require('../../lambda/poll/poll-batch-prediction') as PollUseCaseModule,
    };
  });
  return loaded!;
}

/** The EMF documents printed since the last call, parsed; other output (if any) is ignored. */
function takeEmf(): EmfDocument[] {
  const lines = written
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'));
  written.length = 0;
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((doc): doc is EmfDocument => '_aws' in doc);
}

/** `metric name → its dimension set` of one document (one metric directive per document here). */
function describeEmf(doc: EmfDocument): { namespace: string; metrics: string[]; dimensions: string[] } {
  expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
  const [directive] = doc._aws.CloudWatchMetrics;
  return {
    namespace: directive.Namespace,
    metrics: directive.Metrics.map((m) => m.Name),
    dimensions: [...directive.Dimensions.flat()].sort(),
  };
}

const coldStartDocument = (doc: EmfDocument | undefined) => {
  expect(doc).toBeDefined();
  expect(describeEmf(doc!)).toEqual({
    namespace: PollerMetric.NAMESPACE,
    metrics: [PollerMetric.COLD_START],
    dimensions: ['function_name', 'service'],
  });
  expect(doc).toMatchObject({ [PollerMetric.COLD_START]: 1, function_name: FUNCTION_NAME, service: SERVICE_NAME });
};

describe('poll handler metrics (EMF on stdout)', () => {
  it('a poll that publishes a transition emits StatusTransitions with the status dimension (after the cold start)', async () => {
    // Prepare
    const { pollHandler, fakes } = freshModules();
    const deps = fakes.fakePollDependencies();
    const handler = pollHandler.createPollHandler({ dependencies: () => deps });

    // Act: the run's first observation publishes PENDING.
    await handler({ state: { batchPredictionId: 'bp-1' }, execution: fakes.executionFor('bp-1') }, CONTEXT);

    // Assess
    expect(deps.sink.published).toHaveLength(1);
    const docs = takeEmf();
    expect(docs).toHaveLength(2);
    coldStartDocument(docs.find((d) => PollerMetric.COLD_START in d));
    const transition = docs.find((d) => PollerMetric.STATUS_TRANSITIONS in d)!;
    expect(describeEmf(transition)).toEqual({
      namespace: PollerMetric.NAMESPACE,
      metrics: [PollerMetric.STATUS_TRANSITIONS],
      dimensions: ['service', 'status'],
    });
    expect(transition).toMatchObject({ [PollerMetric.STATUS_TRANSITIONS]: 1, status: 'PENDING', service: SERVICE_NAME });
    expect(transition._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: PollerMetric.STATUS_TRANSITIONS, Unit: 'Count' }]);
  });

  it('a later poll with no change emits nothing; the next transition emits StatusTransitions only (no second cold start)', async () => {
    // Prepare
    const { pollHandler, fakes } = freshModules();
    const deps = fakes.fakePollDependencies();
    const handler = pollHandler.createPollHandler({ dependencies: () => deps });
    const execution = fakes.executionFor('bp-1');
    const first = await handler({ state: { batchPredictionId: 'bp-1' }, execution }, CONTEXT);
    takeEmf();

    // Act: no change
    deps.clock.advanceSeconds(30);
    const second = await handler({ state: first, execution }, CONTEXT);

    // Assess
    expect(second.sequence).toBe(first.sequence);
    expect(takeEmf()).toEqual([]);

    // Act: INPROGRESS
    deps.source.status = 'INPROGRESS';
    deps.clock.advanceSeconds(30);
    await handler({ state: second, execution }, CONTEXT);

    // Assess
    const docs = takeEmf();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ [PollerMetric.STATUS_TRANSITIONS]: 1, status: 'INPROGRESS', service: SERVICE_NAME });
    expect(docs[0]).not.toHaveProperty(PollerMetric.COLD_START);
  });

  it('a first invocation that sees no change emits the cold start and nothing else', async () => {
    // Prepare: the state a previous container left after observing PENDING.
    const { pollHandler, fakes, useCase } = freshModules();
    const deps = fakes.fakePollDependencies();
    const execution = fakes.executionFor('bp-1');
    const { state } = await useCase.pollBatchPrediction({ state: { batchPredictionId: 'bp-1' }, execution }, deps);
    deps.clock.advanceSeconds(30);
    const handler = pollHandler.createPollHandler({ dependencies: () => deps });
    takeEmf();

    // Act
    const next = await handler({ state, execution }, CONTEXT);

    // Assess
    expect(next.sequence).toBe(state.sequence);
    const docs = takeEmf();
    expect(docs).toHaveLength(1);
    coldStartDocument(docs[0]);
  });

  it('a poll that fails emits PollErrors (service dimension only), and rethrows', async () => {
    // Prepare
    const { pollHandler, fakes } = freshModules();
    const deps = fakes.fakePollDependencies();
    deps.source.error = new MachineLearningUnavailableError('GetBatchPrediction failed: ThrottlingException: slow down');
    const handler = pollHandler.createPollHandler({ dependencies: () => deps });
    const event = { state: { batchPredictionId: 'bp-1' }, execution: fakes.executionFor('bp-1') };

    // Act
    await expect(handler(event, CONTEXT)).rejects.toBe(deps.source.error);

    // Assess
    const docs = takeEmf();
    expect(docs).toHaveLength(2);
    coldStartDocument(docs.find((d) => PollerMetric.COLD_START in d));
    const errors = docs.find((d) => PollerMetric.POLL_ERRORS in d)!;
    expect(describeEmf(errors)).toEqual({
      namespace: PollerMetric.NAMESPACE,
      metrics: [PollerMetric.POLL_ERRORS],
      dimensions: ['service'],
    });
    expect(errors).toMatchObject({ [PollerMetric.POLL_ERRORS]: 1, service: SERVICE_NAME });
    expect(errors).not.toHaveProperty(PollerMetric.STATUS_TRANSITIONS);

    // Act: a second failure in the same container
    await expect(handler(event, CONTEXT)).rejects.toBe(deps.source.error);

    // Assess: PollErrors again, no cold start, nothing left over from the first invocation
    const again = takeEmf();
    expect(again).toHaveLength(1);
    expect(describeEmf(again[0]).metrics).toEqual([PollerMetric.POLL_ERRORS]);
    expect(again[0][PollerMetric.POLL_ERRORS]).toBe(1);
  });

  it('emits no cold start outside an on-demand environment (e.g. provisioned concurrency), but still the transition', async () => {
    // Prepare
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'provisioned-concurrency';
    const { pollHandler, fakes } = freshModules();
    const deps = fakes.fakePollDependencies();
    const handler = pollHandler.createPollHandler({ dependencies: () => deps });

    // Act
    await handler({ state: { batchPredictionId: 'bp-1' }, execution: fakes.executionFor('bp-1') }, CONTEXT);

    // Assess
    const docs = takeEmf();
    expect(docs.map((d) => describeEmf(d).metrics)).toEqual([[PollerMetric.STATUS_TRANSITIONS]]);
  });

  it('emits nothing at all with POWERTOOLS_METRICS_DISABLED=true (the test default)', async () => {
    // Prepare
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { pollHandler, fakes } = freshModules();
    const deps = fakes.fakePollDependencies();
    const handler = pollHandler.createPollHandler({ dependencies: () => deps });

    // Act
    await handler({ state: { batchPredictionId: 'bp-1' }, execution: fakes.executionFor('bp-1') }, CONTEXT);

    // Assess
    expect(deps.sink.published).toHaveLength(1);
    expect(takeEmf()).toEqual([]);
  });
});

describe('starter handler metrics (EMF on stdout)', () => {
  type StarterHandlerModule = typeof import('../../lambda/starter/starter-handler');
  type StarterFakesModule = typeof import('../domain/support/starter-fakes');
  const STOPPED_AT = '2024-05-01T10:00:00.000Z';

  function freshStarterModules(): { starterHandler: StarterHandlerModule; fakes: StarterFakesModule } {
    let loaded: { starterHandler: StarterHandlerModule; fakes: StarterFakesModule } | undefined;
    jest.isolateModules(() => {
      loaded = {
        starterHandler: require('../../lambda/starter/starter-handler') as StarterHandlerModule,
        fakes: require('../domain/support/starter-fakes') as StarterFakesModule,
      };
    });
    return loaded!;
  }

  it('a sweep that restarts one run and finds another past the bound emits RunRestarts 1 and RestartsExhausted 1', async () => {
    // Prepare: bp-a's first run failed long ago; bp-b has used its only restart.
    jest.useFakeTimers({ now: new Date(Date.parse(STOPPED_AT) + 86_400_000), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { starterHandler, fakes } = freshStarterModules();
      const starter = new fakes.FakeStarter()
        .end('bp-a', 0, 'FAILED', STOPPED_AT)
        .end('bp-b', 0, 'FAILED', STOPPED_AT)
        .end('bp-b', 1, 'FAILED', STOPPED_AT);
      const lister = new fakes.FakeLister({ INPROGRESS: ['bp-a', 'bp-b'] });
      const handler = starterHandler.createStarterHandler({
        dependencies: () => ({
          lister,
          starter,
          restarts: { maxRestarts: 1, backoffBaseSeconds: 900 },
        }),
      });

      // Act
      const result = await handler(
        { source: 'sweeper' },
        { awsRequestId: 'req-1', functionName: 'BatchPredictionPoller-StarterFunction-abc' },
      );

      // Assess
      expect(result.restarted.map((r) => r.executionName)).toEqual(['bp-a+r1']);
      const docs = takeEmf().filter((d) => !(PollerMetric.COLD_START in d));
      expect(docs).toHaveLength(1);
      expect(describeEmf(docs[0])).toEqual({
        namespace: PollerMetric.NAMESPACE,
        metrics: [PollerMetric.RUN_RESTARTS, PollerMetric.RESTARTS_EXHAUSTED],
        dimensions: ['service'],
      });
      expect(docs[0]).toMatchObject({ [PollerMetric.RUN_RESTARTS]: 1, [PollerMetric.RESTARTS_EXHAUSTED]: 1, service: SERVICE_NAME });
    } finally {
      jest.useRealTimers();
    }
  });

  it('a sweep that restarts nothing emits no restart metric', async () => {
    const { starterHandler, fakes } = freshStarterModules();
    const handler = starterHandler.createStarterHandler({
      dependencies: () => ({
        lister: new fakes.FakeLister({ PENDING: ['bp-new'] }),
        starter: new fakes.FakeStarter(),
      }),
    });
    await handler({ source: 'sweeper' }, { awsRequestId: 'req-1' });
    const docs = takeEmf();
    // Only the cold start: nothing restarted, nothing exhausted.
    expect(docs.flatMap((d) => describeEmf(d).metrics).filter((m) => m !== PollerMetric.COLD_START)).toEqual([]);
  });
});
