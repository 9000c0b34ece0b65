/**
 * Matching an event against a compiled EventBridge pattern: array-consistent fields, leaves and
 * their values, as event-ruler matches them.
 */
import { compile } from './event-pattern-compiler';
import { type EventPattern, type JsonObject, type Matcher, type Node, isObject } from './event-pattern-model';
import { parseIp } from './event-pattern-values';
import { ExactNumberText } from './json-number-text';

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
  return elements.length === 0 ? matchFields(node, undefined) : elements.some((e) => matchFields(node, e, elements));
}

/**
 * The fields below a node, in one value. Within an array of objects (`elements`), event-ruler
 * matches the rule's fields in sorted order, and a field that matched a value pins the element:
 * an `{"exists": false}` field after it must be absent from that element, but one before any such
 * match must be absent from every element, since the event then has the field
 * (`NameState.getNameTransitions`, `ArrayMembership.checkArrayConsistency`).
 */
function matchFields(node: Node, value: unknown, elements?: readonly unknown[]): boolean {
  if (elements === undefined) {
    for (const [key, child] of node.children) {
      if (!matchNode(child, childOf(value, key, child))) return false;
    }
    return true;
  }
  let pinned = false;
  for (const key of [...node.children.keys()].sort()) {
    const child = node.children.get(key) as Node; // a key of the map just listed
    if (!pinned && isAbsenceOnly(child)) {
      if (elements.some((element) => leafValues(childOf(element, key, child)).length > 0)) return false;
      continue;
    }
    const below = childOf(value, key, child);
    if (!matchNode(child, below)) return false;
    if (below !== undefined && (child.children.size > 0 || leafValues(below).length > 0)) pinned = true;
  }
  return true;
}

/** A leaf whose only matchers are `{"exists": false}`. */
function isAbsenceOnly(node: Node): boolean {
  return node.children.size === 0 && node.leaf !== undefined && node.leaf.every((m) => m.kind === 'exists' && !m.exists);
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
      // Numbers compare numerically (300 === 3.0e2), strings never equal numbers, null only null;
      // a number no double holds (an ExactNumberText) equals no double.
      return matcher.value === value;
    case 'exact-number-text':
      return value instanceof ExactNumberText && value.text === matcher.text;
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
      // Numeric matching only works on JSON numbers a double holds exactly; the string "5" is not
      // a number, nor is 1.0000000000000001 (an ExactNumberText) to event-ruler.
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
