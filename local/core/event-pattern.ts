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

/**
 * How many rule combinations a pattern's `$or`s may make. EventBridge refuses a pattern with more
 * ("Event pattern contains more than 1000 rule combinations"), counting the product of the lengths
 * of every `$or` array, nested ones included (as issue 13 has it, and as ministack's emulator records
 * AWS's wording), which is never fewer than the alternatives event-ruler compiles the pattern into.
 */
export const MAX_OR_COMBINATIONS = 1000;

/**
 * The highest wildcard complexity accepted on one field: the most wildcard-pattern prefixes one
 * value can match at once (event-ruler's `MachineComplexityEvaluator`). EventBridge rejects more
 * with "Rule is too complex" but does not publish its threshold. 10 is the per-rule figure of
 * event-ruler's README ("limit each single-rule machine to complexity of 10"), and it fits what
 * EventBridge did in vals-ai/Valkyrie#278: three `*:stack/NAME/*` wildcards on one field (complexity
 * 9 here) were accepted, four (12) refused as "Rule is too complex".
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

type JsonObject = Record<string, unknown>;

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
// The compiled form
// ---------------------------------------------------------------------------------------------

/** One value matcher of a leaf, pre-parsed. */
type Matcher =
  | { readonly kind: 'exact'; readonly value: string | number | boolean | null }
  | { readonly kind: 'ip'; readonly low: bigint; readonly high: bigint; readonly bytes: number }
  | { readonly kind: 'text'; readonly test: (value: string) => boolean }
  | { readonly kind: 'wildcard'; readonly text: string; readonly re: RegExp }
  | { readonly kind: 'numeric'; readonly terms: readonly (readonly [string, number])[] }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'anything-but'; readonly values: readonly (string | number)[] }
  | {
      readonly kind: 'anything-but-string';
      readonly op: string;
      readonly texts: readonly string[];
      readonly tests: readonly ((value: string) => boolean)[];
    };

/**
 * A node of one compiled alternative: the matchers for the value at this path (when the pattern
 * names it as a leaf) and the fields below it.
 */
interface Node {
  leaf?: Matcher[];
  readonly children: Map<string, Node>;
}

const newNode = (): Node => ({ children: new Map() });

/** A copy of an alternative's tree to fork a `$or` from (matchers are never changed, so they are shared). */
function copyNode(node: Node): Node {
  return { leaf: node.leaf, children: new Map([...node.children].map(([key, child]) => [key, copyNode(child)])) };
}

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

function compile(pattern: unknown): readonly Node[] {
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

/** The product of the lengths of every `$or` array in the pattern, as EventBridge counts rule combinations. */
function orCombinations(value: unknown): number {
  let product = 1;
  if (Array.isArray(value)) for (const item of value) product *= orCombinations(item);
  else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$or' && Array.isArray(child)) product *= Math.max(child.length, 1);
      product *= orCombinations(child);
      if (product > MAX_OR_COMBINATIONS) return product;
    }
  }
  return product;
}

function compileAlternatives(pattern: JsonObject, orIsOperator: boolean): Node[] {
  const alternatives = [newNode()];
  compileFields(pattern, '', [], alternatives, false, orIsOperator);
  return alternatives;
}

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

function compileAnythingBut(arg: unknown, path: string): Matcher {
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

/**
 * An IPv4 or IPv6 address literal as a number, or undefined. Like event-ruler (which uses Java's
 * InetAddress), an IPv4-mapped IPv6 address (`::ffff:a00:1`) is the IPv4 address it maps.
 */
function parseIp(text: string): { value: bigint; bytes: 4 | 16 } | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const octets = text.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), bytes: 4 };
  }
  if (!/^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (value >> 32n === 0xffffn) return { value: value & 0xffffffffn, bytes: 4 };
  return { value, bytes: 16 };
}

// ---------------------------------------------------------------------------------------------
// Wildcard complexity ("Rule is too complex")
// ---------------------------------------------------------------------------------------------

/** Every path's wildcard patterns (plain and anything-but) in one alternative, added to `into`. */
function wildcardsByPath(node: Node, path: string, into: Map<string, string[]>): Map<string, string[]> {
  for (const m of node.leaf ?? []) {
    const texts = m.kind === 'wildcard' ? [m.text] : m.kind === 'anything-but-string' && m.op === 'wildcard' ? m.texts : [];
    if (texts.length > 0) into.set(path, [...(into.get(path) ?? []), ...texts]);
  }
  for (const [key, child] of node.children) wildcardsByPath(child, join(path, key), into);
  return into;
}

/** The tokens of a wildcard: literal characters, and null for an unescaped "*". */
function tokensOf(text: string): (string | null)[] {
  const tokens: (string | null)[] = [];
  for (let i = 0; i < text.length; i++) tokens.push(text[i] === '\\' ? text[++i] : text[i] === '*' ? null : text[i]);
  return tokens;
}

/**
 * The most wildcard-pattern prefixes that one input value matches at once, the figure event-ruler's
 * MachineComplexityEvaluator computes for one field (e.g. "*aa" scores 3 for "aa": "*", "*a", "*aa"):
 * a subset construction over the patterns' positions. Like the evaluator, it stops once past `cap`
 * (and then returns more than `cap`), so a pathological pattern costs bounded time.
 *
 * @param texts - the field's wildcard patterns (plain and anything-but), already checked.
 * @param cap - where to stop counting; {@link MAX_WILDCARD_COMPLEXITY} unless told.
 */
export function wildcardComplexity(texts: readonly string[], cap = MAX_WILDCARD_COMPLEXITY): number {
  // The same pattern twice is one set of states in event-ruler's machine (testEvaluateDuplicateWildcardPatterns).
  const patterns = [...new Set(texts)].map(tokensOf);
  const alphabet = [...new Set(patterns.flatMap((t) => t.filter((c): c is string => c !== null))), '\u0000'];
  // A state [pattern, n] means the pattern's first n tokens match the input so far; a prefix
  // ending in "*" also matches once the "*" has taken more characters, and one just before a "*"
  // also stands for the prefix with it (the "*" matching nothing).
  const close = (states: Set<string>): Set<string> => {
    for (const s of [...states]) {
      let [p, n] = s.split(',').map(Number);
      while (patterns[p][n] === null) states.add(`${p},${++n}`);
    }
    return states;
  };
  const score = (states: Set<string>) => [...states].filter((s) => !s.endsWith(',0')).length;
  const start = close(new Set(patterns.map((_, p) => `${p},0`)));
  const seen = new Set<string>([[...start].sort().join(' ')]);
  const queue = [start];
  let max = 0;
  while (queue.length > 0 && max <= cap && seen.size < 20_000) {
    const states = queue.shift() as Set<string>; // the loop condition checked the queue is not empty
    for (const c of alphabet) {
      const next = new Set<string>();
      for (const s of states) {
        const [p, n] = s.split(',').map(Number);
        if (n > 0 && patterns[p][n - 1] === null) next.add(s); // the "*" takes this character too
        if (patterns[p][n] === c) next.add(`${p},${n + 1}`);
      }
      close(next);
      if (next.size === 0) continue;
      max = Math.max(max, score(next));
      const key = [...next].sort().join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(next);
      }
    }
  }
  return queue.length > 0 ? Math.max(max, cap + 1) : max;
}

/** Like EventBridge, which evaluates the machine of all a rule's sub-rules: one field's patterns across every alternative count together. */
function checkWildcardComplexity(alternatives: readonly Node[]): void {
  const byPath = new Map<string, string[]>();
  for (const alternative of alternatives) wildcardsByPath(alternative, '', byPath);
  for (const [path, texts] of byPath) {
    const complexity = wildcardComplexity(texts);
    if (complexity > MAX_WILDCARD_COMPLEXITY) {
      fail(
        path,
        `Rule is too complex: its wildcard patterns can match more than ${MAX_WILDCARD_COMPLEXITY} prefixes of one value at once; use fewer "*" and avoid repeated characters after a "*"`,
      );
    }
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
  return compile(pattern).some((alternative) => matchNode(alternative, event));
}

/** Arrays in events are "crushed out": nested arrays become one flat list of elements. */
function flatten(value: unknown[]): unknown[] {
  return value.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

/**
 * Matches a node against the event's value at its path. When the event holds an array of objects
 * here, one element must satisfy all the fields below, so fields from different elements never
 * combine (event-ruler's array-consistent matching, README "JSON Array Matching").
 */
function matchNode(node: Node, value: unknown): boolean {
  if (node.leaf && !matchLeaf(node.leaf, value)) return false;
  if (node.children.size === 0) return true;
  if (!Array.isArray(value)) return matchFields(node, value);
  const elements = flatten(value);
  // An empty array holds no fields, just like a missing value.
  return elements.length === 0 ? matchFields(node, undefined) : elements.some((e) => matchFields(node, e));
}

function matchFields(node: Node, value: unknown): boolean {
  for (const [key, child] of node.children) {
    if (!matchNode(child, childOf(value, key, child))) return false;
  }
  return true;
}

/**
 * The event's value for `key` in `value`. event-ruler flattens event keys by joining with ".", so an
 * event key `"state.status"` is the path state → status too: such keys are folded into the child.
 */
function childOf(value: unknown, key: string, child: Node): unknown {
  if (!isObject(value)) return undefined;
  const direct = Object.hasOwn(value, key) ? value[key] : undefined;
  if (child.children.size === 0) return direct;
  let folded: JsonObject | undefined;
  const dotted = `${key}.`;
  for (const k in value) {
    if (!k.startsWith(dotted)) continue;
    folded ??= isObject(direct) ? { ...direct } : {};
    folded[k.slice(dotted.length)] = value[k];
  }
  return folded ?? direct;
}

/**
 * The leaf values of an event field: scalars and null. Objects are intermediate nodes, not leaves,
 * which is why the docs say {"exists": false} matches a field whose value is an object.
 */
function leafValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? flatten(value) : [value]).filter((v) => !isObject(v) && v !== undefined);
}

function matchLeaf(matchers: readonly Matcher[], value: unknown): boolean {
  const leaves = leafValues(value);
  return matchers.some((matcher) => {
    // exists is about presence alone; a null value is present (EventBridge matches it with exists: true).
    if (matcher.kind === 'exists') return matcher.exists === leaves.length > 0;
    // Every other matcher, anything-but included, needs a value: a missing field never matches.
    return leaves.some((leaf) => matchValue(matcher, leaf));
  });
}

function matchValue(matcher: Matcher, value: unknown): boolean {
  switch (matcher.kind) {
    case 'exact':
      // Numbers compare numerically (300 === 3.0e2), strings never equal numbers, null only null.
      return matcher.value === value;
    case 'ip': {
      if (typeof value !== 'string') return false;
      const ip = parseIp(value);
      return ip !== undefined && ip.bytes === matcher.bytes && ip.value >= matcher.low && ip.value <= matcher.high;
    }
    case 'text':
      return typeof value === 'string' && matcher.test(value);
    case 'wildcard':
      return typeof value === 'string' && matcher.re.test(value);
    case 'numeric':
      // Numeric matching only works on JSON numbers; the string "5" is not a number.
      return typeof value === 'number' && matcher.terms.every(([op, bound]) => compare(op, value, bound));
    case 'anything-but':
      // A value of another type is not excluded: anything-but "x" matches 5, anything-but [1, 2] matches "1".
      return !matcher.values.includes(value as string | number);
    case 'anything-but-string':
      if (typeof value !== 'string') return true; // string operators cannot exclude numbers, booleans or null
      return !matcher.tests.some((test) => test(value));
    default:
      return false;
  }
}

/** The test of a string operator (prefix, suffix, equals-ignore-case, wildcard) against a string value. */
function textTest(op: string, text: string, ignoreCase: boolean): (value: string) => boolean {
  if (op === 'wildcard') {
    const re = wildcardRegExp(text);
    return (value) => re.test(value);
  }
  if (ignoreCase) {
    const re = ignoreCaseRegExp(text, op);
    return (value) => re.test(value);
  }
  return op === 'prefix' ? (value) => value.startsWith(text) : (value) => value.endsWith(text);
}

/**
 * An ignore-case comparison the way event-ruler's EqualsIgnoreCaseParser builds it: each character
 * of the pattern matches its lower-case or its upper-case form (Locale.ROOT), as the value spells
 * it. So "straße" matches "STRASSE" ("ß" upper-cases to "SS") but "STRASSE" does not match "straße".
 */
function ignoreCaseRegExp(text: string, op: string): RegExp {
  let source = '';
  for (const c of text) {
    const forms = [...new Set([c.toLowerCase(), c.toUpperCase()])].map(escapeRegExp);
    source += forms.length === 1 ? forms[0] : `(?:${forms.join('|')})`;
  }
  return new RegExp(op === 'prefix' ? `^${source}` : op === 'suffix' ? `${source}$` : `^${source}$`);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

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

/** What a "*" compiles to in a wildcard's regular expression. */
const ANY = '[\\s\\S]*';

/**
 * Compiles a wildcard: "*" matches zero or more characters, "\*" a literal star, "\\" a backslash.
 * Called once per wildcard when its pattern compiles; the compiled pattern keeps the expression,
 * so no process-wide cache grows with every pattern a long `--serve` session is sent.
 */
function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] === '\\' ? pattern[++i] : pattern[i] === '*' ? null : pattern[i];
    source += c === null ? ANY : escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}
