/**
 * Table-driven tests for the local EventBridge event-pattern compiler: what it refuses and why,
 * wildcard complexity, parsing (the matching tables are in event-pattern-matching*.test.ts). Most rows come from the
 * examples in the EventBridge user guide (event patterns, content filtering, arrays, null values)
 * and the aws/event-ruler README; the last rows are the patterns this project deploys.
 */
import { parseEventPattern, validateEventPattern } from '../../local/core/event-pattern-compiler';
import { wildcardComplexity } from '../../local/core/event-pattern-complexity';
import { matchesEventPattern } from '../../local/core/event-pattern-matcher';
import { type EventPattern, EventPatternError } from '../../local/core/event-pattern-model';
import {
  ruler,
  failed,
  completedWithInvalid,
  STRING_OPS,
  ANYTHING_BUT,
  NUMERIC,
  EXISTS,
  CIDR,
  COMPILER,
  OR_LIMIT,
} from './support/event-pattern-fixtures';

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
