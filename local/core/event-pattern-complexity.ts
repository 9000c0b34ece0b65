/**
 * How complex a pattern is, as EventBridge refuses it: the rule combinations its `$or`s make, and
 * the wildcard complexity of each field ("Rule is too complex").
 */
import { MAX_OR_COMBINATIONS, MAX_WILDCARD_COMPLEXITY, type Node, fail, isObject, join } from './event-pattern-model';

/** The product of the lengths of every `$or` array in the pattern, as EventBridge counts rule combinations. */
export function orCombinations(value: unknown): number {
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
export function checkWildcardComplexity(alternatives: readonly Node[]): void {
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
