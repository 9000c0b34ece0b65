/**
 * A dependency that never answers: every handler's SDK client gives up after its request timeout
 * with the SDK's `TimeoutError`, and the adapters turn it into the named transient error the state
 * machine retries, instead of letting the call run into the Lambda timeout (a crash).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeBatchPredictionsCommand, GetBatchPredictionCommand, MachineLearningClient } from '@aws-sdk/client-machine-learning';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { EnvVar } from '../../lib/contract/environment';
import { PollerErrorName } from '../../lib/contract/errors';
import { readHandlerConfig } from '../../lambda/shared/config';
import { StepFunctionsUnavailableError } from '../../lambda/shared/domain/errors';
import { defaultPollDependencies } from '../../lambda/poll/poll-handler';
import { defaultReportFailureDependencies } from '../../lambda/report-failure/report-failure-handler';
import { defaultStarterDependencies } from '../../lambda/starter/starter-handler';
import { MachineLearningBatchPredictionLister } from '../../lambda/shared/adapters/machine-learning-batch-prediction-lister';
import { MachineLearningBatchPredictionReader } from '../../lambda/shared/adapters/machine-learning-batch-prediction-reader';
import { EventBridgeEventPublisher } from '../../lambda/shared/adapters/event-bridge-event-publisher';
import { DynamoDbHistoryStore } from '../../lambda/shared/adapters/dynamo-db-history-store';
import { StepFunctionsRunStarter } from '../../lambda/shared/adapters/step-functions-run-starter';
import { SDK_DEFAULT_MAX_ATTEMPTS, SDK_HTTP_TIMEOUTS, type SdkHttpTimeouts, sdkClientConfig } from '../../lambda/shared/adapters/sdk-http';
import { synth } from '../infrastructure/synth';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Poller';
const ENTRY = {
  Source: 'batch-prediction-poller',
  DetailType: 'Batch Prediction Status Change',
  Detail: '{}',
  Resources: [],
  Time: '2026-01-05T00:00:00.000Z',
  EventBusName: 'bus',
};

/** The client options every call here shares: one attempt (the retries are the SDK's, counted separately), dummy credentials. */
function clientOptions(endpoint: string, timeouts: SdkHttpTimeouts) {
  return {
    ...sdkClientConfig(timeouts),
    endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  };
}

/** One call per adapter, each through the client it is given; what it throws is the point. */
type AdapterCall = (clients: {
  ml: MachineLearningClient;
  events: EventBridgeClient;
  dynamo: DynamoDBClient;
  sfn: SFNClient;
}) => Promise<unknown>;

const calls: [string, AdapterCall, string | RegExp][] = [
  [
    'Amazon ML reader (GetBatchPrediction)',
    ({ ml }) => new MachineLearningBatchPredictionReader({ client: ml }).get('bp-1'),
    PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
  ],
  [
    'Amazon ML lister (DescribeBatchPredictions)',
    ({ ml }) => new MachineLearningBatchPredictionLister({ client: ml }).listIds('PENDING'),
    PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
  ],
  [
    'event publisher (PutEvents)',
    ({ events }) => new EventBridgeEventPublisher({ client: events }).publish([ENTRY]),
    PollerErrorName.EVENT_PUBLISH,
  ],
  [
    'history store (GetItem)',
    ({ dynamo }) => new DynamoDbHistoryStore({ tableName: 'history', client: dynamo }).get('bp-1', 'k'),
    PollerErrorName.HISTORY_STORE_UNAVAILABLE,
  ],
  // The starter runs outside the state machine (EventBridge invokes it asynchronously): its error
  // is Lambda's to retry and dead-letter; its name says that waiting may help.
  [
    'run starter (StartExecution)',
    ({ sfn }) => new StepFunctionsRunStarter({ stateMachineArn: STATE_MACHINE_ARN, client: sfn }).start('bp-1'),
    StepFunctionsUnavailableError.name,
  ],
];

/** What the SDK's NodeHttpHandler rejects with when `requestTimeout` passes (`throwOnRequestTimeout`). */
function sdkTimeout(): Error {
  return Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 4000 ms requestTimeout.'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
    $metadata: {},
  });
}

describe('a TimeoutError from the SDK is a named transient error (aws-sdk-client-mock)', () => {
  // The Amazon ML client is built on older SDK types (3.523.0); mocking it needs a cast, as in its own tests.
  const mlMock = mockClient(MachineLearningClient as unknown as Parameters<typeof mockClient>[0]);
  const eventsMock = mockClient(EventBridgeClient);
  const dynamoMock = mockClient(DynamoDBDocumentClient);
  const sfnMock = mockClient(SFNClient);
  afterAll(() => {
    mlMock.restore();
    eventsMock.restore();
    dynamoMock.restore();
    sfnMock.restore();
  });

  it.each(calls)('%s', async (_label, call, expected) => {
    mlMock.on(GetBatchPredictionCommand as never).rejects(sdkTimeout());
    mlMock.on(DescribeBatchPredictionsCommand as never).rejects(sdkTimeout());
    eventsMock.on(PutEventsCommand).rejects(sdkTimeout());
    dynamoMock.on(GetCommand).rejects(sdkTimeout());
    sfnMock.on(StartExecutionCommand).rejects(sdkTimeout());
    const clients = {
      ml: new MachineLearningClient({}),
      events: new EventBridgeClient({}),
      dynamo: new DynamoDBClient({}),
      sfn: new SFNClient({}),
    };
    const error = (await call(clients).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(expected);
    expect(error.message).toMatch(/TimeoutError: .*requestTimeout/);
    expect((error as Error & { cause?: unknown }).cause).toMatchObject({ name: 'TimeoutError' });
  });
});

describe('a real HTTP endpoint that accepts the connection and never answers', () => {
  let server: http.Server;
  let endpoint: string;
  const saved: Record<string, string | undefined> = {};
  const ENDPOINT_VARIABLES = [
    'AWS_ENDPOINT_URL_MACHINE_LEARNING',
    'AWS_ENDPOINT_URL_EVENTBRIDGE',
    'AWS_ENDPOINT_URL_DYNAMODB',
    'AWS_ENDPOINT_URL_SFN',
    'AWS_MAX_ATTEMPTS',
  ];

  beforeAll(async () => {
    server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const key of ENDPOINT_VARIABLES) saved[key] = process.env[key];
  });

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const SMALL: SdkHttpTimeouts = { connectionTimeoutMs: 200, requestTimeoutMs: 300 };

  it.each(calls)('%s fails with its named error once the (injected, 300 ms) request timeout passes', async (_label, call, expected) => {
    const options = clientOptions(endpoint, SMALL);
    const clients = {
      ml: new MachineLearningClient(options),
      events: new EventBridgeClient(options),
      dynamo: new DynamoDBClient(options),
      sfn: new SFNClient(options),
    };
    const startedMs = Date.now();
    const error = (await call(clients).catch((e: unknown) => e)) as Error;
    const elapsedMs = Date.now() - startedMs;
    expect(error.name).toBe(expected);
    expect(error.message).toMatch(/TimeoutError/);
    // It waited for the timeout, and gave up at it: not at the first byte, not at a Lambda timeout.
    expect(elapsedMs).toBeGreaterThanOrEqual(SMALL.requestTimeoutMs - 50);
    expect(elapsedMs).toBeLessThan(SMALL.requestTimeoutMs + 2000);
  });

  it("the handlers' own default clients carry the timeouts too: each gives up after the default request timeout", async () => {
    for (const key of ENDPOINT_VARIABLES.slice(0, 4)) process.env[key] = endpoint;
    process.env.AWS_MAX_ATTEMPTS = '1';
    // Built by the composition roots with their container clients, as in the Lambda.
    const config = readHandlerConfig({
      AWS_REGION: 'us-east-1',
      [EnvVar.ACCOUNT_ID]: '123456789012',
      [EnvVar.EVENT_BUS_NAME]: 'bus',
      [EnvVar.HISTORY_TABLE_NAME]: 'history',
    });
    const poll = defaultPollDependencies(config);
    const starter = defaultStarterDependencies({ [EnvVar.STATE_MACHINE_ARN]: STATE_MACHINE_ARN });
    const defaults: [() => Promise<unknown>, string][] = [
      [() => poll.source.get('bp-1'), PollerErrorName.MACHINE_LEARNING_UNAVAILABLE],
      [() => starter.lister.listIds('PENDING'), PollerErrorName.MACHINE_LEARNING_UNAVAILABLE],
      [() => poll.sink.publish([ENTRY]), PollerErrorName.EVENT_PUBLISH],
      [() => defaultReportFailureDependencies(config).sink.publish([ENTRY]), PollerErrorName.EVENT_PUBLISH],
      [() => poll.history.get('bp-1', 'k'), PollerErrorName.HISTORY_STORE_UNAVAILABLE],
      [() => starter.starter.start('bp-1'), StepFunctionsUnavailableError.name],
    ];
    const startedMs = Date.now();
    const outcomes = await Promise.all(
      defaults.map(([call]) =>
        call().then(
          () => undefined,
          (e: Error) => ({ name: e.name, elapsedMs: Date.now() - startedMs, timedOut: /TimeoutError/.test(e.message) }),
        ),
      ),
    );
    expect(outcomes.map((o) => o?.name)).toEqual(defaults.map(([, name]) => name));
    for (const outcome of outcomes) {
      expect(outcome?.timedOut).toBe(true);
      expect(outcome?.elapsedMs).toBeGreaterThanOrEqual(SDK_HTTP_TIMEOUTS.requestTimeoutMs - 50);
      expect(outcome?.elapsedMs).toBeLessThan(SDK_HTTP_TIMEOUTS.requestTimeoutMs + 3000);
    }
  }, 15_000);
});

describe('many concurrent calls through one client (the local runtime: one process, many functions)', () => {
  // An endpoint that answers every request after 400 ms: slower than the (injected) 250 ms
  // connection timeout would allow a request that waits for a free socket first.
  let server: http.Server;
  let endpoint: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"Entries": [], "FailedEntryCount": 0}'),
        400,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('120 calls at once all succeed: none waits for a socket behind the others and times out', async () => {
    const events = new EventBridgeClient(clientOptions(endpoint, { connectionTimeoutMs: 250, requestTimeoutMs: 2000 }));
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, () =>
        events.send(new PutEventsCommand({ Entries: [{ Source: 'subscriber', DetailType: 'Test', Detail: '{}' }] })).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      ),
    );
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    events.destroy();
  });
});

describe('the timeouts fit inside the functions', () => {
  it('a call that hangs on every SDK attempt fails within half of every function timeout of the template', () => {
    const { template, cleanup } = synth();
    try {
      const timeouts = Object.values(template.findResources('AWS::Lambda::Function')).map(
        (r) => (r as { Properties: { Timeout?: number } }).Properties.Timeout ?? 3,
      );
      expect(timeouts.length).toBeGreaterThanOrEqual(3);
      // SDK attempts × request timeout, plus the standard retry strategy's backoff (each under a second here).
      const worstCallMs = SDK_DEFAULT_MAX_ATTEMPTS * SDK_HTTP_TIMEOUTS.requestTimeoutMs + (SDK_DEFAULT_MAX_ATTEMPTS - 1) * 1000;
      for (const seconds of timeouts) expect(worstCallMs).toBeLessThanOrEqual((seconds * 1000) / 2);
      expect(SDK_HTTP_TIMEOUTS.connectionTimeoutMs).toBeLessThan(SDK_HTTP_TIMEOUTS.requestTimeoutMs);
    } finally {
      cleanup();
    }
  });
});
