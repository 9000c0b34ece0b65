import { execFile } from 'node:child_process';
import type { IncomingMessage, Server } from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DetailType } from '../../lib/contract/events';
import type { LocalDeployment } from '../../local/template/deployment';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { LocalRuntime } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';
import { startServeEndpoint } from '../../local/cli/serve';
import { servedCli, until } from './support/served';
import { ServedTimeline, pollerEventSource } from '../../local/cli/timeline';

// Served time (`npm start -- --serve --speed N`) against the operator CLI and the served timeline:
// the CLI's durations follow the endpoint's clock (its answers' Date header), the first poll is at
// once however fast time runs, and the timeline is in time order with foreign events as such.
// Everything is asserted in simulated time, read from the runtime's clock.

// Captured before any runtime replaces `Date` with its simulated one: the machine's wall clock,
// which the CLI falls back on and must not measure served durations against.
const RealDate = Date;
const ROOT = path.resolve(__dirname, '../..');
let deployment: LocalDeployment;

beforeAll(() => {
  deployment = synthesizeDeployment();
}, 120_000);

afterAll(async () => {
  // The runs here never end (a 30-day job), so polls go on until the runtime stops, and the SDK's
  // HTTP handler arms a 3 s socket-usage check per request: let the last ones lapse, so that
  // jest exits cleanly.
  await realSleep(3100);
}, 10_000);

const SCENARIO = validateScenario({
  batchPredictions: [
    {
      id: 'bp-long',
      timeline: [
        { at: 0, status: 'PENDING' },
        { at: 20, status: 'INPROGRESS' },
        { at: 30 * 86_400, status: 'COMPLETED' },
      ],
    },
  ],
});

interface Served {
  runtime: LocalRuntime;
  server: Server;
  endpoint: string;
}

async function serve(speed: number): Promise<Served> {
  // As `npm start -- --serve` does: simulated time starts at the wall clock's now.
  const runtime = await LocalRuntime.start(SCENARIO, { deployment, startTime: new RealDate().toISOString() });
  const { server, endpoint } = await startServeEndpoint(runtime, 0, runtime.clock);
  runtime.serve(speed);
  return { runtime, server, endpoint };
}

async function stop({ runtime, server }: Served): Promise<void> {
  server.closeAllConnections();
  server.close();
  await runtime.stop();
}

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function observedAtOf(runtime: LocalRuntime, status: string): number | undefined {
  const event = runtime.eventBridge.events.find((e) => e.envelope.detail.status === status);
  return event === undefined ? undefined : Date.parse(String(event.envelope.detail.observedAt));
}

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3600, m: 60, s: 1 };

/** `1h 5m` → its seconds, and the size of its smallest unit (what the two-unit format truncated). */
function parseDuration(text: string): { seconds: number; resolution: number } {
  const parts = [...text.matchAll(/(\d+)([dhms])/g)];
  if (parts.length === 0) throw new Error(`not a duration: ${text}`);
  return {
    seconds: parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0),
    resolution: Math.min(...parts.map(([, , unit]) => UNIT_SECONDS[unit])),
  };
}

/**
 * Runs `list` and `history` for bp-long and checks that the duration each prints lies within the
 * simulated time that passed since the INPROGRESS observation, measured before and after the call.
 */
async function expectServedDurations(served: Served, observedMs: number): Promise<void> {
  const { runtime, endpoint } = served;
  for (const [argv, pattern] of [
    [['list'], /^bp-long\s+INPROGRESS\s+(\S+(?: \S+)?)\s+\d{4}-/m],
    [['history', 'bp-long'], /^latest status: INPROGRESS since \S+ \((.+) ago\)$/m],
  ] as const) {
    const beforeMs = runtime.clock.nowMs();
    const wallBeforeMs = RealDate.now();
    // The CLI's fallback clock is the wall clock.
    const result = await servedCli(endpoint, argv, { now: () => new RealDate() });
    const afterMs = runtime.clock.nowMs();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const printed = result.stdout.match(pattern)?.[1];
    expect(printed).toBeDefined();
    const { seconds, resolution } = parseDuration(printed!);
    // Truncated to whole seconds (and to two units), so up to one unit below the truth.
    expect(seconds).toBeLessThanOrEqual((afterMs - observedMs) / 1000 + 1);
    expect(seconds + resolution).toBeGreaterThanOrEqual((beforeMs - observedMs) / 1000 - 1);
    // And nothing like the wall clock's view of it.
    expect(seconds).toBeGreaterThan((RealDate.now() - wallBeforeMs) / 1000 + 5);
  }
}

describe('at a high speed (×100,000)', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(100_000);
  }, 60_000);
  afterAll(() => stop(served));

  it('polls first at once: the first observation is dated at the start of simulated time, cold handlers included', async () => {
    // Real time for the handlers' first load, which ts-jest compiles on a loaded machine.
    const pendingMs = await until(() => observedAtOf(served.runtime, 'PENDING'), { timeoutMs: 100_000 });
    // The handler's first load takes hundreds of real ms: hours at this speed, were they counted.
    expect(pendingMs - served.runtime.clock.startMs).toBeLessThan(1000);
    // The next poll is the adaptive policy's first wait (30 s, up to 10 % less), not minutes late.
    const inProgressMs = await until(() => observedAtOf(served.runtime, 'INPROGRESS'));
    expect(inProgressMs - pendingMs).toBeGreaterThanOrEqual(27_000);
    expect(inProgressMs - pendingMs).toBeLessThanOrEqual(31_000);
  }, 120_000);

  it('list FOR and history "ago" follow the served clock', async () => {
    const observedMs = await until(() => observedAtOf(served.runtime, 'INPROGRESS'));
    await until(() => (served.runtime.clock.nowMs() - observedMs > 3_600_000 ? true : undefined));
    await expectServedDurations(served, observedMs);
  });

  it('the CLI as its own process (wall clock far behind the served one) signs every request and prints served durations', async () => {
    const requests: { amzDate: string; scope: string }[] = [];
    const record = (req: IncomingMessage) => {
      const scope = /Credential=[^/]+\/(\d{8})\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      requests.push({ amzDate: String(req.headers['x-amz-date'] ?? ''), scope });
    };
    served.server.on('request', record);
    const observedMs = observedAtOf(served.runtime, 'INPROGRESS')!;
    const beforeMs = served.runtime.clock.nowMs();
    // Only the one endpoint, as a user sets it: not the runtime's per-service variables of this process.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_ENDPOINT_URL')));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), 'bin/batch-prediction-poller.ts', 'list'],
      {
        cwd: ROOT,
        env: {
          ...env,
          AWS_ENDPOINT_URL: served.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_MAX_ATTEMPTS: '1',
        },
      },
    );
    const afterMs = served.runtime.clock.nowMs();
    served.server.off('request', record);
    expect(stderr).toBe('');
    const printed = parseDuration(stdout.match(/^bp-long\s+INPROGRESS\s+(\S+(?: \S+)?)\s+\d{4}-/m)![1]);
    expect(printed.seconds).toBeLessThanOrEqual((afterMs - observedMs) / 1000 + 1);
    expect(printed.seconds + printed.resolution).toBeGreaterThanOrEqual((beforeMs - observedMs) / 1000 - 1);
    // DescribeStacks and Scan, each signed (the SDK's skew correction, which reads the same Date,
    // moves a client's later signing dates, never the consistency of one signature): the
    // credential scope is the day of the request's own X-Amz-Date.
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const r of requests) expect(r.scope).toBe(r.amzDate.slice(0, 8));
  }, 60_000);
});

describe('at ×10', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(10);
  }, 60_000);
  afterAll(() => stop(served));

  it('list FOR and history "ago" follow the served clock', async () => {
    // INPROGRESS (at 20 s) is seen by the second poll, 27-30 simulated seconds (about 3 s real) in.
    const observedMs = await until(() => observedAtOf(served.runtime, 'INPROGRESS'));
    await until(() => (served.runtime.clock.nowMs() - observedMs >= 20_000 ? true : undefined));
    await expectServedDurations(served, observedMs);
  });

  it('prints the timeline in time order, a foreign event on the bus as what it is', async () => {
    const { runtime, endpoint } = served;
    const events = new EventBridgeClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const bus = runtime.deployment.outputs.EventBusName;
    const put = await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: bus, Source: 'my.app', DetailType: 'Order Placed', Detail: JSON.stringify({ orderId: 'o-1' }) }],
      }),
    );
    events.destroy();
    expect(put.FailedEntryCount).toBe(0);
    const timeline = new ServedTimeline(runtime.clock.startMs, { eventSource: pollerEventSource(runtime.deployment) });
    await realSleep(1100);
    const lines = timeline.take(runtime.eventBridge.events, runtime.clock.nowMs());
    const offsets = lines.filter((l) => l.startsWith('+')).map((l) => l.slice(0, 9));
    expect(offsets).toEqual([...offsets].sort());
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\+00:00:00 +bp-long +— → PENDING/),
        expect.stringMatching(/^\+00:00:\d\d +bp-long +PENDING → INPROGRESS/),
        expect.stringMatching(new RegExp(`other event: my\\.app "Order Placed" on bus ${bus}, id ${put.Entries![0].EventId}$`)),
      ]),
    );
    expect(lines.join('\n')).not.toMatch(/undefined/);
    expect(runtime.eventBridge.events.filter((e) => e.envelope['detail-type'] === DetailType.STATUS_CHANGE)).toHaveLength(2);
  });
});

describe('served API details, as AWS answers them', () => {
  let served: Served;
  const config = () => ({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  beforeAll(async () => {
    served = await serve(10);
  }, 60_000);
  afterAll(() => stop(served));

  it('DescribeTable: the table ARN in the stack account, and the SSEDescription of a table encrypted with the AWS managed KMS key', async () => {
    const client = new DynamoDBClient(config());
    const tableName = served.runtime.deployment.outputs.HistoryTableName;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    client.destroy();
    expect(Table?.TableArn).toBe(`arn:aws:dynamodb:us-east-1:123456789012:table/${tableName}`);
    expect(Table?.SSEDescription).toEqual({
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: expect.stringMatching(
        /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
  });

  it('DescribeStacks: CreationTime is when the served runtime started', async () => {
    const client = new CloudFormationClient(config());
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: served.runtime.deployment.stackName }));
    client.destroy();
    expect(Stacks?.[0].CreationTime?.getTime()).toBe(served.runtime.clock.startMs);
  });

  it('StartExecution without a name names the execution with a UUID', async () => {
    const client = new SFNClient(config());
    const stateMachineArn = served.runtime.stateMachineArn;
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ batchPredictionId: 'bp-unnamed' }) }),
    );
    const second = await client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ batchPredictionId: 'bp-unnamed' }) }),
    );
    client.destroy();
    const uuid = /:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
    expect(started.executionArn).toMatch(uuid);
    // Two starts without a name are two executions.
    expect(second.executionArn).toMatch(uuid);
    expect(second.executionArn).not.toBe(started.executionArn);
  });
});
