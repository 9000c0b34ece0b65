import type { Template } from 'aws-cdk-lib/assertions';
import type { BatchPredictionPollerStack } from '../../lib/batch-prediction-poller-stack';
import {
  type CfnValue,
  type PolicyStatementJson,
  TEST_ACCOUNT,
  asArray,
  iamPolicyStatements,
  joinedString,
  synth,
  logicalId,
  arnOf,
  ref,
  TOKEN,
} from './synth';

let template: Template;
let stack: BatchPredictionPollerStack;
let cleanup: () => void = () => undefined;

beforeAll(() => {
  ({ template, stack, cleanup } = synth());
});

afterAll(() => cleanup());

describe('IAM least privilege', () => {
  let statements: Array<{ policyId: string; roles: CfnValue[]; statement: PolicyStatementJson }>;
  const actionsOf = (s: PolicyStatementJson) => asArray(s.Action);
  const withActionPrefix = (prefix: string) => statements.filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith(prefix)));
  type RoleName = 'poll' | 'report' | 'starter' | 'states';
  const roleRef = (which: RoleName) =>
    ref(
      which === 'poll'
        ? stack.poller.pollFunction.role!
        : which === 'report'
          ? stack.poller.reportFailureFunction.role!
          : which === 'starter'
            ? stack.poller.starterFunction!.role!
            : stack.poller.stateMachine.role,
    );

  beforeAll(() => {
    statements = iamPolicyStatements(template);
  });

  it('has only Allow statements in identity policies, never on Action "*" or a whole service', () => {
    expect(statements.length).toBeGreaterThan(0);
    for (const { policyId, statement } of statements) {
      expect({ policyId, effect: statement.Effect }).toEqual({ policyId, effect: 'Allow' });
      for (const action of actionsOf(statement)) {
        expect({ policyId, action }).not.toEqual({ policyId, action: expect.stringMatching(/^(\*|[a-z0-9-]+:\*)$/) });
      }
    }
  });

  /**
   * Actions CDK grants on Resource "*", and why that cannot be narrowed. Anything else on "*" fails.
   * The value is the role the exception may appear on.
   */
  const ALLOWED_ON_ANY_RESOURCE: Record<string, RoleName[]> = {
    // X-Ray has no resource-level permissions: tracing (Lambda `Tracing.ACTIVE`, the state
    // machine's `tracingEnabled`) needs these on "*".
    'xray:PutTraceSegments': ['poll', 'report', 'starter', 'states'],
    'xray:PutTelemetryRecords': ['poll', 'report', 'starter', 'states'],
    'xray:GetSamplingRules': ['states'],
    'xray:GetSamplingTargets': ['states'],
    // Step Functions logs through CloudWatch Logs vended log delivery, whose actions support no
    // resource-level permissions (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
    'logs:CreateLogDelivery': ['states'],
    'logs:GetLogDelivery': ['states'],
    'logs:UpdateLogDelivery': ['states'],
    'logs:DeleteLogDelivery': ['states'],
    'logs:ListLogDeliveries': ['states'],
    'logs:PutResourcePolicy': ['states'],
    'logs:DescribeResourcePolicies': ['states'],
    'logs:DescribeLogGroups': ['states'],
    // The sweeper lists the account's batch predictions; DescribeBatchPredictions supports no
    // resource ARN (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmachinelearning.html).
    'machinelearning:DescribeBatchPredictions': ['starter'],
  };

  it('grants Resource "*" only for the listed X-Ray, log-delivery and DescribeBatchPredictions actions, on the listed roles', () => {
    const onAnyResource = statements.filter(({ statement }) => asArray(statement.Resource).includes('*'));
    for (const { roles, statement } of onAnyResource) {
      for (const action of actionsOf(statement)) {
        const allowedRoles = ALLOWED_ON_ANY_RESOURCE[action];
        expect({ action, allowed: allowedRoles !== undefined }).toEqual({ action, allowed: true });
        expect(allowedRoles.map(roleRef)).toEqual(expect.arrayContaining(roles));
      }
    }
  });

  it('allows machinelearning:GetBatchPrediction only, on batch predictions of this account and region, to the poll role', () => {
    const ml = withActionPrefix('machinelearning:');
    // GetBatchPrediction (poll) and DescribeBatchPredictions (starter, below): nothing else of Amazon ML.
    expect(ml).toHaveLength(2);
    expect(ml.flatMap(({ statement }) => actionsOf(statement).filter((a) => a.startsWith('machinelearning:'))).sort()).toEqual([
      'machinelearning:DescribeBatchPredictions',
      'machinelearning:GetBatchPrediction',
    ]);
    const get = ml.filter(({ statement }) => actionsOf(statement).includes('machinelearning:GetBatchPrediction'));
    expect(get).toHaveLength(1);
    const [{ roles, statement }] = get;
    expect(actionsOf(statement)).toEqual(['machinelearning:GetBatchPrediction']);
    expect(roles).toEqual([roleRef('poll')]);
    // A Fn::Join because of the partition; the string parts carry service, region, account and type.
    const resources = asArray(statement.Resource);
    expect(resources).toHaveLength(1);
    expect(resources[0]).not.toBe('*');
    expect(resources[0]).toHaveProperty(['Fn::Join']);
    const arn = joinedString(resources[0], TOKEN);
    expect(arn).toContain(':machinelearning:');
    expect(arn).toMatch(/:batchprediction\/\*$/);
    expect(arn).toBe(`arn:${TOKEN}:machinelearning:us-east-1:${TEST_ACCOUNT}:batchprediction/*`);
  });

  it('allows machinelearning:DescribeBatchPredictions (which cannot be resource-scoped) to the starter role only', () => {
    const listing = withActionPrefix('machinelearning:').filter(({ statement }) =>
      actionsOf(statement).includes('machinelearning:DescribeBatchPredictions'),
    );
    expect(listing).toHaveLength(1);
    const [{ roles, statement }] = listing;
    expect(roles).toEqual([roleRef('starter')]);
    expect(asArray(statement.Resource)).toEqual(['*']);
    expect(statement.Condition).toBeUndefined();
    // Merged by minimizePolicies with the X-Ray actions that are on "*" anyway; no other Amazon ML action.
    expect(actionsOf(statement).filter((a) => !a.startsWith('xray:'))).toEqual(['machinelearning:DescribeBatchPredictions']);
  });

  it('gives the starter role nothing of the history table, the bus or GetBatchPrediction', () => {
    const starterActions = statements
      .filter(({ roles }) => roles.some((r) => JSON.stringify(r) === JSON.stringify(roleRef('starter'))))
      .flatMap(({ statement }) => actionsOf(statement));
    expect(starterActions.length).toBeGreaterThan(0);
    expect([...new Set(starterActions)].sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'machinelearning:DescribeBatchPredictions',
        'states:DescribeExecution',
        'states:ListExecutions',
        'states:StartExecution',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
        // The on-failure destination of its asynchronous invocations: the encrypted dead-letter queue.
        'sqs:SendMessage',
        'kms:GenerateDataKey',
        'kms:Decrypt',
      ].sort(),
    );
  });

  it('allows exactly PutItem, GetItem, UpdateItem and Query on the history table (no index, no Scan/Delete), to the poll role', () => {
    const dynamo = withActionPrefix('dynamodb:');
    expect(dynamo).toHaveLength(1);
    const [{ roles, statement }] = dynamo;
    expect([...actionsOf(statement)].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(asArray(statement.Resource)).toEqual([arnOf(stack.poller.historyTable)]);
    expect(roles).toEqual([roleRef('poll')]);
  });

  it('allows events:PutEvents only on the bus, to the poll and report-failure roles (not the starter)', () => {
    const put = withActionPrefix('events:');
    expect(put.flatMap(({ roles }) => roles)).toEqual(expect.arrayContaining([roleRef('poll'), roleRef('report')]));
    expect(put.flatMap(({ roles }) => roles)).not.toContainEqual(roleRef('starter'));
    for (const { statement } of put) {
      expect(actionsOf(statement)).toEqual(['events:PutEvents']);
      expect(asArray(statement.Resource)).toEqual([arnOf(stack.poller.eventBus)]);
    }
  });

  it('lets the state machine invoke only its two handlers and start only itself; lets the starter start and list exactly the state machine and describe its executions', () => {
    const invoke = withActionPrefix('lambda:');
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0].statement)).toEqual(['lambda:InvokeFunction']);
    expect(invoke[0].roles).toEqual([roleRef('states')]);
    // CDK adds `<arn>:*` so that versions and aliases can be invoked too.
    const functionIds = [logicalId(stack.poller.pollFunction), logicalId(stack.poller.reportFailureFunction)];
    for (const resource of asArray(invoke[0].statement.Resource)) {
      const join = (resource as { 'Fn::Join'?: [string, CfnValue[]] })['Fn::Join'];
      const getAtt = join ? join[1][0] : resource;
      expect(functionIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))).toContainEqual(getAtt);
    }

    const start = withActionPrefix('states:');
    expect(start).toHaveLength(3);
    const byRole = (which: RoleName) => start.filter(({ roles }) => JSON.stringify(roles) === JSON.stringify([roleRef(which)]));
    // The state machine continues as a new execution of itself, by the name set at synthesis time.
    const self = byRole('states');
    expect(self).toHaveLength(1);
    expect(actionsOf(self[0].statement)).toEqual(['states:StartExecution']);
    const name = template.toJSON().Resources[logicalId(stack.poller.stateMachine)].Properties.StateMachineName;
    expect(asArray(self[0].statement.Resource).map((r) => joinedString(r, TOKEN))).toEqual([
      `arn:${TOKEN}:states:us-east-1:${TEST_ACCOUNT}:stateMachine:${name}`,
    ]);
    // The starter starts runs on the state machine (its Ref is the ARN), no other; not `:*`, not "*".
    // The sweep lists the running executions (ListExecutions' resource is the state machine).
    const starter = byRole('starter');
    expect(starter).toHaveLength(2);
    const onMachine = starter.find(({ statement }) => actionsOf(statement).includes('states:StartExecution'))!;
    expect([...actionsOf(onMachine.statement)].sort()).toEqual(['states:ListExecutions', 'states:StartExecution']);
    expect(asArray(onMachine.statement.Resource)).toEqual([ref(stack.poller.stateMachine)]);
    expect(onMachine.statement.Condition).toBeUndefined();
    // Restarts read how an id's latest run ended: DescribeExecution on this state machine's
    // executions only (`arn:…:execution:<name>:*`), nothing else.
    const onExecutions = starter.find(({ statement }) => actionsOf(statement).includes('states:DescribeExecution'))!;
    expect(actionsOf(onExecutions.statement)).toEqual(['states:DescribeExecution']);
    expect(asArray(onExecutions.statement.Resource).map((r) => joinedString(r, TOKEN))).toEqual([
      `arn:${TOKEN}:states:us-east-1:${TEST_ACCOUNT}:execution:${name}:*`,
    ]);
    expect(onExecutions.statement.Condition).toBeUndefined();
  });
});
