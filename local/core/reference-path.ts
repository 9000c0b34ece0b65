/**
 * Reads a reference path (`$.a.b[0]`: dotted fields and array indices, no filters or wildcards),
 * the subset both ASL (`SecondsPath`, `TimestampPath`) and EventBridge input transformers
 * (`InputPathsMap`) accept; `undefined` where nothing is at the path.
 */
export function readReferencePath(input: unknown, path: string): unknown {
  if (path === '$') return input;
  const parts = path.replace(/^\$/, '').match(/\.[^.[\]]+|\[\d+\]/g) ?? [];
  let value: unknown = input;
  for (const part of parts) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = part.startsWith('[') ? (value as unknown[])[Number(part.slice(1, -1))] : (value as Record<string, unknown>)[part.slice(1)];
  }
  return value;
}
