/**
 * EventBridge event-pattern validation and matching for the local runtime.
 *
 * Semantics follow the Amazon EventBridge user guide ("Amazon EventBridge event patterns",
 * "Comparison operators for use in event patterns", "Content filtering", "Arrays in event
 * patterns", "Matching null values and empty strings") and, where the guide is silent, aws/event-ruler,
 * the engine EventBridge uses (its README, `JsonRuleCompiler`, `CIDR` and `MachineComplexityEvaluator`).
 * A pattern is compiled once, as event-ruler's JsonRuleCompiler compiles it: every `$or` multiplied
 * out into alternatives (sub-rules), each a tree of the fields it constrains (dotted keys split into
 * the nested path they stand for, operators pre-parsed); an event matches if any alternative does.
 * Nothing here depends on anything but the JavaScript runtime, so the local runtime routes events
 * exactly as the deployed rule would.
 */

import { checkWildcardComplexity, orCombinations } from './event-pattern-complexity';
import {
  type EventPattern,
  EventPatternError,
  type JsonObject,
  MAX_OR_COMBINATIONS,
  type Matcher,
  type Node,
  copyNode,
  describe,
  fail,
  isObject,
  join,
  newNode,
} from './event-pattern-model';
import { parseIp, textTest, wildcardRegExp } from './event-pattern-values';
import { ExactNumberText, parseJsonKeepingNumberText } from './json-number-text';

/**
 * The match-expression operators: the user guide's, and `exactly`, event-ruler's spelling of a plain
 * string match (JsonRuleCompiler, Constants.EXACT_MATCH), which EventBridge compiles with it.
 */
const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr', 'exactly'];
const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];
/**
 * Field names event-ruler refuses inside a `$or` alternative (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP),
 * so that an operator object written one level too high is an error rather than a field name.
 */
const RESERVED_IN_OR = new Set([
  ...OPERATORS,
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * Patterns already compiled (their alternatives): a rule's pattern is matched against every event,
 * and compiling it is most of the cost. Keyed weakly by the pattern object, so an entry lives as
 * long as its pattern and holds nothing of a run (the compiled form depends on the pattern alone).
 */
const compiled = new WeakMap<object, readonly Node[]>();

/**
 * Validates a pattern (object form, as in a CloudFormation AWS::Events::Rule EventPattern) and
 * throws EventPatternError naming what is wrong (e.g. `pattern at "detail.status": expected an
 * array of values or a nested object, got string "FAILED"`). Compiles it once for matching.
 */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  compile(pattern);
}

export function compile(pattern: unknown): readonly Node[] {
  const cached = isObject(pattern) ? compiled.get(pattern) : undefined;
  if (cached) return cached;
  if (!isObject(pattern)) fail('', `must be a JSON object, got ${describe(pattern)}`);
  const combinations = orCombinations(pattern);
  if (combinations > MAX_OR_COMBINATIONS) {
    fail(
      '',
      `Rule is too complex: it contains ${combinations} rule combinations, more than the ${MAX_OR_COMBINATIONS} EventBridge allows (each "$or" multiplies them by its length); split it into several rules`,
    );
  }
  let alternatives: Node[];
  try {
    alternatives = compileAlternatives(pattern, true);
  } catch (error) {
    // Like EventBridge (event-ruler's GenericMachine.addRule), a pattern that does not compile with
    // "$or" as the OR operator is compiled again with "$or" as a plain field name; if that fails
    // too, the first, clearer reason is the one reported.
    if (!(error instanceof EventPatternError)) throw error;
    try {
      alternatives = compileAlternatives(pattern, false);
    } catch {
      throw error;
    }
  }
  checkWildcardComplexity(alternatives);
  compiled.set(pattern, alternatives);
  return alternatives;
}

function compileAlternatives(pattern: JsonObject, orIsOperator: boolean): Node[] {
  const alternatives = [newNode()];
  compileFields(pattern, '', [], alternatives, false, orIsOperator);
  return alternatives;
}

/**
 * Parses a JSON string, then validates; a JSON syntax error is also an EventPatternError. Numbers
 * keep their text where a double would change them (see `json-number-text.ts`).
 */
export function parseEventPattern(json: string): EventPattern {
  let parsed: unknown;
  try {
    parsed = parseJsonKeepingNumberText(json);
  } catch (err) {
    throw new EventPatternError(`pattern is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  validateEventPattern(parsed);
  return parsed;
}

/**
 * The node at a path below `root`, made as needed. event-ruler joins path steps with ".", so
 * `{"state.status": [...]}` and `{"state": {"status": [...]}}` are the same path (README, "Compiled
 * rules and JSON keys with dots"): steps are the keys split at their dots.
 */
function nodeAt(root: Node, steps: readonly string[]): Node {
  let at = root;
  for (const step of steps) {
    let next = at.children.get(step);
    if (!next) {
      next = newNode();
      at.children.set(step, next);
    }
    at = next;
  }
  return at;
}

/**
 * Compiles the fields of one object of the pattern into every alternative made so far, in document
 * order as event-ruler does: a leaf written twice (inside and outside a `$or`) keeps the last value.
 */
function compileFields(
  fields: JsonObject,
  path: string,
  steps: readonly string[],
  alternatives: Node[],
  insideOr: boolean,
  orIsOperator: boolean,
): void {
  const keys = Object.keys(fields);
  // event-ruler: "Empty objects are not allowed"; a pattern that selects nothing is a mistake.
  if (keys.length === 0) fail(path, 'must contain at least one field');
  for (const key of keys) {
    const value = fields[key];
    const at = join(path, key);
    if (key === '$or' && orIsOperator) {
      compileOr(value, at, steps, alternatives);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(
        at,
        `"${key}" is a reserved operator name and cannot be a field inside "$or"; put the operator inside a field's array, e.g. {"field": [{"${key}": ...}]}`,
      );
    }
    const below = [...steps, ...key.split('.')];
    if (Array.isArray(value)) {
      const matchers = compileValues(value, at);
      for (const alternative of alternatives) nodeAt(alternative, below).leaf = matchers;
    } else if (isObject(value)) compileFields(value, at, below, alternatives, insideOr, orIsOperator);
    else fail(at, `expected an array of values or a nested object, got ${describe(value)}`);
  }
}

/** A `$or`: every alternative so far is forked once per member object, and each fork gets that member's fields. */
function compileOr(value: unknown, path: string, steps: readonly string[], alternatives: Node[]): void {
  if (!Array.isArray(value)) fail(path, `"$or" needs an array of at least two alternative objects, got ${describe(value)}`);
  const before = alternatives.splice(0, alternatives.length);
  value.forEach((member, i) => {
    if (!isObject(member)) fail(`${path}[${i}]`, `"$or" alternative must be an object, got ${describe(member)}`);
    const forked = before.map(copyNode);
    compileFields(member, `${path}[${i}]`, steps, forked, true, true);
    alternatives.push(...forked);
  });
  // event-ruler only treats "$or" as OR when it holds two or more objects.
  if (value.length < 2) fail(path, `"$or" needs an array of at least two alternative objects, got ${value.length}`);
}

function compileValues(values: unknown[], path: string): Matcher[] {
  // event-ruler: "Empty arrays are not allowed".
  if (values.length === 0) fail(path, 'array of values must not be empty');
  return values.map((value, i) => compileMatcher(value, `${path}[${i}]`));
}

function compileMatcher(matcher: unknown, path: string): Matcher {
  if (typeof matcher === 'string') {
    // event-ruler turns a string that is an IP address into an address match, so "2001:db8::1"
    // also matches "2001:0DB8:0:0:0:0:0:1" (JsonRuleCompiler.writeRules, CIDR.ipToRangeIfPossible).
    const ip = parseIp(matcher);
    return ip === undefined ? { kind: 'exact', value: matcher } : { kind: 'ip', low: ip.value, high: ip.value, bytes: ip.bytes };
  }
  if (matcher === null || typeof matcher === 'boolean') return { kind: 'exact', value: matcher };
  // event-ruler matches a number it cannot compare by its text alone (JsonRuleCompiler: the
  // numericEquals it tries first fails, the exactMatch on the text stays).
  if (matcher instanceof ExactNumberText) return { kind: 'exact-number-text', text: matcher.text };
  if (typeof matcher === 'number') return { kind: 'exact', value: finite(matcher, path) };
  if (!isObject(matcher)) {
    fail(path, `expected a string, number, boolean, null or operator object, got ${describe(matcher)}`);
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    fail(path, `a match expression needs exactly one operator, got ${keys.length} (${keys.join(', ') || 'none'})`);
  }
  const [op] = keys;
  const arg = matcher[op];
  const at = join(path, op);
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return { kind: 'text', test: textTest(op, arg, false) };
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
        return { kind: 'text', test: textTest(op, arg['equals-ignore-case'], true) };
      }
      return fail(
        at,
        `expected a string or {"equals-ignore-case": string}, got ${isObject(arg) ? `{${Object.keys(arg).join(', ')}}` : describe(arg)}`,
      );
    case 'exactly':
      // Unlike a plain string value, never read as an IP address: it matches this exact text only.
      if (typeof arg !== 'string') fail(at, `expected a string, got ${describe(arg)}`);
      return { kind: 'exact', value: arg };
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail(at, `expected a string, got ${describe(arg)}`);
      return { kind: 'text', test: textTest(op, arg, true) };
    case 'wildcard': {
      const text = checkWildcard(arg, at);
      return { kind: 'wildcard', text, re: wildcardRegExp(text) };
    }
    case 'anything-but':
      return compileAnythingBut(arg, at);
    case 'numeric':
      return { kind: 'numeric', terms: compileNumeric(arg, at) };
    case 'exists':
      if (typeof arg !== 'boolean') fail(at, `expected true or false, got ${describe(arg)}`);
      return { kind: 'exists', exists: arg };
    case 'cidr':
      return compileCidr(arg, at);
    default:
      return fail(path, `unknown operator "${op}" (expected one of ${OPERATORS.join(', ')})`);
  }
}

function finite(n: number, path: string): number {
  if (!Number.isFinite(n)) fail(path, `number must be finite, got ${describe(n)}`);
  return n;
}

function checkWildcard(arg: unknown, path: string): string {
  if (typeof arg !== 'string') fail(path, `expected a string, got ${describe(arg)}`);
  for (let i = 0; i < arg.length; i++) {
    if (arg[i] === '\\') {
      // event-ruler's WildcardParser: a backslash may only escape "*" or another backslash.
      if (arg[i + 1] !== '*' && arg[i + 1] !== '\\') fail(path, `backslash at position ${i} must escape "*" or "\\"`);
      i++;
    } else if (arg[i] === '*' && arg[i + 1] === '*') {
      fail(path, `consecutive wildcard characters at position ${i} are not allowed`);
    }
  }
  return arg;
}

/**
 * event-ruler compares a numeric operand only if it is exactly a double (ComparableNumber.generate
 * throws "Cannot compare number" otherwise), so a pattern that needs one to be is refused.
 */
function comparable(value: unknown, path: string): void {
  if (value instanceof ExactNumberText)
    fail(
      path,
      `Cannot compare number : ${value.text} (no double holds it exactly; write a number a double holds, e.g. ${Number(value.text)})`,
    );
}

function compileAnythingBut(arg: unknown, path: string): Matcher {
  comparable(arg, path);
  if (Array.isArray(arg)) for (const item of arg) comparable(item, path);
  if (typeof arg === 'string') return { kind: 'anything-but', values: [arg] };
  if (typeof arg === 'number') return { kind: 'anything-but', values: [finite(arg, path)] };
  if (Array.isArray(arg)) {
    const allStrings = arg.every((v) => typeof v === 'string');
    const allNumbers = arg.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (arg.length === 0) fail(path, 'list must not be empty');
    // event-ruler: "Inside anything but list, either all values are number or string, mixed type is not supported".
    if (!allStrings && !allNumbers)
      fail(path, 'list must contain only strings or only numbers (null, booleans and objects are not supported)');
    return { kind: 'anything-but', values: arg as (string | number)[] };
  }
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    const [op] = keys;
    if (keys.length !== 1 || !ANYTHING_BUT_OPERATORS.includes(op)) {
      fail(path, `object must have exactly one of ${ANYTHING_BUT_OPERATORS.join(', ')}, got ${keys.join(', ') || 'none'}`);
    }
    const inner = arg[op];
    const at = join(path, op);
    // Lists of prefixes, suffixes, wildcards and ignore-case values are accepted, as event-ruler does
    // (README "Anything-but prefix list", "Anything-but suffix list", "Anything-but wildcard list").
    const list = Array.isArray(inner) ? inner : [inner];
    // event-ruler accepts an empty list here and then fails evaluating the rule; there is no behaviour to copy.
    if (list.length === 0) fail(at, 'list must not be empty');
    const texts = list.map((item) => {
      if (typeof item !== 'string') fail(at, `expected a string or a list of strings, got ${describe(item)}`);
      if ((op === 'prefix' || op === 'suffix') && item === '')
        fail(at, `expected a non-empty string (an empty ${op} would exclude every string)`);
      return op === 'wildcard' ? checkWildcard(item, at) : item;
    });
    return { kind: 'anything-but-string', op, texts, tests: texts.map((text) => textTest(op, text, op === 'equals-ignore-case')) };
  }
  return fail(path, `expected a string, a number, a list of them, or an operator object, got ${describe(arg)}`);
}

/** event-ruler's numeric grammar: `= n`, `< n`, `<= n`, `> n` or `>= n`, the last two optionally followed by `< n` or `<= n`. */
function compileNumeric(value: unknown, path: string): (readonly [string, number])[] {
  const shape = 'expected [operator, number] or [">" or ">=", number, "<" or "<=", number]';
  if (!Array.isArray(value) || value.length === 0 || value.length % 2 !== 0) fail(path, `${shape}, got ${JSON.stringify(value)}`);
  if (value.length > 4) fail(path, 'at most one lower bound and one upper bound are allowed');
  const terms: (readonly [string, number])[] = [];
  for (let i = 0; i < value.length; i += 2) {
    const [op, operand] = [value[i] as unknown, value[i + 1] as unknown];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op)) {
      fail(path, `unknown numeric operator ${JSON.stringify(op)} (expected one of = < <= > >=)`);
    }
    comparable(operand, path);
    if (typeof operand !== 'number' || !Number.isFinite(operand))
      fail(path, `operand of "${op}" must be a number, got ${describe(operand)}`);
    terms.push([op, operand]);
  }
  if (terms.length === 2) {
    const [[lowOp, low], [highOp, high]] = terms;
    // Like EventBridge, a range must be written lower bound first, then upper bound.
    if (!['>', '>='].includes(lowOp) || !['<', '<='].includes(highOp)) {
      fail(path, 'a range must be a lower bound (> or >=) followed by an upper bound (< or <=)');
    }
    // event-ruler's Range: "Bottom must be less than top".
    if (low >= high) fail(path, `lower bound ${low} must be less than upper bound ${high}`);
  }
  return terms;
}

function compileCidr(arg: unknown, path: string): Matcher {
  if (typeof arg !== 'string') fail(path, `expected a string such as "10.0.0.0/24", got ${describe(arg)}`);
  const parts = arg.split('/');
  if (parts.length !== 2) fail(path, `malformed CIDR ${JSON.stringify(arg)}: exactly one "/" required`);
  const [address, maskText] = parts;
  if (!/^-?\d+$/.test(maskText)) fail(path, `malformed CIDR ${JSON.stringify(arg)}: mask bits must be an integer`);
  const maskBits = Number(maskText);
  if (maskBits < 0) fail(path, `malformed CIDR ${JSON.stringify(arg)}: mask bits must not be negative`);
  const ip = parseIp(address);
  if (ip === undefined) fail(path, `malformed CIDR ${JSON.stringify(arg)}: ${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
  const totalBits = ip.bytes * 8;
  // event-ruler's CIDR.cidr: "IPv4 mask bits must be < 32", "IPv6 mask bits must be < 128".
  if (maskBits >= totalBits)
    fail(path, `malformed CIDR ${JSON.stringify(arg)}: ${ip.bytes === 4 ? 'IPv4' : 'IPv6'} mask bits must be < ${totalBits}`);
  // Host bits set below the mask are allowed: the range starts at the network address (event-ruler floors it).
  const hostBits = BigInt(totalBits - maskBits);
  const hostMask = (1n << hostBits) - 1n;
  const low = ip.value & ~hostMask;
  return { kind: 'ip', low, high: low | hostMask, bytes: ip.bytes };
}
