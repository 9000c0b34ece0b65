import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPOSITORY_ROOT, sourcesUnder } from '../support/source-files';

/**
 * The project's layering, as import arrows: each rule names the files it governs and the import
 * specifiers they may not use. Specifiers are read with the TypeScript compiler's own pre-processor
 * (static imports, `export ... from`, `import type`, dynamic `import()` and `require`), and relative
 * ones are resolved to repository paths, so `../../lambda/x` and `../lambda/x` are one arrow.
 */

const ROOT = REPOSITORY_ROOT;

/** What a file imports: a package name as written, or a relative import resolved to a repository path. */
interface ImportArrow {
  readonly from: string;
  readonly specifier: string;
  /** Repository-relative target of a relative specifier; undefined for a package. */
  readonly target?: string;
}

function importsOf(file: string): ImportArrow[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName: specifier }) =>
    specifier.startsWith('.')
      ? { from: file, specifier, target: path.posix.join(path.posix.dirname(file), specifier) }
      : { from: file, specifier },
  );
}

const isPackage =
  (...names: string[]) =>
  (arrow: ImportArrow) =>
    arrow.target === undefined && names.some((name) => arrow.specifier === name || arrow.specifier.startsWith(`${name}/`));
const into =
  (...folders: string[]) =>
  (arrow: ImportArrow) =>
    arrow.target !== undefined && folders.some((folder) => arrow.target === folder || arrow.target?.startsWith(`${folder}/`));
const outside = (folder: string) => (arrow: ImportArrow) => arrow.target !== undefined && !into(folder)(arrow);

const AWS_CDK = isPackage('aws-cdk-lib', 'constructs');
const AWS_SDK = isPackage('@aws-sdk', '@smithy');

/**
 * Known offenders, each `<file> -> <resolved target>`, with the reason it may stay. Empty: every rule
 * holds without exceptions.
 */
const ALLOWED: ReadonlySet<string> = new Set<string>([]);

/** What the `./events` entry ships: the subscribers' part of lib/contract (targets, without `.ts`). */
const SUBSCRIBER_CONTRACT: readonly string[] = ['lib/contract/events', 'lib/contract/schemas', 'lib/contract/snapshot-fields'];

/** A rule: its meaning, the folder it governs, what is forbidden there, and one arrow it forbids. */
type Rule = readonly [rule: string, folder: string, forbidden: (arrow: ImportArrow) => boolean, example: ImportArrow];

const rules: readonly Rule[] = [
  [
    'lib/ (the construct library) imports nothing outside lib/',
    'lib',
    outside('lib'),
    {
      from: 'lib/poller/poll-interval.ts',
      specifier: '../../lambda/shared/domain/poll-interval',
      target: 'lambda/shared/domain/poll-interval',
    },
  ],
  [
    'lib/events (the subscribers’ entry) re-exports only the subscribers’ contract files of lib/contract',
    'lib/events',
    (arrow) => arrow.target === undefined || !SUBSCRIBER_CONTRACT.includes(arrow.target),
    { from: 'lib/events/index.ts', specifier: '../contract/errors', target: 'lib/contract/errors' },
  ],
  [
    'the subscribers’ contract files import only each other: no aws-cdk-lib, constructs, AWS SDK or Node built-ins',
    'lib/contract',
    (arrow) =>
      SUBSCRIBER_CONTRACT.includes(arrow.from.replace(/\.ts$/, '')) &&
      (arrow.target === undefined || !SUBSCRIBER_CONTRACT.includes(arrow.target)),
    { from: 'lib/contract/events.ts', specifier: 'node:crypto' },
  ],
  [
    'lib/contract (the wiring contract) bundles into the Lambda: no aws-cdk-lib, constructs or AWS SDK',
    'lib/contract',
    (arrow) => AWS_CDK(arrow) || AWS_SDK(arrow),
    { from: 'lib/contract/runs.ts', specifier: '@aws-sdk/client-sfn' },
  ],
  [
    'lambda/shared/domain (the pure core) imports no AWS SDK and no aws-cdk-lib',
    'lambda/shared/domain',
    (arrow) => AWS_SDK(arrow) || AWS_CDK(arrow),
    { from: 'lambda/shared/domain/snapshot.ts', specifier: '@aws-sdk/client-machine-learning' },
  ],
  [
    'cli/ (the operator CLI) imports nothing from lambda/ or local/',
    'cli',
    into('lambda', 'local'),
    { from: 'cli/history-reader.ts', specifier: '../lambda/shared/ports', target: 'lambda/shared/ports' },
  ],
  [
    'local/ (the local runtime) reads the construct through the template and lib/contract, not the construct module',
    'local',
    into('lib/batch-prediction-poller', 'lib/poller'),
    { from: 'local/deployment.ts', specifier: '../lib/batch-prediction-poller', target: 'lib/batch-prediction-poller' },
  ],
  [
    'scripts/ read the construct through lib/contract, not the construct module',
    'scripts',
    into('lib/batch-prediction-poller', 'lib/poller'),
    { from: 'scripts/bench.ts', specifier: '../lib/poller/props', target: 'lib/poller/props' },
  ],
  [
    'scripts/ import nothing from test/ (test support is no part of the tools)',
    'scripts',
    into('test'),
    { from: 'scripts/property-soak.ts', specifier: '../test/e2e/support/x', target: 'test/e2e/support/x' },
  ],
];

describe('layering: import arrows point down', () => {
  it.each(rules)('%s', (_rule, folder, forbidden) => {
    const files = sourcesUnder(folder);
    expect(files.length).toBeGreaterThan(0);
    const violations = files
      .flatMap(importsOf)
      .filter(forbidden)
      .map((arrow) => `${arrow.from} -> ${arrow.target ?? arrow.specifier}`)
      .filter((arrow) => !ALLOWED.has(arrow));
    expect(violations).toEqual([]);
  });

  it.each(rules)('the rule "%s" does forbid its example arrow', (_rule, _folder, forbidden, example) => {
    expect(forbidden(example)).toBe(true);
  });

  it('every allowed offender still exists (drop an entry once its import is gone)', () => {
    const folders = [...new Set(rules.map(([, folder]) => folder))];
    const arrows = new Set(
      folders
        .flatMap(sourcesUnder)
        .flatMap(importsOf)
        .map((arrow) => `${arrow.from} -> ${arrow.target ?? arrow.specifier}`),
    );
    expect([...ALLOWED].filter((entry) => !arrows.has(entry))).toEqual([]);
  });

  it('reads every kind of import specifier', () => {
    const specifiers = ts
      .preProcessFile(
        "import a from './a';\nimport type { B } from './b';\nexport * from './c';\nconst d = require('./d');\nconst e = import('./e');\n",
        true,
        true,
      )
      .importedFiles.map((f) => f.fileName);
    expect(specifiers).toEqual(['./a', './b', './c', './d', './e']);
  });
});
