import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The floors of `local/`, lowest first. A module may import its own folder and any lower floor,
 * never a floor above it or a folder on the same floor (template and scenarios know nothing of
 * each other). A new folder must be ranked here before it can hold code.
 */
const FLOORS: readonly (readonly string[])[] = [
  ['core'], // virtual clock, event-pattern language, service error, recorded call, reference path
  ['template', 'scenarios'], // what is deployed; what the world does
  ['stand-ins'], // the AWS services the handlers call, over the AWS JSON protocol
  ['step-functions'], // the interpreter, its history and its endpoint
  ['runtime'], // the composition root of one run
  ['cli'], // `npm start`, `--serve`, the timeline
];

/** Top-level folders of the project that `local/` must never import. */
const FORBIDDEN_OUTSIDE = ['test', 'scripts', 'cli'];

const PROJECT_ROOT = path.resolve(__dirname, '../..');
const LOCAL_ROOT = path.join(PROJECT_ROOT, 'local');

const rankOf = new Map(FLOORS.flatMap((folders, rank) => folders.map((folder) => [folder, rank] as const)));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every module specifier of a file: static and dynamic imports, re-exports, `require`. */
function specifiersOf(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;
  return [...source.matchAll(pattern)].map((match) => match[2]);
}

/** The `local/` folder a path is in, or undefined outside `local/` (or at its top). */
function folderOf(file: string): string | undefined {
  const relative = path.relative(LOCAL_ROOT, file);
  const [first, ...rest] = relative.split(path.sep);
  return relative.startsWith('..') || rest.length === 0 ? undefined : first;
}

interface ImportArrow {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
}

const FILES = sourceFiles(LOCAL_ROOT);

const ARROWS: readonly ImportArrow[] = FILES.flatMap((file) =>
  specifiersOf(fs.readFileSync(file, 'utf8'))
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ from: file, to: path.resolve(path.dirname(file), specifier), specifier })),
);

/** Whether an import goes up a floor or sideways to another folder of the same floor. */
function pointsWrongWay(arrow: Pick<ImportArrow, 'from' | 'to'>): boolean {
  const from = folderOf(arrow.from);
  const to = folderOf(arrow.to);
  if (from === undefined || to === undefined || from === to) return false;
  return (rankOf.get(to) ?? Number.POSITIVE_INFINITY) >= (rankOf.get(from) ?? Number.NEGATIVE_INFINITY);
}

const show = (arrow: ImportArrow): string => `${path.relative(PROJECT_ROOT, arrow.from)} imports '${arrow.specifier}'`;

describe('local/ layering', () => {
  it('reads the import specifiers of every form the sources use', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from '../core/b';",
      "export { c } from './c';",
      "import './polyfills';",
      "const d = require('../d') as typeof import('../e');",
      "const f = await import('./f');",
    ].join('\n');
    expect(specifiersOf(source)).toEqual(['./a', '../core/b', './c', './polyfills', '../d', '../e', './f']);
  });

  it('finds the modules and their relative imports', () => {
    expect(FILES.length).toBeGreaterThan(20);
    expect(ARROWS.length).toBeGreaterThan(50);
  });

  it('keeps every module in a ranked folder', () => {
    const unranked = FILES.filter((file) => {
      const folder = folderOf(file);
      return folder === undefined || !rankOf.has(folder);
    }).map((file) => path.relative(PROJECT_ROOT, file));
    expect(unranked).toEqual([]);
  });

  it('points every import inside local/ down a floor or within its own folder', () => {
    expect(ARROWS.filter(pointsWrongWay).map(show)).toEqual([]);
  });

  it.each(FORBIDDEN_OUTSIDE)('never imports the project folder %s/', (folder) => {
    const forbidden = path.join(PROJECT_ROOT, folder);
    const offending = ARROWS.filter((arrow) => arrow.to === forbidden || arrow.to.startsWith(forbidden + path.sep)).map(show);
    expect(offending).toEqual([]);
  });

  it.each([
    ['core/clock.ts', 'stand-ins/sqs-stand-in', true],
    ['template/deployment.ts', 'stand-ins/dynamodb-stand-in', true],
    ['template/deployment.ts', 'scenarios/faults', true],
    ['scenarios/faults.ts', 'template/deployment', true],
    ['stand-ins/sqs-stand-in.ts', 'new-folder/x', true],
    ['stand-ins/sqs-stand-in.ts', 'template/deployment', false],
    ['cli/cli.ts', 'runtime/runtime', false],
    ['stand-ins/event-bridge-stand-in.ts', 'stand-ins/aws-json-server', false],
    ['runtime/runtime.ts', '../lib/contract', false],
  ])('judges %s importing %s as wrong way: %s', (from, to, wrong) => {
    expect(pointsWrongWay({ from: path.join(LOCAL_ROOT, from), to: path.join(LOCAL_ROOT, to) })).toBe(wrong);
  });
});
