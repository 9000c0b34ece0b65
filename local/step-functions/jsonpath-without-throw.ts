import path from 'node:path';

/** The JSONPath function's shape, as aws-local-stepfunctions calls it. */
type JsonPathFunction = (options: Record<string, unknown>, ...rest: unknown[]) => unknown;
type JsonPathClass = JsonPathFunction & (new (options: Record<string, unknown>) => { evaluate(args: Record<string, unknown>): unknown });

const PATCHED = Symbol.for('batch-prediction-poller.jsonpath-without-throw');

/**
 * Defined (true) by the build of the CLI bundle (scripts/build-cli.ts), where the interpreter and
 * its jsonpath-plus are bundled into one file with this module and no package is there to resolve.
 */
declare const BUNDLED_LOCAL_RUNTIME: boolean | undefined;

/**
 * The jsonpath-plus module instance aws-local-stepfunctions itself requires (it is that package's
 * dependency, not ours).
 */
export function interpreterJsonPathModule(): { JSONPath: JsonPathFunction } {
  // Bundled, the bundle holds one jsonpath-plus, the one the interpreter's `require` resolved to.
  if (typeof BUNDLED_LOCAL_RUNTIME !== 'undefined') return require('jsonpath-plus') as { JSONPath: JsonPathFunction };
  const interpreterDir = path.dirname(require.resolve('aws-local-stepfunctions'));
  return require(require.resolve('jsonpath-plus', { paths: [interpreterDir] })) as { JSONPath: JsonPathFunction };
}

/**
 * Evaluates JSONPath the way `JSONPath(options)` does, without its exception.
 *
 * Called as a function, jsonpath-plus constructs itself with `new`, and when the result is a
 * scalar or nothing (every `$$.Execution.Id`, every Choice on `$.terminal`) the constructor throws
 * an Error carrying the value, which the function catches and returns. Capturing that Error's stack
 * was the largest single cost of the local interpreter (about 6 % of a poll). Constructing with
 * `autostart: false` and calling `evaluate` with the same two arguments the constructor would pass
 * gives the same value, or the same error, with no throw on the way. Plain dotted paths
 * (`$.Payload`, `$$.Execution.Id`) are followed directly, by jsonpath-plus's own rules.
 */
export function evaluateWithoutThrow(JSONPath: JsonPathClass): JsonPathFunction {
  return function jsonPathWithoutThrow(this: unknown, options: Record<string, unknown>, ...rest: unknown[]): unknown {
    // Anything but the one call form the interpreter uses goes to the original unchanged.
    if (new.target !== undefined) return Reflect.construct(JSONPath, [options, ...rest]);
    if (rest.length > 0 || typeof options !== 'object' || options === null || 'autostart' in options) {
      return JSONPath.call(this, options, ...rest);
    }
    const dotted =
      typeof options.path === 'string' && 'json' in options && options.wrap === false && Object.keys(options).length === 3
        ? DOTTED.exec(options.path)
        : null;
    if (dotted !== null) return followDotted(options.json, dotted[1]);
    const args: Record<string, unknown> = { path: options.path };
    if ('json' in options) args.json = options.json;
    return new JSONPath({ ...options, autostart: false }).evaluate(args);
  };
}

/** `$` followed by zero or more `.name` steps, names being plain identifiers: most paths of a definition. */
const DOTTED = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

/**
 * What jsonpath-plus returns, with `wrap: false`, for a path of plain `.name` steps: it answers
 * nothing for a falsy document, and otherwise follows a name only where the value is truthy and
 * has it as an own property (a string's `length` included).
 */
function followDotted(json: unknown, steps: string): unknown {
  if (!json) return undefined;
  let value: unknown = json;
  if (steps === '') return value;
  for (const name of steps.slice(1).split('.')) {
    if (!value || !Object.hasOwn(value as object, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/**
 * The one place the local interpreter's JSONPath is made to differ from jsonpath-plus, to match
 * Step Functions: the reference path `$` is the whole input, whatever it is. jsonpath-plus finds
 * nothing in a falsy document (`null`, `false`, `0`, `""`), so the interpreter would fail a run
 * started with such an input at its first `"state.$": "$"` with an uncatchable States.Runtime,
 * where Step Functions hands the value on (and the poller reports it as INVALID_INPUT).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
export function wholeDocumentAtRoot(evaluate: JsonPathFunction): JsonPathFunction {
  return function jsonPathWholeDocumentAtRoot(this: unknown, options: Record<string, unknown>, ...rest: unknown[]): unknown {
    if (new.target !== undefined) return Reflect.construct(evaluate, [options, ...rest]);
    if (
      rest.length === 0 &&
      typeof options === 'object' &&
      options !== null &&
      options.path === '$' &&
      options.wrap === false &&
      'json' in options &&
      !options.json
    ) {
      return options.json;
    }
    return evaluate.call(this, options, ...rest);
  };
}

/** Installs {@link evaluateWithoutThrow} (and {@link wholeDocumentAtRoot}) on the interpreter's jsonpath-plus, once per process. */
export function installJsonPathWithoutThrow(): void {
  const jsonPathModule = interpreterJsonPathModule() as { JSONPath: JsonPathFunction & { [PATCHED]?: true } };
  if (jsonPathModule.JSONPath[PATCHED]) return;
  // The statics (toPathArray, cache, …) stay reachable through the export, as before.
  const patched = Object.assign(
    wholeDocumentAtRoot(evaluateWithoutThrow(jsonPathModule.JSONPath as JsonPathClass)),
    jsonPathModule.JSONPath,
    { [PATCHED]: true as const },
  );
  jsonPathModule.JSONPath = patched;
}
