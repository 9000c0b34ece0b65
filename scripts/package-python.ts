/**
 * `npm run package:python`: the Python package of the construct (a wheel and an sdist in
 * `dist-pacmak/python-dist/`), built from the `.jsii` assembly without reaching PyPI when the
 * build tools are already at hand.
 *
 * `jsii-pacmak --target python` alone needs the network: it creates a virtual environment, installs
 * its pinned build tools into it from PyPI (`setuptools~=75.3.2`, `build~=1.5.0`, `twine~=7.0.0`,
 * node_modules/jsii-pacmak/lib/targets/python/requirements-dev.txt), builds with build isolation
 * (which installs the same pins again) and runs `twine check`. So this script splits the work:
 * 1. `jsii-pacmak --code-only --target python`: the generated Python sources (offline);
 * 2. a virtual environment on top of the system site packages, with `setuptools`, `build` and
 *    `wheel` installed unpinned by pip from whatever index pip is configured with (here, the
 *    machine's offline mirror; elsewhere, PyPI);
 * 3. `python -m build --no-isolation --skip-dependency-check`: the wheel and sdist with those
 *    tools instead of the pinned ones.
 * `twine check` (metadata rendering on PyPI) is left out: twine is not on the offline mirror; run it
 * before publishing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Runs `command`; throws with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Generates the Python sources of the assembly in `<root>/.jsii` into `<outDir>/python`. */
export function generatePythonSources(root: string, outDir: string): string {
  if (!fs.existsSync(path.join(root, '.jsii'))) throw new Error(`${root}/.jsii is missing: run \`npm run build\` first`);
  const pacmak = path.join(root, 'node_modules', '.bin', 'jsii-pacmak');
  // pacmak embeds the `npm pack` tarball; the package is built already (`npm run build`), and its
  // prepare/prepack scripts would rebuild it from sources a scratch copy does not hold.
  run(pacmak, ['--code-only', '--no-npmignore', '--target', 'python', '--outdir', outDir, root], root, {
    ...process.env,
    npm_config_ignore_scripts: 'true',
  });
  return path.join(outDir, 'python');
}

/** Builds the wheel and sdist of the sources in `sourceDir` into `distDir` (see the module docs). */
export function buildPythonPackage(sourceDir: string, distDir: string): readonly string[] {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-python-'));
  try {
    run('python3', ['-m', 'venv', '--system-site-packages', venv], sourceDir);
    const python = path.join(venv, 'bin', 'python');
    // --retries 0: an unreachable PyPI fails fast and pip goes on with the other configured indexes.
    run(python, ['-m', 'pip', 'install', '--no-input', '--retries', '0', '--upgrade', 'setuptools', 'build', 'wheel'], sourceDir);
    fs.rmSync(distDir, { recursive: true, force: true });
    run(python, ['-m', 'build', '--no-isolation', '--skip-dependency-check', '--outdir', distDir, sourceDir], sourceDir);
    return fs.readdirSync(distDir).map((file) => path.join(distDir, file));
  } finally {
    fs.rmSync(venv, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const outDir = path.join(root, 'dist-pacmak');
  const sourceDir = generatePythonSources(root, outDir);
  for (const artifact of buildPythonPackage(sourceDir, path.join(outDir, 'python-dist'))) {
    console.log(`built ${path.relative(root, artifact)} (${fs.statSync(artifact).size} bytes)`);
  }
}
