/**
 * EventBridge event-pattern validation and matching for the local runtime.
 *
 * Semantics follow the Amazon EventBridge user guide ("Amazon EventBridge event patterns",
 * "Content filtering in Amazon EventBridge event patterns", "Arrays in event patterns",
 * "Matching null values and empty strings") and, where the guide is silent, the behaviour
 * of aws/event-ruler, the engine EventBridge uses. Nothing here depends on anything but the
 * JavaScript runtime, so the local runtime can route events exactly as the deployed rule would.
 */

/** An event pattern in object form, as in the `EventPattern` of a CloudFormation `AWS::Events::Rule`. */
export type EventPattern = { [key: string]: unknown };

/** Thrown when a pattern is not a valid EventBridge event pattern; message names the path and the problem. */
export class EventPatternError extends Error {
  /** @param message - what is wrong and where, e.g. `pattern at "detail.status": ...`. */
  constructor(message: string) {
    super(message);
    this.name = 'EventPatternError';
  }
}

type JsonObject = Record<string, unknown>;

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];
const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='];
const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Describes a value for error messages, e.g. `string "FAILED"`, `number 5`, `array`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

function fail(path: string, problem: string): never {
  throw new EventPatternError(`${path ? `pattern at "${path}"` : 'pattern'}: ${problem}`);
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/**
 * Validates a pattern (object form, as in a CloudFormation AWS::Events::Rule EventPattern) and
 * throws EventPatternError naming what is wrong (e.g. `pattern at "detail.status": expected an
 * array of values or a nested object, got string "FAILED"`).
 */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  if (isObject(pattern) && validPatterns.has(pattern)) return;
  if (!isObject(pattern)) fail('', `must be a JSON object, got ${describe(pattern)}`);
  validateFields(pattern, '');
  validPatterns.add(pattern);
}

/**
 * Patterns already found valid: a rule's pattern is matched against every event, and walking it
 * again each time is most of the matcher's cost. (Patterns are data from a template or a file and
 * are not changed after they are loaded.)
 */
const validPatterns = new WeakSet<object>();

/** Parses a JSON string, then validates; a JSON syntax error is also an EventPatternError. */
export function parseEventPattern(json: string): EventPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new EventPatternError(`pattern is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  validateEventPattern(parsed);
  return parsed;
}

function validateFields(fields: JsonObject, path: string): void {
  const keys = Object.keys(fields);
  // EventBridge refuses a rule whose pattern selects nothing; an empty nested object is the same mistake.
  if (keys.length === 0) fail(path, 'must contain at least one field');
  for (const key of keys) {
    const value = fields[key];
    const at = join(path, key);
    if (key === '$or') validateOr(value, at);
    else if (Array.isArray(value)) validateValues(value, at);
    else if (isObject(value)) validateFields(value, at);
    else fail(at, `expected an array of values or a nested object, got ${describe(value)}`);
  }
}

function validateOr(value: unknown, path: string): void {
  // event-ruler only treats "$or" as OR when it holds two or more objects; anything else is a mistake.
  if (!Array.isArray(value) || value.length < 2) {
    fail(path, `"$or" needs an array of at least two alternative objects, got ${describe(value)}`);
  }
  (value as unknown[]).forEach((alternative, i) => {
    if (!isObject(alternative)) fail(`${path}[${i}]`, `"$or" alternative must be an object, got ${describe(alternative)}`);
    validateFields(alternative, `${path}[${i}]`);
  });
}

function validateValues(values: unknown[], path: string): void {
  if (values.length === 0) fail(path, 'array of values must not be empty');
  values.forEach((value, i) => validateMatcher(value, `${path}[${i}]`));
}

function validateMatcher(matcher: unknown, path: string): void {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean') return;
  if (typeof matcher === 'number') {
    if (!Number.isFinite(matcher)) fail(path, `number must be finite, got ${describe(matcher)}`);
    return;
  }
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
      if (typeof arg === 'string') return;
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') return;
      return fail(at, `expected a string or {"equals-ignore-case": string}, got ${describe(arg)}`);
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail(at, `expected a string, got ${describe(arg)}`);
      return;
    case 'wildcard':
      return validateWildcard(arg, at);
    case 'anything-but':
      return validateAnythingBut(arg, at);
    case 'numeric':
      return validateNumeric(arg, at);
    case 'exists':
      if (typeof arg !== 'boolean') fail(at, `expected true or false, got ${describe(arg)}`);
      return;
    case 'cidr':
      return fail(at, '"cidr" (IP address matching) is not supported by the local event-pattern matcher');
    default:
      return fail(path, `unknown operator "${op}" (expected one of ${OPERATORS.join(', ')})`);
  }
}

function validateWildcard(arg: unknown, path: string): void {
  if (typeof arg !== 'string') fail(path, `expected a string, got ${describe(arg)}`);
  for (let i = 0; i < arg.length; i++) {
    if (arg[i] === '\\') {
      // event-ruler allows a backslash only to escape "*" or another backslash.
      if (arg[i + 1] !== '*' && arg[i + 1] !== '\\') {
        fail(path, `backslash at position ${i} must escape "*" or "\\"`);
      }
      i++;
    } else if (arg[i] === '*' && arg[i + 1] === '*') {
      fail(path, `consecutive wildcard characters at position ${i} are not allowed`);
    }
  }
}

function validateAnythingBut(arg: unknown, path: string): void {
  if (typeof arg === 'string') return;
  if (typeof arg === 'number' && Number.isFinite(arg)) return;
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail(path, 'list must not be empty');
    const allStrings = arg.every((v) => typeof v === 'string');
    const allNumbers = arg.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!allStrings && !allNumbers) fail(path, 'list must contain only strings or only numbers');
    return;
  }
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    const [op] = keys;
    if (keys.length !== 1 || !ANYTHING_BUT_OPERATORS.includes(op)) {
      fail(path, `object must have exactly one of ${ANYTHING_BUT_OPERATORS.join(', ')}, got ${keys.join(', ') || 'none'}`);
    }
    const inner = arg[op];
    const at = join(path, op);
    if (op === 'prefix' || op === 'suffix') {
      if (typeof inner !== 'string' || inner === '') fail(at, `expected a non-empty string, got ${describe(inner)}`);
      return;
    }
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length === 0) fail(at, 'list must not be empty');
    for (const item of list) {
      if (op === 'wildcard') validateWildcard(item, at);
      else if (typeof item !== 'string') fail(at, `expected a string or a list of strings, got ${describe(item)}`);
    }
    return;
  }
  fail(path, `expected a string, a number, a list of them, or an operator object, got ${describe(arg)}`);
}

function validateNumeric(value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length === 0 || value.length % 2 !== 0) {
    fail(path, `expected [operator, number] or [lower-op, number, upper-op, number], got ${JSON.stringify(value)}`);
  }
  const arg: unknown[] = value;
  if (arg.length > 4) fail(path, 'at most one lower bound and one upper bound are allowed');
  for (let i = 0; i < arg.length; i += 2) {
    const [op, operand] = [arg[i], arg[i + 1]];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.includes(op)) {
      fail(path, `unknown numeric operator ${JSON.stringify(op)} (expected one of ${NUMERIC_OPERATORS.join(' ')})`);
    }
    if (typeof operand !== 'number' || !Number.isFinite(operand)) {
      fail(path, `operand of "${op}" must be a number, got ${describe(operand)}`);
    }
  }
  if (arg.length === 4) {
    // Like EventBridge, a range must be written lower bound first, then upper bound.
    const [lowOp, low, highOp, high] = arg as [string, number, string, number];
    if (!['>', '>='].includes(lowOp) || !['<', '<='].includes(highOp)) {
      fail(path, 'a range must be a lower bound (> or >=) followed by an upper bound (< or <=)');
    }
    if (low >= high) fail(path, `lower bound ${low} must be less than upper bound ${high}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/**
 * True when the event (EventBridge envelope: version, id, detail-type, source, account, time,
 * region, resources, detail) matches the pattern.
 *
 * @throws EventPatternError when the pattern is invalid, so a typo never silently matches nothing.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  validateEventPattern(pattern);
  return matchNested(pattern, event);
}

/** Arrays in events are "crushed out": nested arrays become one flat list of elements. */
function flatten(value: unknown[]): unknown[] {
  return value.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

/**
 * Matches a nested pattern object. When the event holds an array of objects here, one element
 * must satisfy all the fields, so fields from different elements never combine (event-ruler's
 * array-consistent matching). An empty array holds no fields, just like a missing value.
 */
function matchNested(pattern: JsonObject, value: unknown): boolean {
  if (!Array.isArray(value)) return matchFields(pattern, value);
  const elements = flatten(value);
  return elements.length === 0 ? matchFields(pattern, undefined) : elements.some((e) => matchFields(pattern, e));
}

function matchFields(pattern: JsonObject, value: unknown): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    // "$or" alternatives are evaluated against the same object as their siblings (AND of siblings, OR of alternatives).
    if (key === '$or') return (sub as JsonObject[]).some((alternative) => matchFields(alternative, value));
    // A missing parent is treated like a missing leaf so that {"exists": false} still matches below it.
    const child = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    return Array.isArray(sub) ? matchLeaf(sub, child) : matchNested(sub as JsonObject, child);
  });
}

/**
 * The leaf values of an event field: scalars and null. Objects are intermediate nodes, not leaves,
 * which is why the docs say {"exists": false} matches a field whose value is an object.
 */
function leafValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? flatten(value) : [value]).filter((v) => !isObject(v) && v !== undefined);
}

function matchLeaf(matchers: unknown[], value: unknown): boolean {
  const leaves = leafValues(value);
  return matchers.some((matcher) => {
    // exists is about presence alone; a null value is present (EventBridge matches it with exists: true).
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === leaves.length > 0;
    // Every other matcher, anything-but included, needs a value: a missing field never matches.
    return leaves.some((leaf) => matchValue(matcher, leaf));
  });
}

function matchValue(matcher: unknown, value: unknown): boolean {
  // Exact match: numbers compare numerically (300 === 3.0e2), strings never equal numbers, null only null.
  if (!isObject(matcher)) return matcher === value;
  const [[op, arg]] = Object.entries(matcher);
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof value === 'string' && matchString(op, arg, value);
    case 'numeric':
      // Numeric matching only works on JSON numbers; the string "5" is not a number.
      return typeof value === 'number' && inRange(arg as unknown[], value);
    case 'anything-but':
      return !isExcluded(arg, value);
    default:
      return false;
  }
}

function matchString(op: string, arg: unknown, value: string): boolean {
  if (op === 'wildcard') return wildcardRegExp(arg as string).test(value);
  if (op === 'equals-ignore-case') return value.toLowerCase() === (arg as string).toLowerCase();
  const ignoreCase = isObject(arg);
  const needle = ignoreCase ? (arg['equals-ignore-case'] as string) : (arg as string);
  const [hay, pin] = ignoreCase ? [value.toLowerCase(), needle.toLowerCase()] : [value, needle];
  return op === 'prefix' ? hay.startsWith(pin) : hay.endsWith(pin);
}

/** Whether anything-but's argument covers the value; a value that is not excluded (null included) matches. */
function isExcluded(arg: unknown, value: unknown): boolean {
  if (Array.isArray(arg)) return arg.includes(value);
  if (!isObject(arg)) return arg === value;
  const [[op, inner]] = Object.entries(arg);
  if (typeof value !== 'string') return false; // string operators cannot cover numbers, booleans or null
  return (Array.isArray(inner) ? inner : [inner]).some((item) => matchString(op, item, value));
}

function inRange(terms: unknown[], value: number): boolean {
  for (let i = 0; i < terms.length; i += 2) {
    if (!compare(terms[i] as string, value, terms[i + 1] as number)) return false;
  }
  return true;
}

function compare(op: string, value: number, bound: number): boolean {
  switch (op) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    default:
      return value >= bound;
  }
}

const wildcardCache = new Map<string, RegExp>();

/** Compiles a wildcard: "*" matches zero or more characters, "\*" a literal star, "\\" a backslash. */
function wildcardRegExp(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (!re) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i] === '\\' ? pattern[++i] : pattern[i] === '*' ? null : pattern[i];
      source += c === null ? '[\\s\\S]*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`);
    wildcardCache.set(pattern, re);
  }
  return re;
}
