/**
 * Table-driven tests for the local EventBridge event-pattern matcher. Most rows come from the
 * examples in the EventBridge user guide (event patterns, content filtering, arrays, null values)
 * and the aws/event-ruler README; the last rows are the patterns this project deploys.
 */
import {
  EventPattern,
  EventPatternError,
  matchesEventPattern,
  parseEventPattern,
  validateEventPattern,
} from '../../local/event-pattern';

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

const matchCases: Array<[string, EventPattern, unknown, boolean]> = [
  // Exact matching, AND across fields, OR within arrays.
  ['docs EC2 termination pattern', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, d({ state: 'terminated' }), true],
  ['EC2 pattern, other state', { source: ['aws.ec2'], detail: { state: ['terminated'] } }, d({ state: 'running' }), false],
  ['OR within an array', { detail: { state: ['initializing', 'running'] } }, ruler, true],
  ['AND across fields: one field differs', { source: ['aws.ec2'], 'detail-type': ['Other'] }, ruler, false],
  ['field missing from event', { detail: { nope: ['x'] } }, ruler, false],
  ['nested detail missing entirely', { detail: { state: ['running'] } }, envelope(undefined), false],
  ['nested pattern, scalar in event', { detail: { state: { code: [16] } } }, ruler, false],
  ['leaf pattern, object in event', { detail: ['running'] }, ruler, false],
  // Arrays in events.
  ['event array intersects pattern array', { resources: ['arn:x', 'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }, ruler, true],
  ['event array disjoint from pattern array', { resources: ['arn:x', 'arn:y'] }, ruler, false],
  ['array of objects: one element matches', { detail: { employees: { firstName: ['Anna'] } } }, d({ employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }] }), true],
  ['array of objects: fields from different elements do not combine', { detail: { employees: { firstName: ['Anna'], lastName: ['Doe'] } } }, d({ employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }] }), false],
  ['multi-level arrays are flattened', { detail: { employees: { lastName: ['Jones'] } } }, d({ employees: [[{ lastName: 'Doe' }], [{ lastName: 'Jones' }]] }), true],
  // Null, empty string, numbers, booleans.
  ['empty string matches ""', { detail: { eventVersion: [''] } }, nulls, true],
  ['null matches a null field', { detail: { responseElements: [null] } }, nulls, true],
  ['"" does not match null', { detail: { responseElements: [''] } }, nulls, false],
  ['null does not match ""', { detail: { eventVersion: [null] } }, nulls, false],
  ['null does not match a missing field', { detail: { missing: [null] } }, nulls, false],
  ['numbers compare numerically (3.018e2 vs 301.8)', { detail: { 'x-limit': [3.018e2] } }, ruler, true],
  ['string "5" does not equal number 5', { detail: { 'c-count': ['5'] } }, ruler, false],
  ['boolean true matches true', { detail: { ok: [true] } }, d({ ok: true }), true],
  ['boolean true does not match "true"', { detail: { ok: [true] } }, d({ ok: 'true' }), false],
  // prefix / suffix / equals-ignore-case / wildcard.
  ['prefix on time', { time: [{ prefix: '2017-10-02' }] }, ruler, true],
  ['prefix mismatch', { region: [{ prefix: 'eu-' }] }, ruler, false],
  ['prefix is case sensitive', { source: [{ prefix: 'AWS.' }] }, ruler, false],
  ['prefix on a number never matches', { detail: { 'c-count': [{ prefix: '5' }] } }, ruler, false],
  ['prefix equals-ignore-case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, d({ service: 'eventbridge' }), true],
  ['suffix .png', { detail: { FileName: [{ suffix: '.png' }] } }, d({ FileName: 'image.png' }), true],
  ['suffix is case sensitive', { detail: { FileName: [{ suffix: '.png' }] } }, d({ FileName: 'image.PNG' }), false],
  ['suffix equals-ignore-case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, d({ FileName: 'image.PNG' }), true],
  ['equals-ignore-case match', { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, d({ Name: 'ALICE' }), true],
  ['equals-ignore-case mismatch', { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, d({ Name: 'Alicia' }), false],
  ['wildcard */lib/*', { detail: { FilePath: [{ wildcard: '*/lib/*' }] } }, d({ FilePath: 'dir/lib/file.js' }), true],
  ['wildcard star matches zero characters', { source: [{ wildcard: 'aws.*ec2' }] }, ruler, true],
  ['wildcard mismatch', { detail: { FilePath: [{ wildcard: 'dir/*.png' }] } }, d({ FilePath: 'dir/a.jpg' }), false],
  ['wildcard escaped star is literal', { detail: { k: [{ wildcard: 'a\\*b' }] } }, d({ k: 'a*b' }), true],
  ['wildcard escaped star does not match other text', { detail: { k: [{ wildcard: 'a\\*b' }] } }, d({ k: 'axb' }), false],
  ['wildcard treats regex characters literally (match)', { detail: { k: [{ wildcard: 'file.(1)*' }] } }, d({ k: 'file.(1).txt' }), true],
  ['wildcard treats regex characters literally (no match)', { detail: { k: [{ wildcard: 'file.(1)*' }] } }, d({ k: 'filex(1).txt' }), false],
  ['wildcard escaped backslash is a literal backslash', { detail: { k: [{ wildcard: 'C:\\\\*' }] } }, d({ k: 'C:\\Users' }), true],
  // anything-but.
  ['anything-but string, other value', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ruler, true],
  ['anything-but string, excluded value', { detail: { state: [{ 'anything-but': 'running' }] } }, ruler, false],
  ['anything-but does not match a missing field', { detail: { missing: [{ 'anything-but': 'x' }] } }, ruler, false],
  ['anything-but matches a null value', { detail: { responseElements: [{ 'anything-but': ['no-message'] }] } }, nulls, true],
  ['anything-but number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ruler, true],
  ['anything-but number list, excluded (3e2 == 300)', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, d({ 'x-limit': 3e2 }), false],
  ['anything-but string list, excluded', { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, ruler, false],
  ['anything-but prefix, excluded', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, d({ state: 'initializing' }), false],
  ['anything-but prefix, allowed', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ruler, true],
  ['anything-but suffix', { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, d({ FileName: 'a.jpg' }), true],
  ['anything-but equals-ignore-case list', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'RUNNING'] } }] } }, ruler, false],
  ['anything-but wildcard', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, d({ FilePath: 'dir/bin/x' }), true],
  ['anything-but on an event array: any element may qualify', { detail: { tags: [{ 'anything-but': 'a' }] } }, d({ tags: ['a', 'b'] }), true],
  // numeric.
  ['docs numeric example (all three fields)', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, ruler, true],
  ['numeric upper bound is inclusive/exclusive as written', { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } }, ruler, false],
  ['numeric lower bound excludes 0', { detail: { n: [{ numeric: ['>', 0] }] } }, d({ n: 0 }), false],
  ['numeric >= includes the bound', { detail: { n: [{ numeric: ['>=', 0] }] } }, d({ n: 0 }), true],
  ['numeric = 300 matches 3.0e2', { detail: { n: [{ numeric: ['=', 300] }] } }, d({ n: 3.0e2 }), true],
  ['numeric does not match a numeric string', { detail: { n: [{ numeric: ['>', 0] }] } }, d({ n: '5' }), false],
  ['numeric does not match a missing field', { detail: { n: [{ numeric: ['>', 0] }] } }, d({}), false],
  // exists.
  ['exists true, present', { detail: { 'c-count': [{ exists: true }] } }, ruler, true],
  ['exists true, missing', { detail: { nope: [{ exists: true }] } }, ruler, false],
  ['exists true, null value counts as present', { detail: { responseElements: [{ exists: true }] } }, nulls, true],
  ['exists true, object value is not a leaf', { detail: { 'c-count': [{ exists: true }] } }, d({ 'c-count': { c1: 100 } }), false],
  ['exists false, missing', { detail: { 'c-count': [{ exists: false }] } }, d({ state: 'running' }), true],
  ['exists false, present', { detail: { 'c-count': [{ exists: false }] } }, ruler, false],
  ['exists false, object value (docs: c-count is not a leaf)', { detail: { 'c-count': [{ exists: false }] } }, d({ 'c-count': { c1: 100 } }), true],
  ['exists false, whole parent missing', { detail: { 'c-count': [{ exists: false }] } }, envelope(undefined), true],
  ['exists false, null value is present', { detail: { responseElements: [{ exists: false }] } }, nulls, false],
  // $or.
  ['$or: second alternative matches', { source: ['aws.ec2'], $or: [{ region: ['eu-west-1'] }, { detail: { state: ['running'] } }] }, ruler, true],
  ['$or: no alternative matches', { $or: [{ region: ['eu-west-1'] }, { detail: { state: ['stopped'] } }] }, ruler, false],
  ['$or: sibling fails', { source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['x'] }] }, ruler, false],
  ['$or inside detail with an AND inside an alternative', { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [3], state: ['running'] }] } }, ruler, true],
  ['nested $or', { detail: { $or: [{ state: ['stopped'] }, { 'c-count': [5], $or: [{ 'd-count': [4] }, { 'x-limit': [301.8] }] }] } }, ruler, true],
  // This project's rules.
  ['project FAILED rule: failed event', failed, poller({ status: 'FAILED' }), true],
  ['project FAILED rule: completed event', failed, poller({ status: 'COMPLETED' }), false],
  ['project FAILED rule: other source', failed, poller({ status: 'FAILED' }, 'someone-else'), false],
  ['project invalid-records rule: 3 invalid records', completedWithInvalid, poller({ status: 'COMPLETED', batchPrediction: { invalidRecordCount: 3 } }), true],
  ['project invalid-records rule: 0 invalid records', completedWithInvalid, poller({ status: 'COMPLETED', batchPrediction: { invalidRecordCount: 0 } }), false],
  ['project invalid-records rule: count as a string', completedWithInvalid, poller({ status: 'COMPLETED', batchPrediction: { invalidRecordCount: '3' } }), false],
  ['project invalid-records rule: batchPrediction missing', completedWithInvalid, poller({ status: 'COMPLETED' }), false],
  ['project invalid-records rule: FAILED status', completedWithInvalid, poller({ status: 'FAILED', batchPrediction: { invalidRecordCount: 3 } }), false],
];

const invalidCases: Array<[string, unknown, RegExp]> = [
  ['scalar instead of array', { detail: { status: 'FAILED' } }, /^pattern at "detail\.status": expected an array of values or a nested object, got string "FAILED"$/],
  ['number instead of array', { version: 0 }, /"version": expected an array of values or a nested object, got number 0/],
  ['empty pattern', {}, /^pattern: must contain at least one field$/],
  ['empty nested object', { detail: {} }, /"detail": must contain at least one field/],
  ['empty array of values', { source: [] }, /"source": array of values must not be empty/],
  ['root is an array', [{ source: ['a'] }], /^pattern: must be a JSON object, got array$/],
  ['root is null', null, /must be a JSON object, got null/],
  ['nested array as a value', { source: [['a']] }, /"source\[0\]": expected a string, number, boolean, null or operator object, got array/],
  ['unknown operator', { source: [{ prefx: 'a' }] }, /"source\[0\]": unknown operator "prefx"/],
  ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator, got 2 \(prefix, suffix\)/],
  ['empty operator object', { source: [{}] }, /exactly one operator, got 0/],
  ['prefix with a number', { source: [{ prefix: 1 }] }, /"source\[0\]\.prefix": expected a string or \{"equals-ignore-case": string\}, got number 1/],
  ['prefix with an unknown nested operator', { source: [{ prefix: { 'ignore-case': 'a' } }] }, /"source\[0\]\.prefix": expected a string or/],
  ['equals-ignore-case with a number', { source: [{ 'equals-ignore-case': 5 }] }, /equals-ignore-case": expected a string, got number 5/],
  ['numeric operand is a string', { detail: { n: [{ numeric: ['>', '0'] }] } }, /operand of ">" must be a number, got string "0"/],
  ['numeric bad operator', { detail: { n: [{ numeric: ['!=', 0] }] } }, /unknown numeric operator "!="/],
  ['numeric odd length', { detail: { n: [{ numeric: ['>', 0, '<'] }] } }, /expected \[operator, number\]/],
  ['numeric not an array', { detail: { n: [{ numeric: 5 }] } }, /"detail\.n\[0\]\.numeric": expected \[operator, number\]/],
  ['numeric two lower bounds', { detail: { n: [{ numeric: ['>', 0, '>=', 5] }] } }, /lower bound \(> or >=\) followed by an upper bound/],
  ['numeric bounds in the wrong order', { detail: { n: [{ numeric: ['<', 5, '>', 0] }] } }, /lower bound \(> or >=\) followed by an upper bound/],
  ['numeric empty range', { detail: { n: [{ numeric: ['>', 5, '<', 5] }] } }, /lower bound 5 must be less than upper bound 5/],
  ['numeric too many terms', { detail: { n: [{ numeric: ['>', 0, '<', 5, '=', 3] }] } }, /at most one lower bound and one upper bound/],
  ['exists with a string', { detail: { n: [{ exists: 'true' }] } }, /exists": expected true or false, got string "true"/],
  ['cidr is not supported locally', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, /"detail\.ip\[0\]\.cidr": "cidr" \(IP address matching\) is not supported/],
  ['wildcard with consecutive stars', { source: [{ wildcard: 'a**b' }] }, /consecutive wildcard characters at position 1/],
  ['wildcard with a bad escape', { source: [{ wildcard: 'a\\b' }] }, /backslash at position 1 must escape/],
  ['anything-but mixed list', { source: [{ 'anything-but': ['a', 1] }] }, /anything-but": list must contain only strings or only numbers/],
  ['anything-but null', { source: [{ 'anything-but': null }] }, /anything-but": expected a string, a number, a list of them, or an operator object, got null/],
  ['anything-but exists', { source: [{ 'anything-but': { exists: true } }] }, /anything-but": object must have exactly one of prefix, suffix, equals-ignore-case, wildcard, got exists/],
  ['anything-but empty list', { source: [{ 'anything-but': [] }] }, /anything-but": list must not be empty/],
  ['anything-but empty prefix', { source: [{ 'anything-but': { prefix: '' } }] }, /anything-but\.prefix": expected a non-empty string/],
  ['anything-but equals-ignore-case with a number', { source: [{ 'anything-but': { 'equals-ignore-case': [1] } }] }, /expected a string or a list of strings, got number 1/],
  ['$or with one alternative', { $or: [{ source: ['a'] }] }, /"\$or": "\$or" needs an array of at least two alternative objects/],
  ['$or alternative not an object', { $or: [{ source: ['a'] }, ['b']] }, /"\$or\[1\]": "\$or" alternative must be an object, got array/],
  ['error inside a $or alternative names its path', { detail: { $or: [{ a: ['x'] }, { b: 'y' }] } }, /"detail\.\$or\[1\]\.b": expected an array/],
];

describe('matchesEventPattern', () => {
  it.each(matchCases)('%s', (_name, pattern, event, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('throws instead of silently not matching when the pattern is invalid', () => {
    expect(() => matchesEventPattern({ source: 'aws.ec2' }, ruler)).toThrow(EventPatternError);
  });
});

describe('validateEventPattern', () => {
  it.each(invalidCases)('rejects: %s', (_name, pattern, message) => {
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
    ['docs complex example', { time: [{ prefix: '2017-10-02' }], detail: { state: [{ 'anything-but': 'initializing' }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }],
  ])('accepts: %s', (_name, pattern) => {
    expect(() => validateEventPattern(pattern)).not.toThrow();
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
