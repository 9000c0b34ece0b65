/**
 * Table-driven tests for the local EventBridge event-pattern matcher. Most rows come from the
 * examples in the EventBridge user guide (event patterns, content filtering, arrays, null values)
 * and the aws/event-ruler README; the last rows are the patterns this project deploys.
 */
import {
  type EventPattern,
  EventPatternError,
  matchesEventPattern,
  parseEventPattern,
  validateEventPattern,
  wildcardComplexity,
} from '../../local/core/event-pattern';

/** Wraps a detail (and envelope overrides) in a full EventBridge envelope. */
function envelope(detail: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
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
const ruler = envelope({
  'c-count': 5,
  'd-count': 3,
  'x-limit': 301.8,
  'source-ip': '10.0.0.33',
  'instance-id': 'i-000000aaaaaa00000',
  state: 'running',
});
// The sample event from "Matching null values and empty strings".
const nulls = envelope({ eventVersion: '', responseElements: null });
const d = (detail: Record<string, unknown>) => envelope(detail);

const failed = {
  source: ['batch-prediction-poller'],
  'detail-type': ['Batch Prediction Status Change'],
  detail: { status: ['FAILED'] },
};
const completedWithInvalid = {
  'detail-type': ['Batch Prediction Status Change'],
  detail: { status: ['COMPLETED'], batchPrediction: { invalidRecordCount: [{ numeric: ['>', 0] }] } },
};
const poller = (detail: Record<string, unknown>, source = 'batch-prediction-poller') =>
  envelope(detail, { source, 'detail-type': 'Batch Prediction Status Change', resources: [] });

// Where each case comes from (the `source` column): pages of the EventBridge user guide
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/<page>.html) and aws/event-ruler's README and tests.
const PATTERNS = 'guide eb-event-patterns';
const ARRAYS = 'guide eb-event-patterns-arrays; event-ruler README "JSON Array Matching"';
const NULLS = 'guide eb-event-patterns-null-values; event-ruler RulerTest WHEN_WeTryReallySimpleRules_THEN_TheyWork';
const STRING_OPS = 'guide eb-create-pattern-operators (prefix, suffix, equals-ignore-case, wildcard); event-ruler README';
const ANYTHING_BUT = 'guide eb-create-pattern-operators (anything-but); event-ruler README "Anything-but matching"';
const NUMERIC = 'guide eb-create-pattern-operators (numeric); event-ruler README "Numeric matching"';
const EXISTS = 'guide eb-create-pattern-operators (exists); event-ruler README "Exists matching"';
const OR = 'guide eb-create-pattern-operators (Or); event-ruler README "The $or Primitive"';
const CIDR = 'guide eb-create-pattern-operators (IP address); event-ruler CIDRTest';
const DOTS = 'event-ruler README "Compiled rules and JSON keys with dots"; Ruler.matchesRule javadoc';
const RULER_TEST = 'event-ruler RulerTest';
const COMPILER = 'event-ruler JsonRuleCompiler';
const PROJECT = "this project's rules (lib/)";
const OR_LIMIT =
  'issue 13; "Event pattern contains more than 1000 rule combinations" as recorded by ministackorg/ministack services/eventbridge.py';
const IGNORE_CASE = 'event-ruler EqualsIgnoreCaseParser (each pattern character as its lower or upper case, Locale.ROOT)';
const OR_ORDER = 'event-ruler JsonRuleCompiler (sub-rules written in document order; a leaf written again replaces it)';

const rulerAnythingBut: EventPattern = {
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
const cloudwatchOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};
const nestedOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
    { scope: ['Service'] },
  ],
};

// event-ruler ACMachineTest testACWithExistFalseRule: exists:false is judged within one array element.
const taskRule = (leaf: string): EventPattern => ({
  requestContext: {
    taskInstances: {
      taskInstanceState: ['ACTIVE'],
      provider: { id: ['XXXXXXXXXXXX'] },
      resources: { additionalContext: { capabilityInterfaces: { [leaf]: [{ exists: false }] } } },
    },
  },
});
const task = (state: string, providerId: string, interfaceName?: string) => ({
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
const taskEvent1 = {
  requestContext: { taskInstances: [task('ACTIVE', 'XXXXXXXXXXXX'), task('InACTIVE', 'SomeRandom', 'Dummy.DummyDumDum')] },
};
const taskEvent2 = {
  requestContext: {
    taskInstances: [task('ACTIVE', 'XXXXXXXXXXXX', 'XXXX.XXXXXXXXXXXXXX'), task('InACTIVE', 'SomeRandom', 'XXXX.XXXXXXXXXXXXXX')],
  },
};
const AC_EXISTS = 'event-ruler ACMachineTest testACWithExistFalseRule';

const matchCases: Array<[string, string, EventPattern, unknown, boolean]> = [
  // Exact matching, AND across fields, OR within arrays.
  [
    'docs EC2 termination pattern',
    PATTERNS,
    { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } },
    d({ state: 'terminated' }),
    true,
  ],
  ['EC2 pattern, other state', PATTERNS, { source: ['aws.ec2'], detail: { state: ['terminated'] } }, d({ state: 'running' }), false],
  ['OR within an array', PATTERNS, { detail: { state: ['initializing', 'running'] } }, ruler, true],
  ['AND across fields: one field differs', PATTERNS, { source: ['aws.ec2'], 'detail-type': ['Other'] }, ruler, false],
  ['field missing from event', PATTERNS, { detail: { nope: ['x'] } }, ruler, false],
  ['nested detail missing entirely', PATTERNS, { detail: { state: ['running'] } }, envelope(undefined), false],
  ['nested pattern, scalar in event', PATTERNS, { detail: { state: { code: [16] } } }, ruler, false],
  ['leaf pattern, object in event', PATTERNS, { detail: ['running'] }, ruler, false],
  // Arrays in events.
  [
    'event array intersects pattern array',
    ARRAYS,
    { resources: ['arn:x', 'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] },
    ruler,
    true,
  ],
  ['event array disjoint from pattern array', ARRAYS, { resources: ['arn:x', 'arn:y'] }, ruler, false],
  [
    'array of objects: one element matches',
    ARRAYS,
    { detail: { employees: { firstName: ['Anna'] } } },
    d({
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    }),
    true,
  ],
  [
    'array of objects: fields from different elements do not combine',
    ARRAYS,
    { detail: { employees: { firstName: ['Anna'], lastName: ['Doe'] } } },
    d({
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    }),
    false,
  ],
  [
    'multi-level arrays are flattened',
    ARRAYS,
    { detail: { employees: { lastName: ['Jones'] } } },
    d({ employees: [[{ lastName: 'Doe' }], [{ lastName: 'Jones' }]] }),
    true,
  ],
  // Null, empty string, numbers, booleans.
  ['empty string matches ""', NULLS, { detail: { eventVersion: [''] } }, nulls, true],
  ['null matches a null field', NULLS, { detail: { responseElements: [null] } }, nulls, true],
  ['"" does not match null', NULLS, { detail: { responseElements: [''] } }, nulls, false],
  ['null does not match ""', NULLS, { detail: { eventVersion: [null] } }, nulls, false],
  ['null does not match a missing field', NULLS, { detail: { missing: [null] } }, nulls, false],
  ['numbers compare numerically (3.018e2 vs 301.8)', NULLS, { detail: { 'x-limit': [3.018e2] } }, ruler, true],
  ['string "5" does not equal number 5', NULLS, { detail: { 'c-count': ['5'] } }, ruler, false],
  ['boolean true matches true', NULLS, { detail: { ok: [true] } }, d({ ok: true }), true],
  ['boolean true does not match "true"', NULLS, { detail: { ok: [true] } }, d({ ok: 'true' }), false],
  // prefix / suffix / equals-ignore-case / wildcard.
  ['prefix on time', STRING_OPS, { time: [{ prefix: '2017-10-02' }] }, ruler, true],
  ['prefix mismatch', STRING_OPS, { region: [{ prefix: 'eu-' }] }, ruler, false],
  ['prefix is case sensitive', STRING_OPS, { source: [{ prefix: 'AWS.' }] }, ruler, false],
  ['prefix on a number never matches', STRING_OPS, { detail: { 'c-count': [{ prefix: '5' }] } }, ruler, false],
  [
    'prefix equals-ignore-case',
    STRING_OPS,
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    d({ service: 'eventbridge' }),
    true,
  ],
  ['suffix .png', STRING_OPS, { detail: { FileName: [{ suffix: '.png' }] } }, d({ FileName: 'image.png' }), true],
  ['suffix is case sensitive', STRING_OPS, { detail: { FileName: [{ suffix: '.png' }] } }, d({ FileName: 'image.PNG' }), false],
  [
    'suffix equals-ignore-case',
    STRING_OPS,
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    d({ FileName: 'image.PNG' }),
    true,
  ],
  ['equals-ignore-case match', STRING_OPS, { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, d({ Name: 'ALICE' }), true],
  ['equals-ignore-case mismatch', STRING_OPS, { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, d({ Name: 'Alicia' }), false],
  ['wildcard */lib/*', STRING_OPS, { detail: { FilePath: [{ wildcard: '*/lib/*' }] } }, d({ FilePath: 'dir/lib/file.js' }), true],
  ['wildcard star matches zero characters', STRING_OPS, { source: [{ wildcard: 'aws.*ec2' }] }, ruler, true],
  ['wildcard mismatch', STRING_OPS, { detail: { FilePath: [{ wildcard: 'dir/*.png' }] } }, d({ FilePath: 'dir/a.jpg' }), false],
  ['wildcard escaped star is literal', STRING_OPS, { detail: { k: [{ wildcard: 'a\\*b' }] } }, d({ k: 'a*b' }), true],
  ['wildcard escaped star does not match other text', STRING_OPS, { detail: { k: [{ wildcard: 'a\\*b' }] } }, d({ k: 'axb' }), false],
  [
    'wildcard treats regex characters literally (match)',
    STRING_OPS,
    { detail: { k: [{ wildcard: 'file.(1)*' }] } },
    d({ k: 'file.(1).txt' }),
    true,
  ],
  [
    'wildcard treats regex characters literally (no match)',
    STRING_OPS,
    { detail: { k: [{ wildcard: 'file.(1)*' }] } },
    d({ k: 'filex(1).txt' }),
    false,
  ],
  [
    'wildcard escaped backslash is a literal backslash',
    STRING_OPS,
    { detail: { k: [{ wildcard: 'C:\\\\*' }] } },
    d({ k: 'C:\\Users' }),
    true,
  ],
  // anything-but.
  ['anything-but string, other value', ANYTHING_BUT, { detail: { state: [{ 'anything-but': 'initializing' }] } }, ruler, true],
  ['anything-but string, excluded value', ANYTHING_BUT, { detail: { state: [{ 'anything-but': 'running' }] } }, ruler, false],
  ['anything-but does not match a missing field', ANYTHING_BUT, { detail: { missing: [{ 'anything-but': 'x' }] } }, ruler, false],
  ['anything-but matches a null value', ANYTHING_BUT, { detail: { responseElements: [{ 'anything-but': ['no-message'] }] } }, nulls, true],
  ['anything-but number', ANYTHING_BUT, { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ruler, true],
  [
    'anything-but number list, excluded (3e2 == 300)',
    ANYTHING_BUT,
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    d({ 'x-limit': 3e2 }),
    false,
  ],
  ['anything-but string list, excluded', ANYTHING_BUT, { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, ruler, false],
  [
    'anything-but prefix, excluded',
    ANYTHING_BUT,
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    d({ state: 'initializing' }),
    false,
  ],
  ['anything-but prefix, allowed', ANYTHING_BUT, { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ruler, true],
  ['anything-but suffix', ANYTHING_BUT, { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, d({ FileName: 'a.jpg' }), true],
  [
    'anything-but equals-ignore-case list',
    ANYTHING_BUT,
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'RUNNING'] } }] } },
    ruler,
    false,
  ],
  [
    'anything-but wildcard',
    ANYTHING_BUT,
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    d({ FilePath: 'dir/bin/x' }),
    true,
  ],
  [
    'anything-but on an event array: any element may qualify',
    ANYTHING_BUT,
    { detail: { tags: [{ 'anything-but': 'a' }] } },
    d({ tags: ['a', 'b'] }),
    true,
  ],
  // numeric.
  [
    'docs numeric example (all three fields)',
    NUMERIC,
    {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    ruler,
    true,
  ],
  [
    'numeric upper bound is inclusive/exclusive as written',
    NUMERIC,
    { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } },
    ruler,
    false,
  ],
  ['numeric lower bound excludes 0', NUMERIC, { detail: { n: [{ numeric: ['>', 0] }] } }, d({ n: 0 }), false],
  ['numeric >= includes the bound', NUMERIC, { detail: { n: [{ numeric: ['>=', 0] }] } }, d({ n: 0 }), true],
  ['numeric = 300 matches 3.0e2', NUMERIC, { detail: { n: [{ numeric: ['=', 300] }] } }, d({ n: 3.0e2 }), true],
  ['numeric does not match a numeric string', NUMERIC, { detail: { n: [{ numeric: ['>', 0] }] } }, d({ n: '5' }), false],
  ['numeric does not match a missing field', NUMERIC, { detail: { n: [{ numeric: ['>', 0] }] } }, d({}), false],
  // exists.
  ['exists true, present', EXISTS, { detail: { 'c-count': [{ exists: true }] } }, ruler, true],
  ['exists true, missing', EXISTS, { detail: { nope: [{ exists: true }] } }, ruler, false],
  ['exists true, null value counts as present', EXISTS, { detail: { responseElements: [{ exists: true }] } }, nulls, true],
  ['exists true, object value is not a leaf', EXISTS, { detail: { 'c-count': [{ exists: true }] } }, d({ 'c-count': { c1: 100 } }), false],
  ['exists false, missing', EXISTS, { detail: { 'c-count': [{ exists: false }] } }, d({ state: 'running' }), true],
  ['exists false, present', EXISTS, { detail: { 'c-count': [{ exists: false }] } }, ruler, false],
  [
    'exists false, object value (docs: c-count is not a leaf)',
    EXISTS,
    { detail: { 'c-count': [{ exists: false }] } },
    d({ 'c-count': { c1: 100 } }),
    true,
  ],
  ['exists false, whole parent missing', EXISTS, { detail: { 'c-count': [{ exists: false }] } }, envelope(undefined), true],
  ['exists false, null value is present', EXISTS, { detail: { responseElements: [{ exists: false }] } }, nulls, false],
  // $or.
  [
    '$or: second alternative matches',
    OR,
    { source: ['aws.ec2'], $or: [{ region: ['eu-west-1'] }, { detail: { state: ['running'] } }] },
    ruler,
    true,
  ],
  ['$or: no alternative matches', OR, { $or: [{ region: ['eu-west-1'] }, { detail: { state: ['stopped'] } }] }, ruler, false],
  ['$or: sibling fails', OR, { source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['x'] }] }, ruler, false],
  [
    '$or inside detail with an AND inside an alternative',
    OR,
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [3], state: ['running'] }] } },
    ruler,
    true,
  ],
  [
    'nested $or',
    OR,
    { detail: { $or: [{ state: ['stopped'] }, { 'c-count': [5], $or: [{ 'd-count': [4] }, { 'x-limit': [301.8] }] }] } },
    ruler,
    true,
  ],
  // cidr (IPv4 and IPv6) and IP-address strings.
  ['cidr IPv4 in range', CIDR, { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ruler, true],
  ['cidr IPv4 out of range', CIDR, { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, ruler, false],
  [
    'cidr floors host bits below the mask',
    'event-ruler CIDRTest TestCorrectRanges (54.240.196.171/24)',
    { detail: { ip: [{ cidr: '54.240.196.171/24' }] } },
    d({ ip: '54.240.196.3' }),
    true,
  ],
  ['cidr IPv6 in range', CIDR, { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, d({ ip: '2001:db8:0:0:1::' }), true],
  ['cidr IPv6 out of range', CIDR, { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, d({ ip: '2001:db9::1' }), false],
  [
    'cidr IPv6 /122 upper end',
    'event-ruler CIDRTest TestCorrectRanges (2400:6500:FF00::36FB:1F80/122)',
    { detail: { ip: [{ cidr: '2400:6500:FF00::36FB:1F80/122' }] } },
    d({ ip: '2400:6500:ff00::36fb:1fbf' }),
    true,
  ],
  [
    'cidr IPv6 /122 just past the end',
    'event-ruler CIDRTest TestCorrectRanges (2400:6500:FF00::36FB:1F80/122)',
    { detail: { ip: [{ cidr: '2400:6500:FF00::36FB:1F80/122' }] } },
    d({ ip: '2400:6500:ff00::36fb:1fc0' }),
    false,
  ],
  ['cidr IPv4 never matches an IPv6 value', CIDR, { detail: { ip: [{ cidr: '0.0.0.0/1' }] } }, d({ ip: '::1' }), false],
  ['cidr does not match a string that is not an address', CIDR, { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, d({ ip: 'ten' }), false],
  ['cidr does not match a number', CIDR, { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, d({ ip: 10 }), false],
  [
    'cidr matches an IPv4-mapped IPv6 value as its IPv4 address',
    'event-ruler CIDR.ipToBytes (Java InetAddress)',
    { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
    d({ ip: '::ffff:a00:1' }),
    true,
  ],
  [
    'exact IP string matches the same address written out in full',
    'event-ruler JsonRuleCompiler.writeRules (CIDR.ipToRangeIfPossible)',
    { detail: { ip: ['2001:db8::1'] } },
    d({ ip: '2001:0DB8:0:0:0:0:0:1' }),
    true,
  ],
  [
    'exact IP string, other address',
    'event-ruler JsonRuleCompiler.writeRules (CIDR.ipToRangeIfPossible)',
    { detail: { ip: ['10.0.0.1'] } },
    d({ ip: '10.0.0.2' }),
    false,
  ],
  [
    'string that only looks like IPv6 matches exactly',
    'event-ruler CIDRTest testInvalidIPMatchedByIPv6Regex',
    { a: ['08:23'] },
    { a: ['08:23'] },
    true,
  ],
  [
    'README complex example (with cidr 10.0.0.0/8)',
    'event-ruler README "Complex example"',
    {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    },
    ruler,
    true,
  ],
  // anything-but with lists of prefixes, suffixes, wildcards, ignore-case values.
  [
    'anything-but prefix list, excluded',
    ANYTHING_BUT,
    { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
    d({ state: 'error-42' }),
    false,
  ],
  [
    'anything-but prefix list, allowed',
    ANYTHING_BUT,
    { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
    ruler,
    true,
  ],
  [
    'anything-but suffix list, excluded',
    ANYTHING_BUT,
    { detail: { 'instance-id': [{ 'anything-but': { suffix: ['1234', '6789'] } }] } },
    d({ 'instance-id': 'i-6789' }),
    false,
  ],
  [
    'anything-but suffix list, allowed',
    ANYTHING_BUT,
    { detail: { 'instance-id': [{ 'anything-but': { suffix: ['1234', '6789'] } }] } },
    ruler,
    true,
  ],
  [
    'anything-but wildcard list, excluded',
    ANYTHING_BUT,
    { detail: { state: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] } },
    d({ state: 'a/bin/x.class' }),
    false,
  ],
  [
    'anything-but wildcard list, allowed',
    ANYTHING_BUT,
    { detail: { state: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] } },
    d({ state: 'a/lib/x.jar' }),
    true,
  ],
  [
    'anything-but equals-ignore-case single',
    ANYTHING_BUT,
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'Stopped' } }] } },
    d({ state: 'STOPPED' }),
    false,
  ],
  [
    'anything-but string does not exclude a number',
    'event-ruler ByteMachine.transitionOn (anything-but applies to values of its type)',
    { detail: { n: [{ 'anything-but': '5' }] } },
    d({ n: 5 }),
    true,
  ],
  [
    'anything-but prefix does not exclude a number',
    'event-ruler ByteMachine.transitionOn (anything-but applies to values of its type)',
    { detail: { n: [{ 'anything-but': { prefix: '5' } }] } },
    d({ n: 5 }),
    true,
  ],
  // event-ruler RulerTest WHEN_WeTryAnythingButRules_THEN_Theywork: one rule, the events it lists, and their results.
  ...(
    [
      [0, { a: 'child1', b: '444', c: 'child1', d: 123, w: 'xaz', z: 0.001, n: 'nomatch', o: 'nomatch', p: 'nomatch' }, true],
      [1, { a: 'dad789', b: 789, c: 'zdd', d: 123, w: 'xaz', z: 0.001, n: 'nomatch', o: 'nomatch', p: 'nomatch' }, false],
      [2, { a: 'dad789', b: 789, c: 'child1', d: 123, w: 'xaz', z: 1.01, n: 'nomatch', o: 'nomatch', p: 'nomatch' }, false],
      [3, { a: 'dad1', b: 345, c: 'child1', d: 123, w: 'xaz', z: 0.001, n: 'nomatch', o: 'nomatch', p: 'nomatch' }, false],
      [4, { a: 'abc', b: 111, c: 'child1', d: 123, w: 'xaz', z: 0.001, n: 'nomatch', o: 'nomatch', p: 'nomatch' }, false],
      [6, { a: 'abc', b: 0, c: 'child1', d: 444, w: 'xaz', z: 0.999999, n: 'nomatch', o: 'nomatch', p: 'nomatch' }, false],
      [7, { a: 'child1', b: '444', c: 'child1', d: 123, w: 'zaxonie', z: 0.001, n: 'nomatch', o: 'nomatch', p: 'nomatch' }, false],
      [8, { a: 'child1', b: '444', c: 'child1', d: 123, w: 'xaz', z: 0.001, n: 'matching', o: 'nomatch', p: 'nomatch' }, false],
      [9, { a: 'child1', b: '444', c: 'child1', d: 123, w: 'xaz', z: 0.001, n: 'nomatch', o: 'camelcase', p: 'nomatch' }, false],
      [10, { a: 'child1', b: '444', c: 'child1', d: 123, w: 'xaz', z: 0.001, n: 'nomatch', o: 'nomatch', p: 'abc' }, false],
    ] as const
  ).map(([i, event, expected]): [string, string, EventPattern, unknown, boolean] => [
    `RulerTest anything-but event ${i}`,
    `${RULER_TEST} WHEN_WeTryAnythingButRules_THEN_Theywork`,
    rulerAnythingBut,
    event,
    expected,
  ]),
  // equals-ignore-case and wildcard rules of RulerTest.
  [
    'RulerTest equals-ignore-case: all three fields match',
    `${RULER_TEST} WHEN_WeTryEqualsIgnoreCaseRules_THEN_TheyWork`,
    { a: [{ 'equals-ignore-case': 'aBc' }], b: [{ 'equals-ignore-case': 'Def' }], c: [{ 'equals-ignore-case': 'xyZ' }] },
    { a: 'ABC', b: 'def', c: 'xYz', d: 'rst' },
    true,
  ],
  [
    'RulerTest equals-ignore-case: "defx" is not "Def"',
    `${RULER_TEST} WHEN_WeTryEqualsIgnoreCaseRules_THEN_TheyWork`,
    { a: [{ 'equals-ignore-case': 'aBc' }], b: [{ 'equals-ignore-case': 'Def' }], c: [{ 'equals-ignore-case': 'xyZ' }] },
    { a: 'ABC', b: 'defx', c: 'xYz', d: 'rst' },
    false,
  ],
  [
    'RulerTest wildcard: all four fields match',
    `${RULER_TEST} WHEN_WeTryWildcardRules_THEN_TheyWork`,
    { a: [{ wildcard: '*bc' }], b: [{ wildcard: 'd*f' }], c: [{ wildcard: 'xy*' }], d: [{ wildcard: 'xy*' }] },
    { a: 'abcbc', b: 'deeeef', c: 'xy', d: 'xyzzz' },
    true,
  ],
  [
    'RulerTest wildcard: "deeeefx" does not end in f',
    `${RULER_TEST} WHEN_WeTryWildcardRules_THEN_TheyWork`,
    { a: [{ wildcard: '*bc' }], b: [{ wildcard: 'd*f' }], c: [{ wildcard: 'xy*' }], d: [{ wildcard: 'xy*' }] },
    { a: 'abcbc', b: 'deeeefx', c: 'xy', d: 'xyzzz' },
    false,
  ],
  [
    'equals-ignore-case: "ß" in the pattern matches "SS" in the value',
    IGNORE_CASE,
    { name: [{ 'equals-ignore-case': 'straße' }] },
    { name: 'STRASSE' },
    true,
  ],
  [
    'equals-ignore-case is not symmetric: "SS" does not match "ß"',
    IGNORE_CASE,
    { name: [{ 'equals-ignore-case': 'STRASSE' }] },
    { name: 'straße' },
    false,
  ],
  [
    'prefix equals-ignore-case with a character that changes length',
    IGNORE_CASE,
    { name: [{ prefix: { 'equals-ignore-case': 'ß' } }] },
    { name: 'SSe' },
    true,
  ],
  [
    'anything-but equals-ignore-case excludes the same forms',
    IGNORE_CASE,
    { name: [{ 'anything-but': { 'equals-ignore-case': 'straße' } }] },
    { name: 'STRASSE' },
    false,
  ],
  [
    'equals-ignore-case treats regular-expression characters literally',
    IGNORE_CASE,
    { name: [{ 'equals-ignore-case': 'a.b' }] },
    { name: 'A-B' },
    false,
  ],
  ['exactly matches the exact string', `${COMPILER} processMatchExpression ("exactly")`, { source: [{ exactly: 'aws.ec2' }] }, ruler, true],
  ['exactly is case sensitive', `${COMPILER} processMatchExpression ("exactly")`, { source: [{ exactly: 'AWS.EC2' }] }, ruler, false],
  [
    'exactly with an IP is the text, not the address',
    `${COMPILER} processMatchExpression ("exactly" is not passed through CIDR.ipToRangeIfPossible)`,
    { detail: { ip: [{ exactly: '2001:db8::1' }] } },
    d({ ip: '2001:0DB8:0:0:0:0:0:1' }),
    false,
  ],
  [
    'prefix "" matches any string',
    'event-ruler JsonRuleCompiler (prefix compiles to an opening quote)',
    { detail: { k: [{ prefix: '' }] } },
    d({ k: 'anything' }),
    true,
  ],
  [
    'prefix "" does not match a number',
    'event-ruler README "Prefix matches only work on string-valued fields"',
    { detail: { k: [{ prefix: '' }] } },
    d({ k: 5 }),
    false,
  ],
  [
    'suffix equals-ignore-case on source',
    'event-ruler README "Suffix equals-ignore-case matching"',
    { source: [{ suffix: { 'equals-ignore-case': 'EC2' } }] },
    ruler,
    true,
  ],
  // numeric edge cases.
  [
    'numeric = 5 matches 5.0',
    'event-ruler ComparableNumber (numbers compare by value)',
    { detail: { n: [{ numeric: ['=', 5] }] } },
    JSON.parse('{"detail": {"n": 5.0}}'),
    true,
  ],
  [
    'exact number 5 matches 5.0',
    'event-ruler JsonRuleCompiler.writeRules (numericEquals for numbers)',
    { detail: { n: [5] } },
    JSON.parse('{"detail": {"n": 5.0}}'),
    true,
  ],
  [
    'numeric beyond ±5e9 (event-ruler compares any double)',
    'event-ruler ComparableNumber (all IEEE-754 binary64 values)',
    { detail: { n: [{ numeric: ['>', 5e9] }] } },
    d({ n: 6e9 }),
    true,
  ],
  [
    'numeric below -5e9',
    'event-ruler ComparableNumber (all IEEE-754 binary64 values)',
    { detail: { n: [{ numeric: ['<', -5e9] }] } },
    d({ n: -6e9 }),
    true,
  ],
  [
    'numeric more than six decimal places',
    'event-ruler ComparableNumber (all IEEE-754 binary64 values)',
    { detail: { n: [{ numeric: ['>', 0.0000001, '<', 0.0000003] }] } },
    d({ n: 0.0000002 }),
    true,
  ],
  ['numeric negative range', NUMERIC, { detail: { n: [{ numeric: ['>=', -10, '<', -1] }] } }, d({ n: -5 }), true],
  ['numeric does not match a boolean', NUMERIC, { detail: { n: [{ numeric: ['>', 0] }] } }, d({ n: true }), false],
  [
    'numeric on an array: one element in range',
    'event-ruler StructuredFinderTest correctness case "primarray: numeric in array"',
    { detail: { n: [{ numeric: ['>', 5] }] } },
    d({ n: ['a', 7] }),
    true,
  ],
  // exists on arrays, objects and empty arrays.
  [
    'exists true, empty array has no value',
    'event-ruler StructuredFinderTest correctness case "empty array"',
    { d: { a: [{ exists: true }] } },
    { d: [] },
    false,
  ],
  [
    'exists false, empty array of values',
    'event-ruler StructuredFinderTest correctness case "primarray: empty prim array"',
    { d: { name: [{ exists: false }] } },
    { d: { name: [] } },
    true,
  ],
  ['exists true, array of values', EXISTS, { detail: { tags: [{ exists: true }] } }, d({ tags: ['a'] }), true],
  [
    'exists on an array of objects: same element',
    'event-ruler StructuredFinderTest correctness case "objarray: same element"',
    { d: { a: [{ exists: true }], b: [{ exists: true }] } },
    { d: [{ a: 1, b: 2 }] },
    true,
  ],
  [
    'exists on an array of objects: split over elements',
    'event-ruler StructuredFinderTest correctness case "objarray: split"',
    { d: { a: [{ exists: true }], b: [{ exists: true }] } },
    { d: [{ a: 1 }, { b: 2 }] },
    false,
  ],
  [
    'exists on an array of objects: last element has both',
    'event-ruler StructuredFinderTest correctness case "objarray: 3 elem, last valid"',
    { d: { a: [{ exists: true }], b: [{ exists: true }] } },
    { d: [{ a: 1 }, { b: 2 }, { a: 3, b: 4 }] },
    true,
  ],
  [
    'exists false inside an array element',
    'event-ruler StructuredFinderTest correctness case "exists-false: absent"',
    { d: { a: [{ exists: true }], b: [{ exists: false }] } },
    { d: [{ a: 1 }] },
    true,
  ],
  [
    'exists false inside an array element, present',
    'event-ruler StructuredFinderTest correctness case "exists-false: present"',
    { d: { a: [{ exists: true }], b: [{ exists: false }] } },
    { d: [{ a: 1, b: 2 }] },
    false,
  ],
  ['exists false in the first element, present in the second: matches', AC_EXISTS, taskRule('interfaceName'), taskEvent1, true],
  ['exists false on a field no element has: matches', AC_EXISTS, taskRule('abc'), taskEvent1, true],
  ['exists false, present in the matching element: no match', AC_EXISTS, taskRule('interfaceName'), taskEvent2, false],
  ['exists false on a field no element has (second event): matches', AC_EXISTS, taskRule('abc'), taskEvent2, true],
  [
    'RulerTest exists false on another field',
    `${RULER_TEST} WHEN_WeTryToMatchExistsRules_THEN_TheyWork`,
    { b: [{ exists: false }] },
    { a: 1 },
    true,
  ],
  // Dotted keys.
  ['dotted pattern key is the nested path', DOTS, { detail: { 'state.status': ['running'] } }, d({ state: { status: 'running' } }), true],
  [
    'nested pattern matches a dotted event key',
    DOTS,
    { detail: { state: { status: ['running'] } } },
    d({ 'state.status': 'running' }),
    true,
  ],
  [
    'dotted pattern key matches a dotted event key',
    DOTS,
    { detail: { 'state.status': ['running'] } },
    d({ 'state.status': 'running' }),
    true,
  ],
  ['dotted key at the top level', DOTS, { 'detail.state': ['running'] }, ruler, true],
  ['dotted pattern key, other value', DOTS, { detail: { 'state.status': ['running'] } }, d({ state: { status: 'stopped' } }), false],
  [
    'dotted and nested pattern keys merge into one path',
    DOTS,
    { detail: { 'state.status': ['running'], state: { code: [16] } } },
    d({ state: { status: 'running', code: 16 } }),
    true,
  ],
  [
    'dotted event key and nested event object combine',
    DOTS,
    { detail: { state: { status: ['running'], code: [16] } } },
    d({ state: { code: 16 }, 'state.status': 'running' }),
    true,
  ],
  // More $or.
  ['README "Normal Or": namespace alternative', OR, cloudwatchOr, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' }, true],
  ['README "Normal Or": neither alternative', OR, cloudwatchOr, { source: 'aws.cloudwatch', metricName: 'Other' }, false],
  [
    'README "Nested Or and And": inner alternative',
    OR,
    nestedOr,
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 },
    true,
  ],
  [
    'README "Nested Or and And": inner alternatives both miss',
    OR,
    nestedOr,
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1 },
    false,
  ],
  [
    '"$or" holding an object is an ordinary field name',
    'event-ruler README "The backward compatibility of using $or as field name"',
    { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'] } },
    { source: 'aws.cloudwatch', $or: { metricType: 'MetricType' } },
    true,
  ],
  [
    'leaf inside and outside $or: the later write wins (alternative a=2)',
    OR_ORDER,
    { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] },
    { a: '2' },
    true,
  ],
  [
    'leaf inside and outside $or: a=1 alone matches neither alternative',
    OR_ORDER,
    { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] },
    { a: '1' },
    false,
  ],
  [
    'leaf inside and outside $or: a=1 with b=3 matches the second',
    OR_ORDER,
    { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] },
    { a: '1', b: '3' },
    true,
  ],
  [
    '$or written before the leaf: the leaf overrides both alternatives',
    OR_ORDER,
    { $or: [{ a: ['2'] }, { b: ['3'] }], a: ['1'] },
    { a: '1' },
    true,
  ],
  ['$or written before the leaf: a=2 no longer matches', OR_ORDER, { $or: [{ a: ['2'] }, { b: ['3'] }], a: ['1'] }, { a: '2' }, false],
  [
    '"$or" that does not compile as OR is a field named "$or"',
    'event-ruler GenericMachine.addRule (falls back to RuleCompiler); README "backward compatibility of using $or"',
    { $or: [{ numeric: ['>', 5] }, { prefix: 'abc' }] },
    { $or: 7 },
    true,
  ],
  [
    '"$or" read as a field: its matchers apply to that field',
    'event-ruler GenericMachine.addRule (falls back to RuleCompiler)',
    { $or: [{ numeric: ['>', 5] }, { prefix: 'abc' }] },
    { $or: 'xyz' },
    false,
  ],
  [
    '$or within an array element: alternative and sibling in one element',
    'event-ruler README "JSON Array Matching" with "$or"',
    { d: { c: [3], $or: [{ a: [1] }, { b: [2] }] } },
    { d: [{ a: 1, c: 3 }] },
    true,
  ],
  [
    '$or within an array element: alternative and sibling in different elements',
    'event-ruler README "JSON Array Matching" with "$or"',
    { d: { c: [3], $or: [{ a: [1] }, { b: [2] }] } },
    { d: [{ a: 1 }, { c: 3 }] },
    false,
  ],
  // This project's rules.
  ['project FAILED rule: failed event', PROJECT, failed, poller({ status: 'FAILED' }), true],
  ['project FAILED rule: completed event', PROJECT, failed, poller({ status: 'COMPLETED' }), false],
  ['project FAILED rule: other source', PROJECT, failed, poller({ status: 'FAILED' }, 'someone-else'), false],
  [
    'project invalid-records rule: 3 invalid records',
    PROJECT,
    completedWithInvalid,
    poller({ status: 'COMPLETED', batchPrediction: { invalidRecordCount: 3 } }),
    true,
  ],
  [
    'project invalid-records rule: 0 invalid records',
    PROJECT,
    completedWithInvalid,
    poller({ status: 'COMPLETED', batchPrediction: { invalidRecordCount: 0 } }),
    false,
  ],
  [
    'project invalid-records rule: count as a string',
    PROJECT,
    completedWithInvalid,
    poller({ status: 'COMPLETED', batchPrediction: { invalidRecordCount: '3' } }),
    false,
  ],
  ['project invalid-records rule: batchPrediction missing', PROJECT, completedWithInvalid, poller({ status: 'COMPLETED' }), false],
  [
    'project invalid-records rule: FAILED status',
    PROJECT,
    completedWithInvalid,
    poller({ status: 'FAILED', batchPrediction: { invalidRecordCount: 3 } }),
    false,
  ],
];

/** A pattern with `groups` "$or" groups of `alternatives` alternatives each: alternatives^groups combinations. */
function orCombinations(groups: number, alternatives: number): EventPattern {
  return Object.fromEntries(
    Array.from({ length: groups }, (_, g) => [
      `f${g}`,
      { $or: Array.from({ length: alternatives }, (_, a) => ({ [`k${a}`]: [String(a)] })) },
    ]),
  );
}

const invalidCases: Array<[string, string, unknown, RegExp]> = [
  [
    'scalar instead of array',
    COMPILER,
    { detail: { status: 'FAILED' } },
    /^pattern at "detail\.status": expected an array of values or a nested object, got string "FAILED"$/,
  ],
  ['number instead of array', COMPILER, { version: 0 }, /"version": expected an array of values or a nested object, got number 0/],
  ['empty pattern', COMPILER, {}, /^pattern: must contain at least one field$/],
  ['empty nested object', COMPILER, { detail: {} }, /"detail": must contain at least one field/],
  ['empty array of values', COMPILER, { source: [] }, /"source": array of values must not be empty/],
  ['root is an array', COMPILER, [{ source: ['a'] }], /^pattern: must be a JSON object, got array$/],
  ['root is null', COMPILER, null, /must be a JSON object, got null/],
  [
    'nested array as a value',
    COMPILER,
    { source: [['a']] },
    /"source\[0\]": expected a string, number, boolean, null or operator object, got array/,
  ],
  ['unknown operator', COMPILER, { source: [{ prefx: 'a' }] }, /"source\[0\]": unknown operator "prefx"/],
  ['two operators in one object', COMPILER, { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator, got 2 \(prefix, suffix\)/],
  ['empty operator object', COMPILER, { source: [{}] }, /exactly one operator, got 0/],
  [
    'prefix with a number',
    COMPILER,
    { source: [{ prefix: 1 }] },
    /"source\[0\]\.prefix": expected a string or \{"equals-ignore-case": string\}, got number 1/,
  ],
  [
    'prefix with an unknown nested operator',
    COMPILER,
    { source: [{ prefix: { 'ignore-case': 'a' } }] },
    /"source\[0\]\.prefix": expected a string or/,
  ],
  [
    'equals-ignore-case with a number',
    COMPILER,
    { source: [{ 'equals-ignore-case': 5 }] },
    /equals-ignore-case": expected a string, got number 5/,
  ],
  [
    'numeric operand is a string',
    COMPILER,
    { detail: { n: [{ numeric: ['>', '0'] }] } },
    /operand of ">" must be a number, got string "0"/,
  ],
  ['numeric bad operator', COMPILER, { detail: { n: [{ numeric: ['!=', 0] }] } }, /unknown numeric operator "!="/],
  ['numeric odd length', COMPILER, { detail: { n: [{ numeric: ['>', 0, '<'] }] } }, /expected \[operator, number\]/],
  ['numeric not an array', COMPILER, { detail: { n: [{ numeric: 5 }] } }, /"detail\.n\[0\]\.numeric": expected \[operator, number\]/],
  [
    'numeric two lower bounds',
    COMPILER,
    { detail: { n: [{ numeric: ['>', 0, '>=', 5] }] } },
    /lower bound \(> or >=\) followed by an upper bound/,
  ],
  [
    'numeric bounds in the wrong order',
    COMPILER,
    { detail: { n: [{ numeric: ['<', 5, '>', 0] }] } },
    /lower bound \(> or >=\) followed by an upper bound/,
  ],
  ['numeric empty range', COMPILER, { detail: { n: [{ numeric: ['>', 5, '<', 5] }] } }, /lower bound 5 must be less than upper bound 5/],
  [
    'numeric too many terms',
    COMPILER,
    { detail: { n: [{ numeric: ['>', 0, '<', 5, '=', 3] }] } },
    /at most one lower bound and one upper bound/,
  ],
  ['exists with a string', COMPILER, { detail: { n: [{ exists: 'true' }] } }, /exists": expected true or false, got string "true"/],
  ['wildcard with consecutive stars', COMPILER, { source: [{ wildcard: 'a**b' }] }, /consecutive wildcard characters at position 1/],
  ['wildcard with a bad escape', COMPILER, { source: [{ wildcard: 'a\\b' }] }, /backslash at position 1 must escape/],
  [
    'anything-but mixed list',
    COMPILER,
    { source: [{ 'anything-but': ['a', 1] }] },
    /anything-but": list must contain only strings or only numbers/,
  ],
  [
    'anything-but null',
    COMPILER,
    { source: [{ 'anything-but': null }] },
    /anything-but": expected a string, a number, a list of them, or an operator object, got null/,
  ],
  [
    'anything-but exists',
    COMPILER,
    { source: [{ 'anything-but': { exists: true } }] },
    /anything-but": object must have exactly one of prefix, suffix, equals-ignore-case, wildcard, got exists/,
  ],
  ['anything-but empty list', COMPILER, { source: [{ 'anything-but': [] }] }, /anything-but": list must not be empty/],
  [
    'anything-but empty prefix',
    COMPILER,
    { source: [{ 'anything-but': { prefix: '' } }] },
    /anything-but\.prefix": expected a non-empty string/,
  ],
  [
    'anything-but equals-ignore-case with a number',
    COMPILER,
    { source: [{ 'anything-but': { 'equals-ignore-case': [1] } }] },
    /expected a string or a list of strings, got number 1/,
  ],
  ['$or with one alternative', COMPILER, { $or: [{ source: ['a'] }] }, /"\$or": "\$or" needs an array of at least two alternative objects/],
  [
    '$or alternative not an object',
    COMPILER,
    { $or: [{ source: ['a'] }, ['b']] },
    /"\$or\[1\]": "\$or" alternative must be an object, got array/,
  ],
  [
    'error inside a $or alternative names its path',
    COMPILER,
    { detail: { $or: [{ a: ['x'] }, { b: 'y' }] } },
    /"detail\.\$or\[1\]\.b": expected an array/,
  ],
  [
    'cidr IPv4 /32',
    CIDR,
    { detail: { ip: [{ cidr: '192.168.0.1/32' }] } },
    /"detail\.ip\[0\]\.cidr": malformed CIDR "192\.168\.0\.1\/32": IPv4 mask bits must be < 32/,
  ],
  [
    'cidr IPv4 /33',
    'event-ruler CIDRTest SpotMalformedCIDRs',
    { detail: { ip: [{ cidr: '192.168.0.1/33' }] } },
    /IPv4 mask bits must be < 32/,
  ],
  [
    'cidr IPv6 /222',
    'event-ruler CIDRTest SpotMalformedCIDRs',
    { detail: { ip: [{ cidr: '2400:6500:FF00::36FB:1F80/222' }] } },
    /IPv6 mask bits must be < 128/,
  ],
  ['cidr without a slash', 'event-ruler CIDRTest SpotMalformedCIDRs', { detail: { ip: [{ cidr: 'foo' }] } }, /exactly one "\/" required/],
  [
    'cidr with two slashes',
    'event-ruler CIDRTest SpotMalformedCIDRs',
    { detail: { ip: [{ cidr: 'foo/bar/baz' }] } },
    /exactly one "\/" required/,
  ],
  [
    'cidr mask not an integer',
    'event-ruler CIDRTest SpotMalformedCIDRs',
    { detail: { ip: [{ cidr: '192.168.0.1/foo' }] } },
    /mask bits must be an integer/,
  ],
  [
    'cidr negative mask',
    'event-ruler CIDRTest SpotMalformedCIDRs',
    { detail: { ip: [{ cidr: '192.168.0.1/-3424' }] } },
    /mask bits must not be negative/,
  ],
  [
    'cidr five octets',
    'event-ruler CIDRTest SpotMalformedCIDRs',
    { detail: { ip: [{ cidr: '10.10.10.10.10/3' }] } },
    /"10\.10\.10\.10\.10" is not an IPv4 or IPv6 address/,
  ],
  [
    'cidr too many IPv6 groups',
    'event-ruler CIDRTest SpotMalformedCIDRs',
    { detail: { ip: [{ cidr: '2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80/122' }] } },
    /is not an IPv4 or IPv6 address/,
  ],
  ['cidr not a string', CIDR, { detail: { ip: [{ cidr: 10 }] } }, /cidr": expected a string such as "10\.0\.0\.0\/24", got number 10/],
  [
    'anything-but prefix list with an empty prefix',
    ANYTHING_BUT,
    { source: [{ 'anything-but': { prefix: ['a', ''] } }] },
    /anything-but\.prefix": expected a non-empty string/,
  ],
  [
    'anything-but suffix list with a number',
    ANYTHING_BUT,
    { source: [{ 'anything-but': { suffix: ['a', 1] } }] },
    /anything-but\.suffix": expected a string or a list of strings, got number 1/,
  ],
  [
    'anything-but wildcard list with consecutive stars',
    ANYTHING_BUT,
    { source: [{ 'anything-but': { wildcard: ['a*', 'b**'] } }] },
    /anything-but\.wildcard": consecutive wildcard characters at position 1/,
  ],
  [
    'anything-but prefix with an empty list',
    `${COMPILER} (accepts it, then fails evaluating the rule)`,
    { source: [{ 'anything-but': { prefix: [] } }] },
    /anything-but\.prefix": list must not be empty/,
  ],
  [
    'anything-but boolean',
    `${COMPILER} ("Inside anything but list, start|null|boolean is not supported")`,
    { source: [{ 'anything-but': true }] },
    /anything-but": expected a string, a number, a list of them, or an operator object, got boolean true/,
  ],
  [
    'anything-but list with null',
    `${COMPILER} ("Inside anything but list, start|null|boolean is not supported")`,
    { source: [{ 'anything-but': ['a', null] }] },
    /list must contain only strings or only numbers/,
  ],
  [
    'anything-but unknown operator',
    `${COMPILER} ("Unsupported anything-but pattern")`,
    { source: [{ 'anything-but': { numeric: ['>', 1] } }] },
    /object must have exactly one of prefix, suffix, equals-ignore-case, wildcard, got numeric/,
  ],
  [
    'prefix equals-ignore-case with a number',
    STRING_OPS,
    { source: [{ prefix: { 'equals-ignore-case': 5 } }] },
    /prefix": expected a string or \{"equals-ignore-case": string\}, got \{equals-ignore-case\}/,
  ],
  [
    'suffix with an unknown nested operator',
    `${COMPILER} ("Unsupported suffix pattern")`,
    { source: [{ suffix: { wildcard: 'a' } }] },
    /suffix": expected a string or \{"equals-ignore-case": string\}, got \{wildcard\}/,
  ],
  [
    'exactly with a number',
    `${COMPILER} ("exact match pattern must be a string")`,
    { source: [{ exactly: 5 }] },
    /"source\[0\]\.exactly": expected a string, got number 5/,
  ],
  ['exists null', EXISTS, { detail: { n: [{ exists: null }] } }, /exists": expected true or false, got null/],
  [
    'numeric = with a second term',
    `${COMPILER} processNumericMatchExpression`,
    { detail: { n: [{ numeric: ['=', 1, '<', 5] }] } },
    /lower bound \(> or >=\) followed by an upper bound/,
  ],
  [
    'numeric operand not finite',
    NUMERIC,
    { detail: { n: [{ numeric: ['>', Infinity] }] } },
    /operand of ">" must be a number, got number Infinity/,
  ],
  [
    'reserved operator name as a field inside $or',
    `${COMPILER} parseObjectInsideOrRelationship (RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP)`,
    { $or: [{ numeric: [123] }, { prefix: ['abc'] }] },
    /"\$or\[0\]\.numeric": "numeric" is a reserved operator name and cannot be a field inside "\$or"/,
  ],
  [
    '$or with more than 1,000 combinations',
    OR_LIMIT,
    orCombinations(4, 6),
    /^pattern: Rule is too complex: it contains 1296 rule combinations, more than the 1000 EventBridge allows/,
  ],
  [
    '$or groups at different levels multiply',
    OR_LIMIT,
    { detail: orCombinations(2, 20), $or: [{ a: ['1'] }, { b: ['2'] }, { c: ['3'] }] },
    /it contains 1200 rule combinations/,
  ],
  [
    'a nested $or counts by product, not by the alternatives it makes',
    OR_LIMIT,
    { $or: [{ a: ['1'] }, { b: ['2'], $or: Array.from({ length: 600 }, (_, i) => ({ [`k${i}`]: ['x'] })) }] },
    /it contains 1200 rule combinations/,
  ],
  [
    'wildcard too complex on its own',
    'event-ruler MachineComplexityEvaluatorTest testEvaluateLongSequenceofWildcards (17)',
    { detail: { k: [{ wildcard: '*a*a*a*a*a*a*a*a*' }] } },
    /^pattern at "detail\.k": Rule is too complex/,
  ],
  [
    'four *:stack/NAME/* wildcards on one field (complexity 12)',
    'vals-ai/Valkyrie#278: EventBridge answered "Rule is too complex" for four, accepted three',
    { detail: { 'stack-id': ['A', 'B', 'C', 'D'].map((n) => ({ wildcard: `*:stack/${n}/*` })) } },
    /^pattern at "detail\.stack-id": Rule is too complex: its wildcard patterns can match more than 10 prefixes of one value at once/,
  ],
  [
    'three on each of two fields are fine; four on a third are not',
    "event-ruler MachineComplexityEvaluator (the most of any one field's machine)",
    {
      a: ['A', 'B', 'C'].map((n) => ({ wildcard: `*:stack/${n}/*` })),
      b: ['A', 'B', 'C'].map((n) => ({ wildcard: `*:stack/${n}/*` })),
      c: ['A', 'B', 'C', 'D'].map((n) => ({ wildcard: `*:stack/${n}/*` })),
    },
    /^pattern at "c": Rule is too complex/,
  ],
  [
    'anything-but wildcards count too',
    'event-ruler MachineComplexityEvaluator (WILDCARD and ANYTHING_BUT_WILDCARD)',
    { a: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class', '*/lib/*.jar'] } }] },
    /^pattern at "a": Rule is too complex/,
  ],
];

describe('matchesEventPattern', () => {
  it.each(matchCases)('%s (%s)', (_name, _source, pattern, event, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('throws instead of silently not matching when the pattern is invalid', () => {
    expect(() => matchesEventPattern({ source: 'aws.ec2' }, ruler)).toThrow(EventPatternError);
  });
});

describe('validateEventPattern', () => {
  it.each(invalidCases)('rejects: %s (%s)', (_name, _source, pattern, message) => {
    let caught: unknown;
    try {
      validateEventPattern(pattern);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EventPatternError);
    expect((caught as Error).message).toMatch(message);
  });

  it.each([
    ['project FAILED rule', failed],
    ['project invalid-records rule', completedWithInvalid],
    [
      'docs complex example',
      {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
        },
      },
    ],
    ['exactly 1,000 $or combinations (10 x 10 x 10)', orCombinations(3, 10)],
    ['cidr /0 and /31 (IPv4), /127 (IPv6)', { a: [{ cidr: '0.0.0.0/0' }, { cidr: '10.0.0.0/31' }, { cidr: '::/127' }] }],
    [
      'anything-but lists of every string operator',
      {
        a: [
          { 'anything-but': { prefix: ['x', 'y'] } },
          { 'anything-but': { suffix: ['x'] } },
          { 'anything-but': { wildcard: ['*x', 'y*'] } },
          { 'anything-but': { 'equals-ignore-case': ['X'] } },
        ],
      },
    ],
    ['wildcards within the complexity limit (9 on one field)', { a: [{ wildcard: '*a*b*c*d*e' }, { wildcard: 'arn:aws:s3:::*/logs/*' }] }],
    [
      'three *:stack/NAME/* wildcards on one field (complexity 9), as EventBridge accepted in vals-ai/Valkyrie#278',
      { a: ['A', 'B', 'C'].map((n) => ({ wildcard: `*:stack/${n}/*` })) },
    ],
    ["the guide's anything-but wildcard list (complexity 8)", { a: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] }],
    ['$or holding plain values is a field named "$or"', { $or: ['a', 'b'] }],
  ])('accepts: %s', (_name, pattern) => {
    expect(() => validateEventPattern(pattern)).not.toThrow();
  });
});

// The expected figures are those of event-ruler's MachineComplexityEvaluatorTest (test name in the source column).
const EVALUATOR = 'event-ruler MachineComplexityEvaluatorTest';
describe('wildcardComplexity', () => {
  it.each([
    [['*'], 1, `${EVALUATOR} testEvaluateOnlyWildcard`],
    [['*', 'ab*c'], 3, `${EVALUATOR} testEvaluateOnlyWildcardWithWildcardMatch`],
    [['abc'], 1, `${EVALUATOR} testEvaluateWildcardPatternWithoutWildcards`],
    [['*ab'], 2, `${EVALUATOR} testEvaluateOneWildcardLeadingCharTwoTrailingCharactersDifferent`],
    [['*aa'], 3, `${EVALUATOR} testEvaluateOneWildcardLeadingCharTwoTrailingCharactersEqual`],
    [['a*b'], 2, `${EVALUATOR} testEvaluateOneWildcardSecondLastChar`],
    [['aa*'], 2, `${EVALUATOR} testEvaluateOneWildcardTrailingChar`],
    [['a*bc'], 2, `${EVALUATOR} testEvaluateOneWildcardNormalPositionTwoTrailingCharactersDifferent`],
    [['a*bb'], 3, `${EVALUATOR} testEvaluateOneWildcardNormalPositionTwoTrailingCharactersEqual`],
    [['a*bcb'], 3, `${EVALUATOR} testEvaluateOneWildcardNormalPositionThreeTrailingCharactersDifferent`],
    [['a*bbb'], 4, `${EVALUATOR} testEvaluateOneWildcardNormalPositionThreeTrailingCharactersEqual`],
    [['*ab*ad'], 4, `${EVALUATOR} testEvaluateTwoWildcardsLeadingCharAndNormalPosition`],
    [['*ab*d'], 3, `${EVALUATOR} testEvaluateTwoWildcardsLeadingCharAndSecondLastChar`],
    [['*aba*'], 4, `${EVALUATOR} testEvaluateTwoWildcardsLeadingCharAndTrailingChar`],
    [['a*b*bb'], 5, `${EVALUATOR} testEvaluateTwoWildcardsBothNormalPositionTwoTrailingCharactersEqual`],
    [['a*b*cb'], 4, `${EVALUATOR} testEvaluateTwoWildcardsBothNormalPositionTwoTrailingCharactersDifferent`],
    [['a*b*cd'], 3, `${EVALUATOR} testEvaluateTwoWildcardsBothNormalPositionTwoTrailingCharactersDifferentLastCharUnique`],
    [['a*b*b'], 4, `${EVALUATOR} testEvaluateTwoWildcardsNormalPositionAndSecondLastChar`],
    [['a*bb*'], 4, `${EVALUATOR} testEvaluateTwoWildcardsNormalPositionAndTrailingChar`],
    [['ab*b*'], 3, `${EVALUATOR} testEvaluateTwoWildcardsThirdLastCharAndTrailingChar`],
    [['ab*c', 'x*xx'], 3, `${EVALUATOR} testEvaluateTwoWildcardsNoCommonPrefix`],
    [['*abc', '*abcde'], 4, `${EVALUATOR} testEvaluateTwoWildcardsBothLeadingOneIsPrefixOfOther`],
    [['a*bcd', 'ab*cd'], 4, `${EVALUATOR} testEvaluateTwoWildcardsBothNormalPosition`],
    [['a*aaa', 'aa*aa'], 7, `${EVALUATOR} testEvaluateTwoWildcardsBothNormalPositionAllSameCharacter`],
    [['a*aaa', 'aaa*a'], 6, `${EVALUATOR} testEvaluateTwoWildcardsOneNormalPositionAndOneSecondLastCharacterAllSameCharacter`],
    [['a*aax', 'aaa*x'], 5, `${EVALUATOR} testEvaluateTwoWildcardsOneNormalPositionAndOneSecondLastCharacterAllSameCharacterButLast`],
    [['abc*', 'abcde*'], 3, `${EVALUATOR} testEvaluateTwoWildcardsBothTrailingCharOneIsPrefixOfOther`],
    [['ab*cd', 'ab*wx', 'ab*yz'], 6, `${EVALUATOR} testEvaluateThreeWildcardsTransitionFromSameState`],
    [['*ab*b*b*'], 7, `${EVALUATOR} testEvaluateFourWildcardsLeadingCharNormalPositionThirdLastCharAndTrailingChar`],
    [['*a*a*a*a*a*a*a*a*'], 17, `${EVALUATOR} testEvaluateLongSequenceofWildcards`],
    [['ab*c', 'ab*c'], 2, `${EVALUATOR} testEvaluateDuplicateWildcardPatterns`],
  ])('%j scores %i (%s)', (texts, expected) => {
    // Capped at 100, as those tests' evaluator is.
    expect(wildcardComplexity(texts, 100)).toBe(expected);
  });

  it('stops counting past the cap', () => {
    expect(wildcardComplexity(['*a*a*a*a*a*a*a*a*'], 10)).toBe(11);
  });
});

describe('parseEventPattern', () => {
  it('parses and validates a JSON pattern', () => {
    expect(parseEventPattern(JSON.stringify(failed))).toEqual(failed);
  });

  it('reports a JSON syntax error as an EventPatternError', () => {
    expect(() => parseEventPattern('{"source": ["a"]')).toThrow(EventPatternError);
    expect(() => parseEventPattern('{"source": ["a"]')).toThrow(/pattern is not valid JSON/);
  });

  it('reports an invalid pattern in valid JSON', () => {
    expect(() => parseEventPattern('{"detail": {"status": "FAILED"}}')).toThrow(
      'pattern at "detail.status": expected an array of values or a nested object, got string "FAILED"',
    );
  });
});

describe('EventPatternError', () => {
  it('is a named Error', () => {
    const err = new EventPatternError('boom');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('EventPatternError');
    expect(err.message).toBe('boom');
  });
});
