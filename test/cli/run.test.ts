/**
 * The CLI's dispatch (cli/run.ts): `--version` and every help text without loading a half,
 * `simulate`/`serve` to the local runtime with npm start's arguments, the rest to the operator
 * commands; and what the bundled local runtime loads instead of a clone's sources: the handlers
 * (bin/bundle/handlers.ts) and the template shipped next to it (bin/bundle/simulate.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HELP } from '../../cli/args';
import { UnknownHandlerEntryError, loadBundledHandlerModule } from '../../bin/bundle/handlers';
import { ShippedTemplateError, TEMPLATE_FILE, shippedDeployment } from '../../bin/bundle/simulate';
import { packageVersion } from '../../cli/package-info';
import { PackageRootNotFoundError, findPackage } from '../../lib/contract/package-root';
import { type CommandLoaders, LOCAL_HELP, localRuntimeArgs, run } from '../../cli/run';
import { synthesizeTemplate } from '../../local/template/synthesis';

const ROOT = path.resolve(__dirname, '..', '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Loaders that record what they were given; `loaded` names the halves loaded. */
function recordingLoaders(): { loaders: CommandLoaders; loaded: string[]; argv: (readonly string[])[] } {
  const loaded: string[] = [];
  const argv: (readonly string[])[] = [];
  const half = (name: string, code: number) => async () => {
    loaded.push(name);
    return async (args: readonly string[]) => {
      argv.push(args);
      return code;
    };
  };
  return { loaders: { operator: half('operator', 3), localRuntime: half('localRuntime', 4) }, loaded, argv };
}

async function runRecorded(args: string[]) {
  const { loaders, loaded, argv } = recordingLoaders();
  const lines: string[] = [];
  const code = await run(args, loaders, (line) => lines.push(line));
  return { code, lines, loaded, argv };
}

describe('run: what loads nothing', () => {
  it.each([
    [['--version'], VERSION],
    [['-v'], VERSION],
    [['--help'], HELP.global],
    [['-h'], HELP.global],
    [['help'], HELP.global],
    [['list', '--help'], HELP.list],
    [['help', 'watch'], HELP.watch],
    [['simulate', '--help'], LOCAL_HELP.simulate],
    [['simulate', '--scenario', 's.json', '-h'], LOCAL_HELP.simulate],
    [['help', 'simulate'], LOCAL_HELP.simulate],
    [['serve', '--help'], LOCAL_HELP.serve],
    [['help', 'serve'], LOCAL_HELP.serve],
  ])('%j prints its text, exit 0, loading neither half', async (args, text) => {
    expect(await runRecorded(args)).toEqual({ code: 0, lines: [text], loaded: [], argv: [] });
  });
});

describe('run: dispatch', () => {
  it.each([
    [['simulate'], 'localRuntime', [], 4],
    [['simulate', '--scenario', 's.json', '--rule', 'p.json'], 'localRuntime', ['--scenario', 's.json', '--rule', 'p.json'], 4],
    [['serve', '--port', '0'], 'localRuntime', ['--serve', '--port', '0'], 4],
    [['serve', '--serve'], 'localRuntime', ['--serve'], 4],
    [['list', '--status', 'PENDING'], 'operator', ['list', '--status', 'PENDING'], 3],
    [['watch', 'bp-1'], 'operator', ['watch', 'bp-1'], 3],
    // Mistakes are the operator CLI's to report (one line, exit 2), with the usual wording.
    [[], 'operator', [], 3],
    [['--version', 'list'], 'operator', ['--version', 'list'], 3],
    [['lsit'], 'operator', ['lsit'], 3],
  ])('%j goes to %s with %j', async (args, half, handed, code) => {
    expect(await runRecorded(args)).toEqual({ code, lines: [], loaded: [half], argv: [handed] });
  });

  test('localRuntimeArgs: serve is --serve, simulate is npm start as it is', () => {
    expect(localRuntimeArgs('serve', ['--speed', '100'])).toEqual(['--serve', '--speed', '100']);
    expect(localRuntimeArgs('simulate', ['--verbose'])).toEqual(['--verbose']);
  });
});

describe('package-info', () => {
  test('finds the package root and version by walking up from any folder inside it', () => {
    expect(findPackage(path.join(ROOT, 'cli', 'bundle')).root).toBe(ROOT);
    expect(packageVersion(path.join(ROOT, 'assets', 'cli'))).toBe(VERSION);
  });

  test('outside the package: PackageRootNotFoundError naming the directory', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-no-package-'));
    try {
      expect(() => findPackage(outside)).toThrow(PackageRootNotFoundError);
      expect(() => findPackage(outside)).toThrow(`no package.json named batch-prediction-poller above ${outside}`);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('the bundled local runtime', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-shipped-template-'));
    const { template, stackName } = synthesizeTemplate();
    fs.writeFileSync(path.join(dir, TEMPLATE_FILE), JSON.stringify({ stackName, template }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('every function of the shipped template has its handler module bundled, exporting its factory', () => {
    const deployment = shippedDeployment(dir);
    expect(deployment.functions.length).toBeGreaterThanOrEqual(3);
    for (const fn of deployment.functions) expect(typeof loadBundledHandlerModule(fn)[fn.factory]).toBe('function');
    expect(deployment.stateMachines).toHaveLength(1);
  });

  test('an entry the bundle does not carry: UnknownHandlerEntryError naming it and the fix', () => {
    expect(() => loadBundledHandlerModule({ entry: '/pkg/lambda/renamed-handler.ts' })).toThrow(UnknownHandlerEntryError);
    expect(() => loadBundledHandlerModule({ entry: '/pkg/lambda/renamed-handler.ts' })).toThrow(
      /handler entry \/pkg\/lambda\/renamed-handler\.ts, which this CLI bundle does not carry \(it has poll-handler, report-failure-handler, starter-handler\): rebuild with npm run build:cli/,
    );
  });

  test('no template next to the bundle: ShippedTemplateError naming the file and the fix', () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    expect(() => shippedDeployment(empty)).toThrow(ShippedTemplateError);
    expect(() => shippedDeployment(empty)).toThrow(
      `cannot read the synthesized template ${path.join(empty, TEMPLATE_FILE)} (ENOENT): reinstall the package, or from a clone run npm run build:cli`,
    );
  });
});
