/**
 * The compiled form of an EventBridge event pattern, shared by the compiler
 * (`event-pattern-compiler.ts`) and the matcher (`event-pattern-matcher.ts`): the pattern type, its
 * error, the matchers of a leaf and the tree of one alternative, and the limits EventBridge sets.
 */
import { ExactNumberText } from './json-number-text';

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

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** A JSON object of a pattern or an event (not an array, and not a number kept as its text). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumberText);
}

/** Describes a value for error messages, e.g. `string "FAILED"`, `number 5`, `array`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (value instanceof ExactNumberText) return `number ${value.text}`;
  return typeof value;
}

export function fail(path: string, problem: string): never {
  throw new EventPatternError(`${path ? `pattern at "${path}"` : 'pattern'}: ${problem}`);
}

export const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** One value matcher of a leaf, pre-parsed. */
export type Matcher =
  | { readonly kind: 'exact'; readonly value: string | number | boolean | null }
  /** A number no double holds exactly: event-ruler matches it by its text only. */
  | { readonly kind: 'exact-number-text'; readonly text: string }
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
export interface Node {
  leaf?: Matcher[];
  readonly children: Map<string, Node>;
}

export const newNode = (): Node => ({ children: new Map() });

/** A copy of an alternative's tree to fork a `$or` from (matchers are never changed, so they are shared). */
export function copyNode(node: Node): Node {
  return { leaf: node.leaf, children: new Map([...node.children].map(([key, child]) => [key, copyNode(child)])) };
}
