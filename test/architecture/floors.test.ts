/**
 * The floors of the house: every import of `lib/`, `lambda/`, `local/`, `cli/`, `bin/` and
 * `scripts/` points at its own floor or one below, no two folders import each other (nor through
 * others: the folder-level import graph has no cycle), and no TypeScript file is longer than a
 * reader can hold. Each failure names the offending imports. docs/architecture.md renders the
 * floors as a table, which this test keeps in step with {@link FLOORS}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPOSITORY_ROOT, sourcesUnder } from '../support/source-files';

const ROOT = REPOSITORY_ROOT;
const TOP_FOLDERS = ['lib', 'lambda', 'local', 'cli', 'bin', 'scripts'] as const;

/** The floors, lowest first: a folder belongs to the first floor one of whose prefixes it has. */
const FLOORS: readonly { readonly name: string; readonly folders: readonly string[]; readonly holds: string }[] = [
  {
    name: 'contract',
    folders: ['lib/contract'],
    holds: 'what both sides share: the events contract, env vars, loop state, error names, history items',
  },
  { name: 'construct', folders: ['lib'], holds: 'the construct, its parts, the stack, the app, the `./events` entry' },
  { name: 'functions', folders: ['lambda'], holds: 'one folder per Lambda function, and `shared/` (domain, ports, adapters)' },
  { name: 'local runtime', folders: ['local'], holds: 'the stand-ins, the interpreter, the template reader, `npm start`' },
  {
    name: 'entry points and tools',
    folders: ['cli', 'bin', 'scripts'],
    holds: 'the operator CLI, the app and bundle entries, builds, bench, soak',
  },
];

/** The floor of a repository folder (`lib/poller` → 1), by its longest matching prefix. */
function floorOf(folder: string): number {
  let best = { floor: -1, length: -1 };
  FLOORS.forEach(({ folders }, floor) => {
    for (const prefix of folders) {
      if ((folder === prefix || folder.startsWith(`${prefix}/`)) && prefix.length > best.length) best = { floor, length: prefix.length };
    }
  });
  return best.floor;
}

/** A relative import resolved to the repository file it loads, or undefined when it loads none. */
function resolved(from: string, specifier: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`].find(
    (candidate) => fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile(),
  );
}

interface Arrow {
  readonly from: string;
  readonly to: string;
}

/** Every relative import between the governed folders, file to file. */
function importArrows(): Arrow[] {
  return TOP_FOLDERS.flatMap(sourcesUnder).flatMap((from) =>
    ts
      .preProcessFile(fs.readFileSync(path.join(ROOT, from), 'utf8'), true, true)
      .importedFiles.map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .flatMap((specifier) => {
        const to = resolved(from, specifier);
        return to !== undefined && floorOf(path.posix.dirname(to)) >= 0 ? [{ from, to }] : [];
      }),
  );
}

/** Folder-level cycles (strongly connected components of more than one folder), each with its arrows. */
function folderCycles(arrows: readonly Arrow[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of arrows) {
    const [a, b] = [path.posix.dirname(from), path.posix.dirname(to)];
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}

/** The floor table as docs/architecture.md renders it. */
function floorTable(): string {
  return [
    '| floor | folders | holds |',
    '| --- | --- | --- |',
    ...FLOORS.map(({ name, folders, holds }, floor) => `| ${floor} ${name} | ${folders.map((f) => `\`${f}/\``).join(', ')} | ${holds} |`),
  ].join('\n');
}

const MAX_LINES = 600;

/** Lines as `wc -l` counts them, plus a last line without its newline. */
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

describe('architecture: the floors', () => {
  const arrows = importArrows();

  it('reads the imports of every governed folder', () => {
    for (const top of TOP_FOLDERS) expect(arrows.some(({ from }) => from.startsWith(`${top}/`))).toBe(true);
  });

  it('no import points up a floor', () => {
    const upward = arrows
      .filter(({ from, to }) => floorOf(path.posix.dirname(to)) > floorOf(path.posix.dirname(from)))
      .map(({ from, to }) => `${from} imports ${to} (floor ${floorOf(path.posix.dirname(from))} → ${floorOf(path.posix.dirname(to))})`);
    expect(upward).toEqual([]);
  });

  it('no folder cycle: no two folders import each other, directly or through others', () => {
    const cycles = folderCycles(arrows).map((folders) => {
      const inside = arrows.filter(
        ({ from, to }) =>
          path.posix.dirname(from) !== path.posix.dirname(to) &&
          folders.includes(path.posix.dirname(from)) &&
          folders.includes(path.posix.dirname(to)),
      );
      return `${folders.join(' ⇄ ')}: ${inside.map(({ from, to }) => `${from} → ${to}`).join('; ')}`;
    });
    expect(cycles).toEqual([]);
  });

  it('local/ never imports bin/ (the runtime synthesizes through lib/app.ts)', () => {
    expect(arrows.filter(({ from, to }) => from.startsWith('local/') && to.startsWith('bin/'))).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one', () => {
    const made: Arrow[] = [
      { from: 'lambda/a/x.ts', to: 'lambda/b/y.ts' },
      { from: 'lambda/b/y.ts', to: 'lambda/a/z.ts' },
    ];
    expect(folderCycles(made)).toEqual([['lambda/a', 'lambda/b']]);
    expect(floorOf('local/template')).toBeGreaterThan(floorOf('lib'));
    expect(floorOf('lib/contract')).toBe(0);
    expect(floorOf('lib/poller')).toBe(1);
  });

  it(`no TypeScript file is longer than ${MAX_LINES} lines`, () => {
    const long = ['lib', 'lambda', 'local', 'cli', 'bin', 'scripts', 'test']
      .flatMap(sourcesUnder)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [file, lineCount(fs.readFileSync(path.join(ROOT, file), 'utf8'))] as const)
      .filter(([, lines]) => lines > MAX_LINES)
      .map(([file, lines]) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('docs/architecture.md shows the floors as this test states them', () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8')).toContain(floorTable());
  });
});
