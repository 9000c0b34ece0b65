import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type BatchPredictionPollerStack, StackOutput } from '../../lib/batch-prediction-poller-stack';
import { DEFAULT_EVENT_SOURCE, DetailType } from '../../lib/contract/events';
import { EnvVar } from '../../lib/contract/environment';
import type { PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import { TEST_ACCOUNT, TEST_REGION, asArray, iamPolicyStatements, joinedString, synth } from './synth';

/** Every context option the app reads that changes the template, set at once: one synthesis. */
const CONTEXT = {
  eventBusName: 'existing-bus',
  alertEmail: 'oncall@example.com',
  pollInterval: 60,
  eventSource: 'my.poller',
};

let template: Template;
let stack: BatchPredictionPollerStack;
let cleanup: () => void = () => undefined;

beforeAll(() => {
  ({ template, stack, cleanup } = synth({ context: CONTEXT }));
});

afterAll(() => cleanup());

const ref = (construct: IConstruct) => ({ Ref: Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId) });

it('creates no event bus: it publishes to the existing one', () => {
  template.resourceCountIs('AWS::Events::EventBus', 0);
  template.hasOutput(StackOutput.EVENT_BUS_NAME, { Value: CONTEXT.eventBusName });
});

it('scopes events:PutEvents to the existing bus ARN, for both handlers', () => {
  const put = iamPolicyStatements(template).filter(({ statement }) => asArray(statement.Action).includes('events:PutEvents'));
  expect(put.flatMap(({ roles }) => roles)).toHaveLength(2);
  for (const { statement } of put) {
    const resources = asArray(statement.Resource).map((r) => joinedString(r));
    // The ARN is built from the name (a Fn::Join for the partition); it must name this account's bus.
    expect(resources).toEqual([expect.stringMatching(new RegExp(`:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/existing-bus$`))]);
  }
});

it('subscribes the alert email to the alert topic', () => {
  template.resourceCountIs('AWS::SNS::Subscription', 1);
  template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'email',
    Endpoint: CONTEXT.alertEmail,
    TopicArn: ref(stack.poller.alertTopic),
  });
});

it.each([
  ['poll', (s: BatchPredictionPollerStack) => s.poller.pollFunction],
  ['report-failure', (s: BatchPredictionPollerStack) => s.poller.reportFailureFunction],
])('%s: the environment carries the fixed 60 s policy, the existing bus and the event source', (_name, fn) => {
  const id = ref(fn(stack)).Ref as string;
  const variables = template.toJSON().Resources[id].Properties.Environment.Variables as Record<string, unknown>;
  const fixed60: PollIntervalPolicy = { kind: 'fixed', intervalSeconds: 60 };
  // Compared as JSON values: key order in the string is not part of the contract.
  expect(JSON.parse(variables[EnvVar.POLL_INTERVAL_POLICY] as string)).toEqual(fixed60);
  expect(variables[EnvVar.EVENT_BUS_NAME]).toBe(CONTEXT.eventBusName);
  expect(variables[EnvVar.EVENT_SOURCE]).toBe(CONTEXT.eventSource);
});

it.each([DetailType.STATUS_CHANGE, DetailType.POLLING_FAILED])(
  'the rule for "%s" matches the configured source on the existing bus',
  (detailType) => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: CONTEXT.eventBusName,
      EventPattern: { source: [CONTEXT.eventSource], 'detail-type': [detailType] },
    });
  },
);

it('no rule still matches the default source', () => {
  const rules = Object.values(template.findResources('AWS::Events::Rule'));
  // The two alert rules on the existing bus, the discovery rule (default bus) and the sweeper schedule.
  expect(rules).toHaveLength(4);
  const onBus = rules.filter((rule) => rule.Properties.EventBusName === CONTEXT.eventBusName);
  expect(onBus).toHaveLength(2);
  for (const rule of onBus) expect(rule.Properties.EventPattern.source).toEqual([CONTEXT.eventSource]);
  // The others are the construct's own discovery rule (AWS's source) and the schedule (no pattern).
  const others = rules.filter((rule) => rule.Properties.EventBusName !== CONTEXT.eventBusName);
  expect(others.map((rule) => rule.Properties.EventPattern?.source ?? rule.Properties.ScheduleExpression).sort()).toEqual([
    ['aws.machinelearning'],
    'rate(15 minutes)',
  ]);
  for (const rule of rules) expect(rule.Properties.EventPattern?.source ?? []).not.toContain(DEFAULT_EVENT_SOURCE);
});
