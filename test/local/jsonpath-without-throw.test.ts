/**
 * The local interpreter's JSONPath evaluation without jsonpath-plus's internal throw must return
 * exactly what the original returns (or throw what it throws), for the call form the interpreter
 * uses: `JSONPath({ path, json, wrap: false })`.
 */
import fc from 'fast-check';
import {
  evaluateWithoutThrow,
  installJsonPathWithoutThrow,
  interpreterJsonPathModule,
} from '../../local/step-functions/jsonpath-without-throw';

// The original, captured before anything installs the patch in this process.
const jsonPathModule = interpreterJsonPathModule();
const original = jsonPathModule.JSONPath;
const withoutThrow = evaluateWithoutThrow(original as never);

function outcome(fn: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

const key = fc.constantFrom(
  'a',
  'b',
  'state',
  'terminal',
  'waitSeconds',
  'Execution',
  'Id',
  'length',
  'constructor',
  'toString',
  '__proto__',
  '0',
  '1',
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string(),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})).value;
const jsonPath = fc.oneof(
  fc.constant('$'),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((keys) => `$.${keys.join('.')}`),
  fc.constantFrom('$.a[0]', '$.a[*]', '$..a', '$.a.*', '$["b"]', '$.a[-1:]', '$[0]'),
);

describe('JSONPath evaluation without throw', () => {
  it.each<[string, unknown, unknown]>([
    ['$.terminal', { terminal: false }, false],
    ['$.waitSeconds', { waitSeconds: 30 }, 30],
    ['$.Execution.Id', { Execution: { Id: 'arn:x' } }, 'arn:x'],
    ['$.missing', { a: 1 }, undefined],
    ['$.state', { state: { a: [1, 2] } }, { a: [1, 2] }],
    ['$', { a: 1 }, { a: 1 }],
    ['$.a', { a: null }, null],
    ['$.a.length', { a: 'abc' }, 3],
    ['$.a.length', { a: '' }, undefined],
    ['$.toString', { a: 1 }, undefined],
    ['$', 0, undefined],
    ['$', '', undefined],
    ['$.a.b', { a: { b: false } }, false],
  ])('%s of %j is %j, as the original gives', (path, input, expected) => {
    expect(withoutThrow({ path, json: input, wrap: false })).toEqual(expected);
    expect(original({ path, json: input, wrap: false })).toEqual(expected);
  });

  it('equals the original for random documents and paths, values and errors alike', () => {
    fc.assert(
      fc.property(json, jsonPath, fc.boolean(), (document, path, wrap) => {
        const options = { path, json: document, wrap };
        expect(outcome(() => withoutThrow(options))).toEqual(outcome(() => original(options)));
      }),
      { numRuns: 2000 },
    );
  });

  it('is what the interpreter calls once the local Step Functions is loaded, with the statics kept', () => {
    installJsonPathWithoutThrow();
    installJsonPathWithoutThrow();
    const installed = interpreterJsonPathModule().JSONPath as unknown as Record<string, unknown>;
    expect(installed).not.toBe(original);
    expect(installed.toPathArray).toBe((original as unknown as Record<string, unknown>).toPathArray);
    expect((installed as unknown as typeof original)({ path: '$.a', json: { a: 1 }, wrap: false })).toBe(1);
  });

  // The one deliberate difference from jsonpath-plus: Step Functions' `$` is the whole input.
  it.each([null, false, 0, ''])('once installed, $ of %j is the document itself (jsonpath-plus alone finds nothing)', (document) => {
    installJsonPathWithoutThrow();
    const installed = interpreterJsonPathModule().JSONPath as unknown as typeof original;
    expect(original({ path: '$', json: document, wrap: false })).toBeUndefined();
    expect(installed({ path: '$', json: document, wrap: false })).toBe(document);
    expect(installed({ path: '$.a', json: document, wrap: false })).toBeUndefined();
  });
});
