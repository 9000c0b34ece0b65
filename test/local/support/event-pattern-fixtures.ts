/**
 * Shared fixtures of the event-pattern tests: envelopes, the sample events of the user guide and
 * event-ruler's README, and the sources each table row cites.
 */
import type { EventPattern } from '../../../local/core/event-pattern-model';

/** Wraps a detail (and envelope overrides) in a full EventBridge envelope. */
export function envelope(detail: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-10-02T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...overrides,
  };
}

// The sample event from the event-ruler README / content-filtering guide.
export const ruler = envelope({
  'c-count': 5,
  'd-count': 3,
  'x-limit': 301.8,
  'source-ip': '10.0.0.33',
  'instance-id': 'i-000000aaaaaa00000',
  state: 'running',
});
// The sample event from "Matching null values and empty strings".
export const nulls = envelope({ eventVersion: '', responseElements: null });
export const d = (detail: Record<string, unknown>) => envelope(detail);

export const failed = {
  source: ['batch-prediction-poller'],
  'detail-type': ['Batch Prediction Status Change'],
  detail: { status: ['FAILED'] },
};
export const completedWithInvalid = {
  'detail-type': ['Batch Prediction Status Change'],
  detail: { status: ['COMPLETED'], batchPrediction: { invalidRecordCount: [{ numeric: ['>', 0] }] } },
};
export const poller = (detail: Record<string, unknown>, source = 'batch-prediction-poller') =>
  envelope(detail, { source, 'detail-type': 'Batch Prediction Status Change', resources: [] });

// Where each case comes from (the `source` column): pages of the EventBridge user guide
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/<page>.html) and aws/event-ruler's README and tests.
export const PATTERNS = 'guide eb-event-patterns';
export const ARRAYS = 'guide eb-event-patterns-arrays; event-ruler README "JSON Array Matching"';
export const NULLS = 'guide eb-event-patterns-null-values; event-ruler RulerTest WHEN_WeTryReallySimpleRules_THEN_TheyWork';
export const STRING_OPS = 'guide eb-create-pattern-operators (prefix, suffix, equals-ignore-case, wildcard); event-ruler README';
export const ANYTHING_BUT = 'guide eb-create-pattern-operators (anything-but); event-ruler README "Anything-but matching"';
export const NUMERIC = 'guide eb-create-pattern-operators (numeric); event-ruler README "Numeric matching"';
export const EXISTS = 'guide eb-create-pattern-operators (exists); event-ruler README "Exists matching"';
export const OR = 'guide eb-create-pattern-operators (Or); event-ruler README "The $or Primitive"';
export const CIDR = 'guide eb-create-pattern-operators (IP address); event-ruler CIDRTest';
export const DOTS = 'event-ruler README "Compiled rules and JSON keys with dots"; Ruler.matchesRule javadoc';
export const RULER_TEST = 'event-ruler RulerTest';
export const COMPILER = 'event-ruler JsonRuleCompiler';
export const PROJECT = "this project's rules (lib/)";
export const OR_LIMIT =
  'issue 13; "Event pattern contains more than 1000 rule combinations" as recorded by ministackorg/ministack services/eventbridge.py';
export const IGNORE_CASE = 'event-ruler EqualsIgnoreCaseParser (each pattern character as its lower or upper case, Locale.ROOT)';
export const OR_ORDER = 'event-ruler JsonRuleCompiler (sub-rules written in document order; a leaf written again replaces it)';

export const rulerAnythingBut: EventPattern = {
  a: [{ 'anything-but': ['dad0', 'dad1', 'dad2'] }],
  b: [{ 'anything-but': [111, 222, 333] }],
  c: [{ 'anything-but': 'zdd' }],
  d: [{ 'anything-but': 444 }],
  z: [{ numeric: ['>', 0, '<', 1] }],
  w: [{ 'anything-but': { prefix: 'zax' } }],
  n: [{ 'anything-but': { suffix: 'ing' } }],
  o: [{ 'anything-but': { 'equals-ignore-case': 'CamelCase' } }],
  p: [{ 'anything-but': { 'equals-ignore-case': ['CamelCase', 'AbC'] } }],
};
export const cloudwatchOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};
export const nestedOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
    { scope: ['Service'] },
  ],
};

// event-ruler ACMachineTest testACWithExistFalseRule: exists:false is judged within one array element.
export const taskRule = (leaf: string): EventPattern => ({
  requestContext: {
    taskInstances: {
      taskInstanceState: ['ACTIVE'],
      provider: { id: ['XXXXXXXXXXXX'] },
      resources: { additionalContext: { capabilityInterfaces: { [leaf]: [{ exists: false }] } } },
    },
  },
});
export const task = (state: string, providerId: string, interfaceName?: string) => ({
  taskInstanceId: 'id1',
  taskInstanceState: state,
  provider: { id: providerId, type: 'XXXXXXXX' },
  resources: [
    {
      legacyFocusCategory: 'XXXXXFocus',
      endpointIdentifier: { type: 'XXXIdentifier', MaskedNumber: 'XXXXXXXXXX' },
      ...(interfaceName === undefined ? {} : { additionalContext: { capabilityInterfaces: [{ interfaceName }] } }),
    },
  ],
});
export const taskEvent1 = {
  requestContext: { taskInstances: [task('ACTIVE', 'XXXXXXXXXXXX'), task('InACTIVE', 'SomeRandom', 'Dummy.DummyDumDum')] },
};
export const taskEvent2 = {
  requestContext: {
    taskInstances: [task('ACTIVE', 'XXXXXXXXXXXX', 'XXXX.XXXXXXXXXXXXXX'), task('InACTIVE', 'SomeRandom', 'XXXX.XXXXXXXXXXXXXX')],
  },
};
export const AC_EXISTS = 'event-ruler ACMachineTest testACWithExistFalseRule';
