/**
 * Least privilege, proven offline: the synthesized template's IAM policies, resolved for a fake
 * account and region, are evaluated with an IAM policy simulator (@cloud-copilot/iam-simulate).
 *
 * (a) Every AWS call a handler makes during local runs (recorded by the stand-ins) is allowed to
 *     that handler's role, for exactly that resource.
 * (b) Calls the handlers must never make are denied.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { DetailType } from '../../lib/contract/events';
import { EnvVar } from '../../lib/contract/environment';
import * as pollHandlerModule from '../../lambda/poll/poll-handler';
import * as reportFailureHandlerModule from '../../lambda/report-failure/report-failure-handler';
import * as starterHandlerModule from '../../lambda/starter/starter-handler';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalDeployment, deploymentFromTemplate } from '../../local/template/deployment';
import { synthesizeTemplate } from '../../local/template/synthesis';
import { type ResolveContext, arnOf, resolveIntrinsics } from '../../local/template/intrinsics';
import type { RecordedCall } from '../../local/core/recorded-call';
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';

type Caller = 'poll' | 'reportFailure' | 'starter';
type IamPolicy = { Version?: string; Statement: unknown[] };
type CfnResource = { Type: string; Properties?: Record<string, any> };

/** The factories the template's functions name (template metadata), by caller. */
const FACTORIES: Record<Caller, string> = {
  poll: 'createPollHandler',
  reportFailure: 'createReportFailureHandler',
  starter: 'createStarterHandler',
};
const ARN_PREFIX = (service: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;
const batchPredictionArn = (id: string) => `${ARN_PREFIX('machinelearning')}:batchprediction/${id}`;

let template: Record<string, unknown>;
let deployment: LocalDeployment;
let resolveContext: ResolveContext;
/** The identity policies of each handler's role, resolved to plain JSON. */
const rolePolicies = {} as Record<Caller, { roleArn: string; policies: Array<{ name: string; policy: IamPolicy }> }>;
let tableArn: string;
let busArn: string;
let stateMachineArn: string;

beforeAll(() => {
  const synthesized = synthesizeTemplate();
  template = synthesized.template;
  deployment = deploymentFromTemplate(template, synthesized.stackName);
  const resources = template.Resources as Record<string, CfnResource>;
  resolveContext = { account: LOCAL_ACCOUNT, region: LOCAL_REGION, resources, stackName: synthesized.stackName };
  for (const caller of Object.keys(FACTORIES) as Caller[]) rolePolicies[caller] = policiesOfFunction(caller);
  const [table] = deployment.tables;
  tableArn = arnOf(table.logicalId, 'AWS::DynamoDB::Table', resources[table.logicalId].Properties, resolveContext);
  const busName = deployment.functions[0].environment[EnvVar.EVENT_BUS_NAME];
  busArn = `${ARN_PREFIX('events')}:event-bus/${busName}`;
  expect(deployment.stateMachines).toHaveLength(1);
  stateMachineArn = deployment.stateMachines[0].arn;
});

/** The role of the function built by `caller`'s factory, and every policy that role has. */
function policiesOfFunction(caller: Caller): { roleArn: string; policies: Array<{ name: string; policy: IamPolicy }> } {
  const resources = template.Resources as Record<string, CfnResource>;
  const functions = deployment.functions.filter((f) => f.factory === FACTORIES[caller]);
  expect(functions).toHaveLength(1);
  const roleGetAtt = resources[functions[0].logicalId].Properties?.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = roleGetAtt['Fn::GetAtt'][0];
  const role = resources[roleId];
  expect(role.Type).toBe('AWS::IAM::Role');
  // Managed policies cannot be evaluated offline (their text is AWS's); the roles have none.
  expect(role.Properties?.ManagedPolicyArns ?? []).toEqual([]);
  const inline = ((role.Properties?.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: unknown }>).map((p) => ({
    name: p.PolicyName,
    policy: resolveIntrinsics(p.PolicyDocument, resolveContext) as IamPolicy,
  }));
  const attached = Object.entries(resources)
    .filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::Policy' &&
        ((r.Properties?.Roles ?? []) as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })),
    )
    .map(([id, r]) => ({ name: id, policy: resolveIntrinsics(r.Properties?.PolicyDocument, resolveContext) as IamPolicy }));
  const policies = [...inline, ...attached];
  expect(policies.length).toBeGreaterThan(0);
  // Fully resolved: no intrinsic left for the simulator to misread.
  expect(JSON.stringify(policies)).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
  return { roleArn: arnOf(roleId, 'AWS::IAM::Role', role.Properties, resolveContext), policies };
}

/**
 * What IAM decides for `caller`'s role doing `action` on `resource` (same account). No resource
 * policy, except for the stack's KMS key, whose key policy always takes part (a key's IAM grants
 * count only where its key policy delegates to the account).
 */
async function decide(caller: Caller, action: string, resource: string): Promise<string> {
  const { roleArn, policies } = rolePolicies[caller];
  const resourcePolicy = action.startsWith('kms:') && resource === keyArn() ? keyPolicy() : undefined;
  const response = await runSimulation(
    {
      request: { principal: roleArn, action, resource: { resource, accountId: LOCAL_ACCOUNT }, contextVariables: {} },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy !== undefined ? { resourcePolicy } : {}),
    },
    {},
  );
  // A request the simulator cannot validate (unknown action, wrong resource type) must not pass as "denied".
  if (response.resultType !== 'single')
    throw new Error(`${action} on ${resource}: simulation ${response.resultType}: ${JSON.stringify(response)}`);
  return response.overallResult;
}

/** A recorded call as the IAM request it is: action and resource ARN. */
function asIamRequest(call: RecordedCall): { action: string; resource: string } {
  switch (call.service) {
    case 'machinelearning':
      // DescribeBatchPredictions lists the account's batch predictions: it has no resource type.
      if (call.operation === 'DescribeBatchPredictions') {
        expect(call.resource).toBeUndefined();
        return { action: 'machinelearning:DescribeBatchPredictions', resource: '*' };
      }
      return { action: `machinelearning:${call.operation}`, resource: batchPredictionArn(String(call.resource)) };
    case 'dynamodb':
      expect(deployment.tables.map((t) => t.tableName)).toContain(call.resource);
      return { action: `dynamodb:${call.operation}`, resource: `${ARN_PREFIX('dynamodb')}:table/${call.resource}` };
    case 'events':
      return { action: `events:${call.operation}`, resource: `${ARN_PREFIX('events')}:event-bus/${call.resource}` };
    case 'states':
      // The Step Functions API records the ARN itself: the state machine, or one execution.
      return { action: `states:${call.operation}`, resource: String(call.resource) };
    default:
      throw new Error(`no IAM mapping for ${JSON.stringify(call)}`);
  }
}

describe('every call the handlers make in local runs is allowed to the calling role, for exactly that resource', () => {
  /** Calls attributed to the handler invocation they happened in. */
  const attributed: Array<{ caller: Caller; call: RecordedCall }> = [];
  const results: RunResult[] = [];
  let overlapping = 0;

  /**
   * Runs one scenario with one batch prediction, so that handler invocations never overlap and every
   * call recorded while an invocation is in flight is that invocation's.
   */
  async function runAttributed(rawScenario: unknown): Promise<void> {
    const runtime = await LocalRuntime.start(validateScenario(rawScenario), { deployment });
    const standIns = [runtime.machineLearning, runtime.eventBridge, runtime.dynamoDb, runtime.stepFunctions];
    let inFlight = 0;
    const instrument = (caller: Caller, module: Record<string, unknown>) => {
      const factory = module[FACTORIES[caller]] as (...args: unknown[]) => (payload: unknown, context: unknown) => Promise<unknown>;
      return jest.spyOn(module as Record<string, any>, FACTORIES[caller]).mockImplementation((...args: unknown[]) => {
        const handler = factory(...args);
        return async (payload: unknown, context: unknown) => {
          // A run the sweeper starts polls at once, while the starter is still finishing: the poll
          // waits for it, so that every call recorded in between is one invocation's.
          while (inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
          if (inFlight++ > 0) overlapping++;
          const starts = standIns.map((s) => s.calls.length);
          try {
            return await handler(payload, context);
          } finally {
            inFlight--;
            for (const [i, s] of standIns.entries()) {
              for (const call of s.calls.slice(starts[i])) attributed.push({ caller, call });
            }
          }
        };
      });
    };
    const spies = [
      instrument('poll', pollHandlerModule as unknown as Record<string, unknown>),
      instrument('reportFailure', reportFailureHandlerModule as unknown as Record<string, unknown>),
      // The sweeper schedule invokes the starter during local runs too.
      instrument('starter', starterHandlerModule as unknown as Record<string, unknown>),
    ];
    try {
      results.push(await runtime.run());
    } finally {
      for (const spy of spies) spy.mockRestore();
      await runtime.stop();
    }
  }

  beforeAll(async () => {
    try {
      // A job that completes: GetBatchPrediction, history writes and status-change events.
      await runAttributed({
        batchPredictions: [
          {
            id: 'bp-completes',
            timeline: [
              { at: 0, status: 'PENDING' },
              { at: 120, status: 'INPROGRESS' },
              { at: 900, status: 'COMPLETED', totalRecordCount: 10, invalidRecordCount: 0 },
            ],
          },
        ],
      });
      // A mistyped id: ResourceNotFound, then the failure path publishes Polling Failed.
      await runAttributed({ batchPredictions: [{ id: 'bp-does-not-exist', missing: true }] });
      // A run whose retries run out while the job is in progress: the sweeper finds it, reads how
      // its run ended (DescribeExecution) and restarts it (StartExecution <id>+r1).
      await runAttributed({
        batchPredictions: [
          {
            id: 'bp-restarted',
            starts: 0,
            timeline: [
              { at: 0, status: 'PENDING' },
              { at: 3600, status: 'COMPLETED' },
            ],
          },
        ],
        faults: [{ operation: 'GetBatchPrediction', id: 'bp-restarted', error: 'InternalServerException', times: 7 }],
      });
    } finally {
    }
  });

  it('the runs did what they were meant to (so the calls below are the real ones)', () => {
    const [completed, missing, restarted] = results;
    expect(completed.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(restarted.executions.map((e) => [e.name, e.status])).toEqual([
      ['bp-restarted', 'FAILED'],
      ['bp-restarted+r1', 'SUCCEEDED'],
    ]);
    expect(completed.events.map((e) => e.envelope.detail.status)).toEqual(['PENDING', 'INPROGRESS', 'COMPLETED']);
    expect(missing.executions.map((e) => e.status)).toEqual(['FAILED']);
    expect(missing.events.map((e) => e.envelope['detail-type'])).toEqual([DetailType.POLLING_FAILED]);
    expect(overlapping).toBe(0);
  });

  it('attributes every handler call, and leaves out only the harness’s own table setup and history scan', () => {
    const handlerCalls = new Set(attributed.map((a) => a.call));
    const harness = results.flatMap((r) => r.calls).filter((call) => !handlerCalls.has(call));
    expect(harness.every((call) => call.service === 'dynamodb' && ['CreateTable', 'DescribeTable', 'Scan'].includes(call.operation))).toBe(
      true,
    );
    // All three roles, all three services (other calls, e.g. a read-back GetItem, are checked below too).
    expect([...new Set(attributed.map((a) => `${a.caller} ${a.call.service}:${a.call.operation}`))]).toEqual(
      expect.arrayContaining([
        'poll machinelearning:GetBatchPrediction',
        'poll dynamodb:PutItem',
        'poll events:PutEvents',
        'reportFailure events:PutEvents',
        'starter machinelearning:DescribeBatchPredictions',
      ]),
    );
    // The starter lists batch predictions, lists, describes and starts executions; nothing else
    // (no history, no events).
    expect(
      [...new Set(attributed.filter((a) => a.caller === 'starter').map((a) => `${a.call.service}:${a.call.operation}`))].sort(),
    ).toEqual(['machinelearning:DescribeBatchPredictions', 'states:DescribeExecution', 'states:ListExecutions', 'states:StartExecution']);
  });

  it('each call is allowed to the role of the function that made it', async () => {
    const decisions = await Promise.all(
      attributed.map(async ({ caller, call }) => {
        const { action, resource } = asIamRequest(call);
        return `${caller}: ${action} on ${resource} → ${await decide(caller, action, resource)}`;
      }),
    );
    expect(decisions.length).toBeGreaterThan(0);
    for (const decision of decisions) expect(decision).toMatch(/ → Allowed$/);
  });

  it('the resources are exactly the polled batch predictions, the history table, the bus, the state machine and its executions (and "*" for the starter\'s listing only)', () => {
    const requested = new Set(attributed.map(({ call }) => asIamRequest(call).resource));
    const execution = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    expect(requested).toEqual(
      new Set([
        batchPredictionArn('bp-completes'),
        batchPredictionArn('bp-does-not-exist'),
        batchPredictionArn('bp-restarted'),
        tableArn,
        busArn,
        '*',
        stateMachineArn,
        // The sweeper read the failed run, and looked for a restart that did not exist yet.
        execution('bp-restarted'),
        execution('bp-restarted+r1'),
        // Later sweeps revisit the runs that failed lately, whatever the job's status: the latest
        // run of each (a NOT_FOUND run left alone; a restart that ended SUCCEEDED, and its hand-over).
        execution('bp-does-not-exist'),
        execution('bp-does-not-exist+r1'),
        execution('bp-restarted+r1+g2'),
        execution('bp-restarted+r2'),
      ]),
    );
    const onAny = attributed.filter(({ call }) => asIamRequest(call).resource === '*');
    expect(new Set(onAny.map(({ caller, call }) => `${caller} ${call.operation}`))).toEqual(new Set(['starter DescribeBatchPredictions']));
  });
});

/** The template's one queue, the dead-letter queue. */
function deadLetterQueueArn(): string {
  expect(deployment.queues).toHaveLength(1);
  return deployment.queues[0].arn;
}

/** The stack's customer managed key, as a logical id and resource. */
function keyResource(): [string, CfnResource] {
  const keys = Object.entries(template.Resources as Record<string, CfnResource>).filter(([, r]) => r.Type === 'AWS::KMS::Key');
  expect(keys).toHaveLength(1);
  return keys[0];
}

/** The stack key's ARN. */
function keyArn(): string {
  const [logicalId, key] = keyResource();
  return arnOf(logicalId, 'AWS::KMS::Key', key.Properties, resolveContext);
}

/** The stack key's key policy, resolved. */
function keyPolicy(): IamPolicy {
  return resolveIntrinsics(keyResource()[1].Properties?.KeyPolicy, resolveContext) as IamPolicy;
}

describe('calls the handlers must never make are denied', () => {
  const OTHER_BATCH_PREDICTION = batchPredictionArn('bp-someone-elses');
  const otherTable = () => `${ARN_PREFIX('dynamodb')}:table/other-table`;
  const otherBus = `${ARN_PREFIX('events')}:event-bus/other-bus`;
  const DENIED: Array<[Caller, string, string, () => string]> = [
    ['poll', 'machinelearning:DeleteBatchPrediction', "another job's batch prediction", () => OTHER_BATCH_PREDICTION],
    ['poll', 'machinelearning:DeleteBatchPrediction', 'the polled batch prediction', () => batchPredictionArn('bp-completes')],
    ['poll', 'machinelearning:CreateBatchPrediction', 'a new batch prediction', () => OTHER_BATCH_PREDICTION],
    ['poll', 'machinelearning:UpdateBatchPrediction', 'a batch prediction', () => OTHER_BATCH_PREDICTION],
    ['poll', 'events:PutEvents', 'bus other-bus', () => otherBus],
    ['poll', 'events:PutEvents', 'the default bus', () => `${ARN_PREFIX('events')}:event-bus/default`],
    ['poll', 'dynamodb:DeleteTable', 'the history table', () => tableArn],
    ['poll', 'dynamodb:UpdateTable', 'the history table', () => tableArn],
    ['poll', 'dynamodb:Scan', 'the history table', () => tableArn],
    ['poll', 'dynamodb:DeleteItem', 'the history table', () => tableArn],
    ['poll', 'dynamodb:BatchWriteItem', 'the history table', () => tableArn],
    ['poll', 'dynamodb:PutItem', 'another table', otherTable],
    ['reportFailure', 'machinelearning:GetBatchPrediction', 'a batch prediction', () => batchPredictionArn('bp-completes')],
    ['reportFailure', 'dynamodb:PutItem', 'the history table', () => tableArn],
    ['reportFailure', 'dynamodb:GetItem', 'the history table', () => tableArn],
    ['reportFailure', 'events:PutEvents', 'bus other-bus', () => otherBus],
    // The starter lists batch predictions and starts runs; it reads no batch prediction, writes no
    // history and publishes no event.
    ['starter', 'machinelearning:GetBatchPrediction', 'a batch prediction', () => batchPredictionArn('bp-completes')],
    ['starter', 'machinelearning:CreateBatchPrediction', 'a new batch prediction', () => OTHER_BATCH_PREDICTION],
    ['starter', 'machinelearning:DeleteBatchPrediction', 'a batch prediction', () => OTHER_BATCH_PREDICTION],
    ['starter', 'dynamodb:PutItem', 'the history table', () => tableArn],
    ['starter', 'dynamodb:GetItem', 'the history table', () => tableArn],
    ['starter', 'dynamodb:Query', 'the history table', () => tableArn],
    ['starter', 'events:PutEvents', 'the bus', () => busArn],
    ['starter', 'events:PutEvents', 'the default bus', () => `${ARN_PREFIX('events')}:event-bus/default`],
    ['starter', 'states:StartExecution', 'another state machine', () => `${ARN_PREFIX('states')}:stateMachine:other-machine`],
    ['starter', 'states:ListExecutions', 'another state machine', () => `${ARN_PREFIX('states')}:stateMachine:other-machine`],
    [
      'starter',
      'states:StopExecution',
      'an execution of the state machine',
      () => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:bp-completes`,
    ],
    [
      'starter',
      'states:DescribeExecution',
      'an execution of another state machine',
      () => `${ARN_PREFIX('states')}:execution:other-machine:bp-completes`,
    ],
    [
      'starter',
      'states:GetExecutionHistory',
      'an execution of the state machine',
      () => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:bp-completes`,
    ],
    [
      'starter',
      'states:RedriveExecution',
      'an execution of the state machine',
      () => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:bp-completes`,
    ],
    ['starter', 'states:DeleteStateMachine', 'the state machine', () => stateMachineArn],
    ['starter', 'lambda:InvokeFunction', 'the poll function', () => deployment.functions.find((f) => f.factory === FACTORIES.poll)!.arn],
    // The dead-letter queue: the starter's role may only send to it (Lambda sends a failed
    // asynchronous invocation's record with that role); nobody here reads, deletes or purges it.
    ['starter', 'sqs:ReceiveMessage', 'the dead-letter queue', () => deadLetterQueueArn()],
    ['starter', 'sqs:DeleteMessage', 'the dead-letter queue', () => deadLetterQueueArn()],
    ['starter', 'sqs:PurgeQueue', 'the dead-letter queue', () => deadLetterQueueArn()],
    ['starter', 'sqs:SetQueueAttributes', 'the dead-letter queue', () => deadLetterQueueArn()],
    ['starter', 'sqs:SendMessage', 'another queue', () => `${ARN_PREFIX('sqs')}:other-queue`],
    ['starter', 'kms:Encrypt', 'the stack key', () => keyArn()],
    ['starter', 'kms:ReEncryptFrom', 'the stack key', () => keyArn()],
    ['poll', 'sqs:SendMessage', 'the dead-letter queue', () => deadLetterQueueArn()],
    ['poll', 'kms:Decrypt', 'the stack key', () => keyArn()],
    ['reportFailure', 'sqs:SendMessage', 'the dead-letter queue', () => deadLetterQueueArn()],
  ];

  it.each(DENIED)('%s role: %s on %s', async (caller, action, _what, resource) => {
    expect(await decide(caller, action, resource())).toBe('ImplicitlyDenied');
  });

  it('starter role: kms:CreateGrant on the stack key is refused by the key policy itself (its deny for grants not for an AWS resource)', async () => {
    expect(await decide('starter', 'kms:CreateGrant', keyArn())).toBe('ExplicitlyDenied');
  });

  it('the same roles are allowed their own calls (the simulator is not denying everything)', async () => {
    expect(await decide('poll', 'machinelearning:GetBatchPrediction', OTHER_BATCH_PREDICTION)).toBe('Allowed');
    expect(await decide('poll', 'dynamodb:PutItem', tableArn)).toBe('Allowed');
    expect(await decide('reportFailure', 'events:PutEvents', busArn)).toBe('Allowed');
    expect(await decide('starter', 'states:StartExecution', stateMachineArn)).toBe('Allowed');
    expect(await decide('starter', 'states:ListExecutions', stateMachineArn)).toBe('Allowed');
    expect(
      await decide('starter', 'states:DescribeExecution', `${stateMachineArn.replace(':stateMachine:', ':execution:')}:bp-completes+r2+g3`),
    ).toBe('Allowed');
    expect(await decide('starter', 'machinelearning:DescribeBatchPredictions', '*')).toBe('Allowed');
  });

  it("the starter's role may send its failed invocations' records to the encrypted dead-letter queue (the on-failure destination), and use the key for it", async () => {
    expect(await decide('starter', 'sqs:SendMessage', deadLetterQueueArn())).toBe('Allowed');
    expect(await decide('starter', 'kms:GenerateDataKey', keyArn())).toBe('Allowed');
    expect(await decide('starter', 'kms:Decrypt', keyArn())).toBe('Allowed');
  });
});
