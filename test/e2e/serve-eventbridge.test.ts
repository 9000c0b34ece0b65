import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  PutRuleCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { servedTimeline } from '../../local/cli/cli';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { parseEventPattern } from '../../local/core/event-pattern-compiler';
import { LocalRuntime } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';
import { startServeEndpoint } from '../../local/cli/serve';

// EventBridge's rule API on the served endpoint (`npm start -- --serve`), through the real SDK
// client, the way a subscriber tests its rule: TestEventPattern, PutRule / DescribeRule /
// ListRules / DeleteRule, and the served timeline printing what a put rule matches.
let runtime: LocalRuntime;
let server: Server;
let events: EventBridgeClient;
let bus: string;

beforeAll(async () => {
  const scenario = validateScenario({ batchPredictions: [{ id: 'bp-idle', starts: 0, timeline: [{ at: 0, status: 'PENDING' }] }] });
  runtime = await LocalRuntime.start(scenario, { deployment: synthesizeDeployment() });
  let endpoint: string;
  ({ server, endpoint } = await startServeEndpoint(runtime, 0));
  runtime.serve(60);
  events = new EventBridgeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  bus = runtime.deployment.buses.find((b) => b !== 'default')!;
}, 120_000);

afterAll(async () => {
  events.destroy();
  server.closeAllConnections();
  server.close();
  await runtime.stop();
});

/** The error an SDK call fails with, as `name: message`. */
async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  throw new Error('the call succeeded');
}

const sampleEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', 'source-ip': '10.0.0.33' },
};

describe('TestEventPattern', () => {
  it.each([
    ['the user guide EC2 example', { source: ['aws.ec2'], detail: { state: ['terminated'] } }, true],
    ['another state', { source: ['aws.ec2'], detail: { state: ['running'] } }, false],
    ['cidr', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, true],
    ['anything-but prefix list', { source: [{ 'anything-but': { prefix: ['aws.s3', 'aws.ec2'] } }] }, false],
    ['dotted key', { 'detail.state': ['terminated'] }, true],
  ])('%s', async (_name, pattern, expected) => {
    const out = await events.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(sampleEvent) }),
    );
    expect(out.Result).toBe(expected);
  });

  it('accepts an event without resources, as EventBridge does', async () => {
    const { resources: _omitted, ...event } = sampleEvent;
    const out = await events.send(new TestEventPatternCommand({ EventPattern: '{"source": ["aws.ec2"]}', Event: JSON.stringify(event) }));
    expect(out.Result).toBe(true);
  });

  it.each([
    [
      'a pattern with a scalar leaf',
      '{"source": "aws.ec2"}',
      sampleEvent,
      /^InvalidEventPatternException: Event pattern is not valid\. Reason: pattern at "source": expected an array of values/,
    ],
    [
      'a pattern that is not JSON',
      '{"source": [',
      sampleEvent,
      /^InvalidEventPatternException: Event pattern is not valid\. Reason: pattern is not valid JSON/,
    ],
    ['an unknown operator', '{"source": [{"prefx": "aws."}]}', sampleEvent, /^InvalidEventPatternException: .*unknown operator "prefx"/],
    [
      'an event without id',
      '{"source": ["aws.ec2"]}',
      { ...sampleEvent, id: undefined },
      /^ValidationException: Parameter Event is not valid\. Reason: the event lacks the required field\(s\) id$/,
    ],
    [
      'an event without time and region',
      '{"source": ["aws.ec2"]}',
      { ...sampleEvent, time: undefined, region: undefined },
      /lacks the required field\(s\) time, region$/,
    ],
    ['an event that is not JSON', '{"source": ["aws.ec2"]}', 'not json', /^ValidationException: Parameter Event is not valid\.$/],
    ['an event that is an array', '{"source": ["aws.ec2"]}', [sampleEvent], /^ValidationException: Parameter Event is not valid\.$/],
  ])('refuses %s', async (_name, pattern, event, message) => {
    const text = typeof event === 'string' ? event : JSON.stringify(event);
    expect(await failure(events.send(new TestEventPatternCommand({ EventPattern: pattern, Event: text })))).toMatch(message);
  });
});

describe('PutRule, DescribeRule, ListRules, DeleteRule', () => {
  const pattern = '{"source": ["batch-prediction-poller"], "detail": {"status": ["COMPLETED"]}}';

  it('puts a rule, describes it with the API shape, and updates it in place', async () => {
    const put = await events.send(
      new PutRuleCommand({ Name: 'subscriber-completed', EventBusName: bus, EventPattern: pattern, Description: 'mine' }),
    );
    expect(put.RuleArn).toBe(`arn:aws:events:${runtime.deployment.region}:${runtime.deployment.account}:rule/${bus}/subscriber-completed`);
    const described = await events.send(new DescribeRuleCommand({ Name: 'subscriber-completed', EventBusName: bus }));
    expect(described).toMatchObject({
      Name: 'subscriber-completed',
      Arn: put.RuleArn,
      EventPattern: pattern,
      State: 'ENABLED',
      Description: 'mine',
      EventBusName: bus,
      CreatedBy: runtime.deployment.account,
    });
    await events.send(new PutRuleCommand({ Name: 'subscriber-completed', EventBusName: bus, EventPattern: pattern, State: 'DISABLED' }));
    expect((await events.send(new DescribeRuleCommand({ Name: 'subscriber-completed', EventBusName: bus }))).State).toBe('DISABLED');
    await events.send(new DeleteRuleCommand({ Name: 'subscriber-completed', EventBusName: bus }));
  });

  it('puts a rule on the default bus with a bus-less ARN, and a schedule rule there', async () => {
    const put = await events.send(new PutRuleCommand({ Name: 'on-default', EventPattern: '{"source": ["x"]}' }));
    expect(put.RuleArn).toBe(`arn:aws:events:${runtime.deployment.region}:${runtime.deployment.account}:rule/on-default`);
    await events.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(1 day)' }));
    expect(await events.send(new DescribeRuleCommand({ Name: 'nightly' }))).toMatchObject({
      ScheduleExpression: 'rate(1 day)',
      EventBusName: 'default',
    });
    await events.send(new DeleteRuleCommand({ Name: 'on-default' }));
    await events.send(new DeleteRuleCommand({ Name: 'nightly' }));
  });

  it('lists the template rules and put rules in name order, by prefix, a page at a time', async () => {
    for (const name of ['zz-c', 'zz-a', 'zz-b'])
      await events.send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: pattern }));
    const all = await events.send(new ListRulesCommand({ EventBusName: bus }));
    const names = all.Rules!.map((r) => r.Name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining([
        ...runtime.deployment.rules.filter((r) => r.eventBusName === bus).map((r) => r.name),
        'zz-a',
        'zz-b',
        'zz-c',
      ]),
    );
    expect(all.NextToken).toBeUndefined();
    expect(all.Rules!.find((r) => r.Name === 'zz-a')).toEqual({
      Name: 'zz-a',
      Arn: expect.stringMatching(/:rule\/.+\/zz-a$/),
      EventPattern: pattern,
      State: 'ENABLED',
      EventBusName: bus,
    });

    const first = await events.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: 'zz-', Limit: 2 }));
    expect(first.Rules!.map((r) => r.Name)).toEqual(['zz-a', 'zz-b']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await events.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: 'zz-', Limit: 2, NextToken: first.NextToken }));
    expect(second.Rules!.map((r) => r.Name)).toEqual(['zz-c']);
    expect(second.NextToken).toBeUndefined();

    // The default bus holds the template's discovery rule and its scheduled rules (the sweeper).
    const onDefault = await events.send(new ListRulesCommand({}));
    expect(onDefault.Rules!.map((r) => r.EventBusName)).toEqual(onDefault.Rules!.map(() => 'default'));
    expect(runtime.deployment.schedules.length).toBeGreaterThan(0);
    for (const schedule of runtime.deployment.schedules) {
      expect(onDefault.Rules).toContainEqual(
        expect.objectContaining({ Name: schedule.name, ScheduleExpression: schedule.scheduleExpression, State: 'ENABLED' }),
      );
    }
    for (const name of ['zz-a', 'zz-b', 'zz-c']) await events.send(new DeleteRuleCommand({ Name: name, EventBusName: bus }));
    expect((await events.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: 'zz-' }))).Rules).toEqual([]);
  });

  it('deletes a rule that does not exist without an error, as EventBridge does', async () => {
    await expect(events.send(new DeleteRuleCommand({ Name: 'never-was', EventBusName: bus }))).resolves.toBeDefined();
  });

  it.each([
    [
      'DescribeRule of an unknown rule',
      () => new DescribeRuleCommand({ Name: 'nope', EventBusName: bus }),
      'ResourceNotFoundException: Rule nope does not exist on EventBus BUS.',
    ],
    [
      'DescribeRule on an unknown bus',
      () => new DescribeRuleCommand({ Name: 'nope', EventBusName: 'no-such-bus' }),
      'ResourceNotFoundException: Event bus no-such-bus does not exist.',
    ],
    [
      'PutRule on an unknown bus',
      () => new PutRuleCommand({ Name: 'r', EventBusName: 'no-such-bus', EventPattern: '{"source": ["x"]}' }),
      'ResourceNotFoundException: Event bus no-such-bus does not exist.',
    ],
    [
      'ListRules on an unknown bus',
      () => new ListRulesCommand({ EventBusName: 'no-such-bus' }),
      'ResourceNotFoundException: Event bus no-such-bus does not exist.',
    ],
    [
      'PutRule with an invalid pattern',
      () => new PutRuleCommand({ Name: 'r', EventBusName: bus, EventPattern: '{"detail": {"status": "FAILED"}}' }),
      'InvalidEventPatternException: Event pattern is not valid. Reason: pattern at "detail.status": expected an array of values or a nested object, got string "FAILED"',
    ],
    [
      'PutRule with neither pattern nor schedule',
      () => new PutRuleCommand({ Name: 'r', EventBusName: bus }),
      'ValidationException: Parameter(s) EventPattern or ScheduleExpression must be specified.',
    ],
    [
      'PutRule with a schedule on a custom bus',
      () => new PutRuleCommand({ Name: 'r', EventBusName: bus, ScheduleExpression: 'rate(1 day)' }),
      'ValidationException: ScheduleExpression is supported only on the default event bus.',
    ],
    [
      'PutRule with a malformed schedule',
      () => new PutRuleCommand({ Name: 'r', ScheduleExpression: 'every day' }),
      'ValidationException: Parameter ScheduleExpression is not valid.',
    ],
    [
      'PutRule with a bad name',
      () => new PutRuleCommand({ Name: 'bad name!', EventBusName: bus, EventPattern: '{"source": ["x"]}' }),
      "ValidationException: 1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    ],
    [
      'PutRule with a 65-character name',
      () => new PutRuleCommand({ Name: 'r'.repeat(65), EventBusName: bus, EventPattern: '{"source": ["x"]}' }),
      `ValidationException: 1 validation error detected: Value '${'r'.repeat(65)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64`,
    ],
    [
      'ListRules with Limit 0',
      () => new ListRulesCommand({ EventBusName: bus, Limit: 0 }),
      "ValidationException: 1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'ListRules with Limit 101',
      () => new ListRulesCommand({ EventBusName: bus, Limit: 101 }),
      "ValidationException: 1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    ],
    [
      'ListRules with a made-up NextToken',
      () => new ListRulesCommand({ EventBusName: bus, NextToken: 'made-up' }),
      'ValidationException: The NextToken provided is not valid.',
    ],
    [
      'DeleteRule of a template rule (it has targets)',
      (templateRule: string) => new DeleteRuleCommand({ Name: templateRule, EventBusName: bus }),
      "ValidationException: Rule can't be deleted since it has targets.",
    ],
  ])('%s fails with the API error', async (_name, command: (templateRule: string) => unknown, expected) => {
    const templateRule = runtime.deployment.rules.find((r) => r.eventBusName === bus)!.name;
    expect(await failure(events.send(command(templateRule) as never))).toBe(expected.replace('BUS', bus));
  });
});

describe('the served timeline', () => {
  it('prints what a put rule and a --rule file match, and appends each event to --events-out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-eventbridge-'));
    const eventsOut = path.join(dir, 'events.ndjson');
    const lines: string[] = [];
    const flush = servedTimeline(
      runtime,
      { rules: [{ file: 'orders.json', pattern: parseEventPattern('{"source": ["subscriber.orders"]}') }], eventsOut },
      (line) => lines.push(line),
    );
    flush(true); // what the buses held before: printed once, never again

    await events.send(
      new PutRuleCommand({ Name: 'big-orders', EventBusName: bus, EventPattern: '{"detail": {"amount": [{"numeric": [">", 100]}]}}' }),
    );
    await events.send(
      new PutRuleCommand({ Name: 'off', EventBusName: bus, EventPattern: '{"source": ["subscriber.orders"]}', State: 'DISABLED' }),
    );
    const before = lines.length;
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: bus, Source: 'subscriber.orders', DetailType: 'Order Placed', Detail: JSON.stringify({ amount: 250 }) },
          { EventBusName: bus, Source: 'subscriber.orders', DetailType: 'Order Placed', Detail: JSON.stringify({ amount: 5 }) },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    flush(true);
    const printed = lines.slice(before);
    const ruleLines = printed.filter((l) => l.includes('↳'));
    expect(ruleLines).toEqual([
      `${' '.repeat(12)}↳ rule big-orders (put over the API) matched`,
      `${' '.repeat(12)}↳ --rule orders.json matched`,
      `${' '.repeat(12)}↳ --rule orders.json matched`,
    ]);
    // The disabled rule matched nothing.
    expect(printed.join('\n')).not.toMatch(/rule off/);

    const written = fs
      .readFileSync(eventsOut, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; detail: { amount?: number } });
    expect(written.slice(-2)).toEqual([
      expect.objectContaining({ source: 'subscriber.orders', 'detail-type': 'Order Placed', detail: { amount: 250 } }),
      expect.objectContaining({ source: 'subscriber.orders', 'detail-type': 'Order Placed', detail: { amount: 5 } }),
    ]);
    flush();
    expect(fs.readFileSync(eventsOut, 'utf8').trim().split('\n')).toHaveLength(written.length);
    for (const name of ['big-orders', 'off']) await events.send(new DeleteRuleCommand({ Name: name, EventBusName: bus }));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
