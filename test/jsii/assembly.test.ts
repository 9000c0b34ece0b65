/**
 * `API.md` is jsii-docgen's reference of the `.jsii` assembly, and the assembly is what Python (and
 * any other jsii language) sees of the `.` entry. This test compiles the assembly from today's `lib/`
 * with the package's own `docgen` script, in a scratch copy of the package so that it never races
 * a `npm run build:jsii` in the working tree, and fails when the committed `API.md` differs
 * (fix: `npm run docgen`, and commit `API.md`). It then generates the Python sources from that
 * assembly as `npm run package:python` does (building the wheel needs pip, so it is left to that
 * script).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as entry from '../../lib/index';
import { generatePythonSources } from '../../scripts/package-python';

const ROOT = path.join(__dirname, '..', '..');
/** jsii, jsii-docgen and jsii-pacmak's cold starts dominate: about 70 s on a quiet 2-core machine. */
const BUILD_TIMEOUT_MS = 300_000;

/** A copy of what the assembly is built from, with the repository's node_modules linked in. */
function scratchPackage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-jsii-'));
  for (const file of ['package.json', 'tsconfig.jsii.json', 'README.md']) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  fs.cpSync(path.join(ROOT, 'lib'), path.join(dir, 'lib'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The first line where `actual` leaves `expected`, shown as both lines, or undefined when equal. */
function firstDifference(expected: string, actual: string): string | undefined {
  if (expected === actual) return undefined;
  const want = expected.split('\n');
  const got = actual.split('\n');
  const line = want.findIndex((text, i) => text !== got[i]);
  const at = line === -1 ? want.length : line;
  return `API.md line ${at + 1}: committed ${JSON.stringify(want[at])}, generated ${JSON.stringify(got[at])}`;
}

interface Assembly {
  readonly types: Record<string, { readonly name: string }>;
}

describe('the jsii assembly and API.md', () => {
  let dir: string;
  let assembly: Assembly;
  let pythonSources: string;

  beforeAll(() => {
    dir = scratchPackage();
    const run = spawnSync('npm', ['run', '--silent', 'docgen'], { cwd: dir, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`npm run docgen failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    assembly = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8')) as Assembly;
    pythonSources = generatePythonSources(dir, path.join(dir, 'dist-pacmak'));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('API.md is what jsii-docgen generates from the assembly of lib/ (else run `npm run docgen`)', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
    const generated = fs.readFileSync(path.join(dir, 'API.md'), 'utf8');
    expect(firstDifference(committed, generated)).toBeUndefined();
  });

  it('the assembly holds the construct API of the . entry', () => {
    expect(Object.values(assembly.types).map((type) => type.name)).toEqual([
      'AdaptivePollIntervalOptions',
      'BatchPredictionPoller',
      'BatchPredictionPollerProps',
      'BatchPredictionPollerStack',
      'BatchPredictionPollerStackProps',
      'PollInterval',
      'PollerAppConfig',
      'PollerDefaults',
      'PollerPropLimits',
    ]);
  });

  // jsii cannot represent a subclass of Error: those three are `@jsii ignore`, TypeScript/JavaScript
  // only. Anything else the entry exports at runtime must reach the other languages too.
  it('every runtime export of the . entry but the three Error subclasses is in the assembly', () => {
    const typeScriptOnly = ['LambdaAssetsMissingError', 'MachineLearningRegionError', 'PollerConfigError'];
    const names = new Set(Object.values(assembly.types).map((type) => type.name));
    const missing = Object.keys(entry).filter((name) => !names.has(name));
    expect(missing.sort()).toEqual(typeScriptOnly);
  });

  describe('the Python package sources', () => {
    const modulePath = () => path.join(pythonSources, 'src', 'batch_prediction_poller', '__init__.py');

    it('are valid Python (py_compile)', () => {
      const compiled = spawnSync('python3', ['-m', 'py_compile', modulePath()], { encoding: 'utf8' });
      expect(compiled.stderr).toBe('');
      expect(compiled.status).toBe(0);
    });

    it('define a class for every type of the assembly', () => {
      const source = fs.readFileSync(modulePath(), 'utf8');
      const classes = [...source.matchAll(/^class (\w+)\b/gm)].map((m) => m[1]);
      expect(classes).toEqual(expect.arrayContaining(Object.values(assembly.types).map((type) => type.name)));
    });

    it('carry the npm tarball the jsii runtime loads: the assembly and the compiled entry', () => {
      const jsiiDir = path.join(pythonSources, 'src', 'batch_prediction_poller', '_jsii');
      const tarball = fs.readdirSync(jsiiDir).find((file) => file.endsWith('.jsii.tgz'));
      expect(tarball).toBeDefined();
      const listing = spawnSync('tar', ['tzf', path.join(jsiiDir, tarball ?? '')], { encoding: 'utf8' }).stdout.split('\n');
      expect(listing).toEqual(expect.arrayContaining(['package/.jsii', 'package/dist/index.js', 'package/dist/index.d.ts']));
    });
  });
});
