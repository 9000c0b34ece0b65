import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import {
  IntrinsicResolutionError,
  type ResolveContext,
  arnOf,
  physicalIdOf,
  resolveIntrinsics,
  resolveStateMachineDefinition,
} from '../../local/template/intrinsics';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** One resource of every supported type, plus variations that change the derived name. */
const ctx: ResolveContext = {
  account: ACCOUNT,
  region: REGION,
  resources: {
    Fn: { Type: 'AWS::Lambda::Function' },
    NamedFn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'explicit-fn' } },
    Table: { Type: 'AWS::DynamoDB::Table' },
    SubNamedTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Sub': '${AWS::StackName}-runs' } } },
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'my-bus' } },
    Topic: { Type: 'AWS::SNS::Topic' },
    Queue: { Type: 'AWS::SQS::Queue' },
    FifoQueue: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } },
    Machine: { Type: 'AWS::StepFunctions::StateMachine' },
    Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/' } },
    Logs: { Type: 'AWS::Logs::LogGroup' },
    Key: { Type: 'AWS::KMS::Key' },
    Rule: { Type: 'AWS::Events::Rule', Properties: { EventBusName: { Ref: 'Bus' } } },
    Schedule: { Type: 'AWS::Scheduler::Schedule' },
    Registry: { Type: 'AWS::EventSchemas::Registry' },
    Policy: { Type: 'AWS::IAM::Policy' },
  },
  parameters: {
    Stage: 'dev',
    Subnets: ['subnet-a', 'subnet-b'],
    BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
  },
  overrides: { Overridden: 'physical-x', 'Fn.CustomAttr': 'custom-value' },
  conditions: {
    IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] },
    IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] },
    Always: true,
  },
};
const arn = (service: string, rest: string): string => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;

describe('Ref', () => {
  it.each<[string, unknown]>([
    ['Fn', 'local-stack-Fn'],
    ['NamedFn', 'explicit-fn'],
    ['Table', 'local-stack-Table'],
    ['SubNamedTable', 'local-stack-runs'],
    ['Bus', 'my-bus'],
    ['Topic', arn('sns', 'local-stack-Topic')],
    ['Queue', `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/local-stack-Queue`],
    ['FifoQueue', `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/local-stack-FifoQueue.fifo`],
    ['Machine', arn('states', 'stateMachine:local-stack-Machine')],
    ['Role', 'local-stack-Role'],
    ['Logs', 'local-stack-Logs'],
    ['Rule', 'local-stack-Rule'],
    ['Schedule', 'local-stack-Schedule'],
    ['Registry', arn('schemas', 'registry/local-stack-Registry')],
    ['Policy', 'local-stack-Policy'],
    ['Stage', 'dev'],
    ['Subnets', ['subnet-a', 'subnet-b']],
    ['BootstrapVersion', '/cdk-bootstrap/hnb659fds/version'],
    ['Overridden', 'physical-x'],
    ['AWS::AccountId', ACCOUNT],
    ['AWS::Region', REGION],
    ['AWS::Partition', 'aws'],
    ['AWS::StackName', 'local-stack'],
    ['AWS::URLSuffix', 'amazonaws.com'],
  ])('Ref %s', (name, expected) => {
    expect(resolveIntrinsics({ Ref: name }, ctx)).toEqual(expected);
  });

  it('gives KMS keys a stable uuid-shaped id', () => {
    const id = resolveIntrinsics({ Ref: 'Key' }, ctx);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resolveIntrinsics({ Ref: 'Key' }, ctx)).toBe(id);
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['Key', 'Arn'] }, ctx)).toBe(arn('kms', `key/${String(id)}`));
  });

  it('honours context partition, stack name and URL suffix', () => {
    const cn: ResolveContext = { ...ctx, partition: 'aws-cn', stackName: 'S', urlSuffix: 'amazonaws.com.cn' };
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['Fn', 'Arn'] }, cn)).toBe(`arn:aws-cn:lambda:${REGION}:${ACCOUNT}:function:S-Fn`);
    expect(resolveIntrinsics({ Ref: 'Queue' }, cn)).toBe(`https://sqs.${REGION}.amazonaws.com.cn/${ACCOUNT}/S-Queue`);
  });
});

describe('Fn::GetAtt', () => {
  it.each<[string, string, string]>([
    ['Fn', 'Arn', arn('lambda', 'function:local-stack-Fn')],
    ['NamedFn', 'Arn', arn('lambda', 'function:explicit-fn')],
    ['Table', 'Arn', arn('dynamodb', 'table/local-stack-Table')],
    ['Table', 'StreamArn', arn('dynamodb', 'table/local-stack-Table/stream/1970-01-01T00:00:00.000')],
    ['Bus', 'Arn', arn('events', 'event-bus/my-bus')],
    ['Bus', 'Name', 'my-bus'],
    ['Topic', 'TopicArn', arn('sns', 'local-stack-Topic')],
    ['Topic', 'TopicName', 'local-stack-Topic'],
    ['Queue', 'Arn', arn('sqs', 'local-stack-Queue')],
    ['Queue', 'QueueName', 'local-stack-Queue'],
    ['Queue', 'QueueUrl', `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/local-stack-Queue`],
    ['Machine', 'Arn', arn('states', 'stateMachine:local-stack-Machine')],
    ['Machine', 'Name', 'local-stack-Machine'],
    ['Role', 'Arn', `arn:aws:iam::${ACCOUNT}:role/service/local-stack-Role`],
    ['Logs', 'Arn', arn('logs', 'log-group:local-stack-Logs:*')],
    ['Rule', 'Arn', arn('events', 'rule/my-bus/local-stack-Rule')],
    ['Schedule', 'Arn', arn('scheduler', 'schedule/default/local-stack-Schedule')],
    ['Registry', 'RegistryName', 'local-stack-Registry'],
    ['Policy', 'Arn', arn('iam', 'Policy')],
    ['Fn', 'CustomAttr', 'custom-value'],
  ])('%s.%s', (id, attr, expected) => {
    expect(resolveIntrinsics({ 'Fn::GetAtt': [id, attr] }, ctx)).toBe(expected);
    expect(resolveIntrinsics({ 'Fn::GetAtt': `${id}.${attr}` }, ctx)).toBe(expected);
  });

  it('exports the same naming as helpers', () => {
    expect(physicalIdOf('X', 'AWS::DynamoDB::Table', undefined, ctx)).toBe('local-stack-X');
    expect(physicalIdOf('X', 'AWS::DynamoDB::Table', { TableName: 'runs' }, ctx)).toBe('runs');
    expect(arnOf('X', 'AWS::Lambda::Function', {}, ctx)).toBe(arn('lambda', 'function:local-stack-X'));
  });
});

describe('functions', () => {
  it.each<[string, unknown, unknown]>([
    ['Fn::Join', { 'Fn::Join': [':', ['a', { Ref: 'AWS::Region' }, 3]] }, `a:${REGION}:3`],
    ['Fn::Join of Fn::Split', { 'Fn::Join': ['-', { 'Fn::Split': [',', 'x,y,z'] }] }, 'x-y-z'],
    ['Fn::Split', { 'Fn::Split': ['/', 'a/b'] }, ['a', 'b']],
    ['Fn::Select', { 'Fn::Select': ['1', { Ref: 'Subnets' }] }, 'subnet-b'],
    ['Fn::Select of Fn::Split', { 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Fn', 'Arn'] }] }] }, 'function'],
    ['Fn::Sub string', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Stage}-${Bus}' }, 'arn:aws:s3:::dev-my-bus'],
    ['Fn::Sub attribute', { 'Fn::Sub': '${Fn.Arn}|${Bus.Name}' }, `${arn('lambda', 'function:local-stack-Fn')}|my-bus`],
    ['Fn::Sub vars', { 'Fn::Sub': ['${A}/${B}/${AWS::Region}', { A: 'x', B: { Ref: 'Table' } }] }, `x/local-stack-Table/${REGION}`],
    ['Fn::Sub var shadows resource', { 'Fn::Sub': ['${Bus}', { Bus: 'shadow' }] }, 'shadow'],
    ['Fn::Sub escape', { 'Fn::Sub': '${!Literal}-${Stage}-${!AWS::Region}' }, '${Literal}-dev-${AWS::Region}'],
    ['Fn::If true', { 'Fn::If': ['IsDev', 'yes', { Ref: 'Missing' }] }, 'yes'],
    ['Fn::If nested condition', { 'Fn::If': ['IsProd', 'yes', { 'Fn::Join': ['', ['n', 'o']] }] }, 'no'],
    ['Fn::If boolean condition', { 'Fn::If': ['Always', 1, 2] }, 1],
    [
      'deep nesting',
      { a: [{ b: { 'Fn::Join': ['', [{ 'Fn::Sub': '${Stage}' }, { 'Fn::Select': [0, ['!']] }]] } }] },
      { a: [{ b: 'dev!' }] },
    ],
    ['plain values', { n: 1, s: 'x', t: true, z: null, l: [] }, { n: 1, s: 'x', t: true, z: null, l: [] }],
  ])('%s', (_name, input, expected) => {
    expect(resolveIntrinsics(input, ctx)).toEqual(expected);
  });

  it('does not mutate its input', () => {
    const input = { a: { Ref: 'Table' }, b: [{ Ref: 'AWS::NoValue' }] };
    const copy = JSON.parse(JSON.stringify(input)) as unknown;
    resolveIntrinsics(input, ctx);
    expect(input).toEqual(copy);
  });
});

describe('AWS::NoValue', () => {
  it.each<[string, unknown, unknown]>([
    ['object key', { keep: 1, drop: { Ref: 'AWS::NoValue' } }, { keep: 1 }],
    ['array element', ['a', { Ref: 'AWS::NoValue' }, 'b'], ['a', 'b']],
    ['via Fn::If', { x: { 'Fn::If': ['IsProd', 'p', { Ref: 'AWS::NoValue' }] } }, {}],
    ['inside a Join list', { 'Fn::Join': ['', ['a', { Ref: 'AWS::NoValue' }, 'b']] }, 'ab'],
    ['top level', { Ref: 'AWS::NoValue' }, undefined],
  ])('removes %s', (_name, input, expected) => {
    expect(resolveIntrinsics(input, ctx)).toEqual(expected);
  });
});

describe('errors', () => {
  it.each<[string, unknown, RegExp]>([
    ['unknown Ref', { x: { Ref: 'Nope' } }, /^Ref: unknown resource or parameter \(logical id 'Nope'\) at \$\.x\.Ref$/],
    ['unknown GetAtt id', { 'Fn::GetAtt': ['Nope', 'Arn'] }, /Fn::GetAtt: unknown resource \(logical id 'Nope'\) at \$\["Fn::GetAtt"\]/],
    [
      'unsupported attribute',
      { 'Fn::GetAtt': ['Table', 'LatestStreamLabel'] },
      /Fn::GetAtt: attribute 'LatestStreamLabel' of AWS::DynamoDB::Table is not supported.*'Table'/,
    ],
    ['generic attribute', { 'Fn::GetAtt': ['Policy', 'Id'] }, /attribute 'Id' of AWS::IAM::Policy is not supported/],
    ['unknown in Sub', { 'Fn::Sub': 'x-${Nope.Arn}' }, /^Fn::Sub: unknown resource \(logical id 'Nope'\)/],
    ['nested path', { a: [{ 'Fn::Join': ['', ['x', { Ref: 'Nope' }]] }] }, /at \$\.a\[0\]\["Fn::Join"\]\[1\]\[1\]\.Ref$/],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'SharedBusArn' }, /Fn::ImportValue: cross-stack export "SharedBusArn"/],
    ['unsupported function', { 'Fn::FindInMap': ['M', 'a', 'b'] }, /^Fn::FindInMap: intrinsic function is not supported/],
    ['unknown pseudo parameter', { Ref: 'AWS::Nope' }, /unknown pseudo parameter 'AWS::Nope'/],
    ['unknown condition', { 'Fn::If': ['Nope', 1, 2] }, /Fn::If: unknown condition.*'Nope'/],
    ['Select out of range', { 'Fn::Select': [2, ['a']] }, /Fn::Select: index 2 is out of range/],
    ['non-string in Join', { 'Fn::Join': ['', [{ Ref: 'Subnets' }]] }, /Fn::Join: expected a string/],
  ])('%s', (_name, input, message) => {
    const attempt = (): unknown => resolveIntrinsics(input, ctx);
    expect(attempt).toThrow(IntrinsicResolutionError);
    expect(attempt).toThrow(message);
  });

  it('carries structured details', () => {
    try {
      resolveIntrinsics({ a: { Ref: 'Nope' } }, ctx);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(IntrinsicResolutionError);
      expect((e as IntrinsicResolutionError).name).toBe('IntrinsicResolutionError');
      expect((e as IntrinsicResolutionError).details).toEqual({ fn: 'Ref', logicalId: 'Nope', path: '$.a.Ref' });
    }
  });
});

describe('names that refer to other names', () => {
  const naming = (resources: ResolveContext['resources']): ResolveContext => ({ account: ACCOUNT, region: REGION, resources });
  const loop = naming({
    A: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Sub': '${B}-a' } } },
    B: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Sub': '${A}-b' } } },
  });

  it('turns a circular name into a named error, not a stack overflow', () => {
    const attempt = (): unknown => resolveIntrinsics({ Ref: 'A' }, loop);
    expect(attempt).toThrow(IntrinsicResolutionError);
    expect(attempt).toThrow(/^Ref: circular reference while resolving a name \(logical id 'A'\)/);
  });

  it('resolves a name used twice on one path (a diamond is not a loop)', () => {
    const diamond = naming({
      Base: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'base' } },
      Both: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Sub': '${Base}-${Base}' } } },
    });
    expect(resolveIntrinsics({ Ref: 'Both' }, diamond)).toBe('base-base');
  });

  it('keeps no trace of a failed resolution: the next one, with the same logical ids, resolves', () => {
    expect(() => resolveIntrinsics({ Ref: 'A' }, loop)).toThrow(IntrinsicResolutionError);
    const fixed = naming({
      A: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Sub': '${B}-a' } } },
      B: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'b' } },
    });
    expect(resolveIntrinsics({ Ref: 'A' }, fixed)).toBe('b-a');
  });
});

describe('resolveStateMachineDefinition', () => {
  it('resolves DefinitionString and intrinsic DefinitionSubstitutions', () => {
    const definition = resolveStateMachineDefinition(
      {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"',
              { 'Fn::GetAtt': ['Fn', 'Arn'] },
              '","Parameters":{"t":"${TableName}","keep":"${Unknown}"},"End":true}}}',
            ],
          ],
        },
        DefinitionSubstitutions: { TableName: { Ref: 'Table' }, Dropped: { Ref: 'AWS::NoValue' } },
      },
      ctx,
    );
    expect(definition).toEqual({
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: arn('lambda', 'function:local-stack-Fn'),
          Parameters: { t: 'local-stack-Table', keep: '${Unknown}' },
          End: true,
        },
      },
    });
  });

  it('resolves the object form Definition', () => {
    const definition = resolveStateMachineDefinition(
      {
        Definition: { StartAt: 'P', States: { P: { Type: 'Pass', Result: { bus: { Ref: 'Bus' }, q: '${Q}' }, End: true } } },
        DefinitionSubstitutions: { Q: { Ref: 'Queue' } },
      },
      ctx,
    );
    expect(definition).toEqual({
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Result: { bus: 'my-bus', q: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/local-stack-Queue` }, End: true },
      },
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no definition', {}, /no Definition or DefinitionString/],
    ['S3 definition', { DefinitionS3Location: { Bucket: 'b', Key: 'k' } }, /DefinitionS3Location is not supported/],
    ['invalid JSON', { DefinitionString: '{"StartAt":' }, /DefinitionString: is not valid JSON/],
    [
      'bad intrinsic',
      { DefinitionString: { 'Fn::Join': ['', ['{', { 'Fn::GetAtt': ['Gone', 'Arn'] }, '}']] } },
      /'Gone'.*\$\.DefinitionString\["Fn::Join"\]\[1\]\[1\]\["Fn::GetAtt"\]/,
    ],
  ])('fails on %s', (_name, properties, message) => {
    expect(() => resolveStateMachineDefinition(properties, ctx)).toThrow(message);
  });
});

describe('a synthesized CDK stack', () => {
  interface CfnTemplate {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    Parameters?: Record<string, unknown>;
  }
  let template: CfnTemplate;
  let context: ResolveContext;
  let fnId: string;
  let tableId: string;

  // Synthesis takes a few seconds, so it happens once for the whole file.
  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: REGION } });
    const fn = new lambda.Function(stack, 'PollFunction', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ waitSeconds: 1 });'),
    });
    const table = new dynamodb.Table(stack, 'Runs', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const bus = new events.EventBus(stack, 'Bus');
    const chain = new tasks.LambdaInvoke(stack, 'Invoke', { lambdaFunction: fn, payloadResponseOnly: true })
      .next(new sfn.Wait(stack, 'Wait', { time: sfn.WaitTime.secondsPath('$.waitSeconds') }))
      .next(
        new tasks.EventBridgePutEvents(stack, 'Emit', {
          entries: [
            { eventBus: bus, source: 'poller', detailType: 'Polled', detail: sfn.TaskInput.fromObject({ table: table.tableName }) },
          ],
        }),
      )
      .next(new sfn.Pass(stack, 'Record', { result: sfn.Result.fromObject({ table: '${TableName}' }) }));
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(chain),
      definitionSubstitutions: { TableName: table.tableName },
    });
    template = Template.fromStack(stack).toJSON() as CfnTemplate;
    context = { account: ACCOUNT, region: REGION, resources: template.Resources, parameters: template.Parameters };
    fnId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    tableId = stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
  });

  it('resolves the real definition into plain ASL', () => {
    const [, machine] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine') ?? [];
    expect(machine?.Properties?.DefinitionString).toHaveProperty(['Fn::Join']);

    const definition = resolveStateMachineDefinition(machine?.Properties ?? {}, context);
    const json = JSON.stringify(definition);
    expect(json).not.toMatch(/Fn::|"Ref"|\$\{/);
    expect(definition.StartAt).toBe('Invoke');
    const states = definition.States as Record<string, Record<string, unknown>>;
    expect(Object.keys(states)).toEqual(['Invoke', 'Wait', 'Emit', 'Record']);
    expect(states.Invoke.Resource).toBe(arn('lambda', `function:local-stack-${fnId}`));
    expect(states.Wait).toMatchObject({ Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Emit' });
    expect(states.Emit.Resource).toBe('arn:aws:states:::events:putEvents');
    expect(states.Record.Result).toEqual({ table: `local-stack-${tableId}` });
  });

  it('resolves the whole template, including the CDK parameter declarations', () => {
    const resolved = JSON.stringify(resolveIntrinsics(template.Resources, context));
    expect(resolved).not.toContain('Fn::');
    expect(resolveIntrinsics({ Ref: 'BootstrapVersion' }, context)).toBe('/cdk-bootstrap/hnb659fds/version');
  });
});
