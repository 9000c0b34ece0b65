/**
 * The CLI as users install it: one tarball packed by `npm pack` (its `prepack` runs the build),
 * installed the three ways the README gives, with nothing but the package itself, so no aws-cdk-lib,
 * no tsx and no SDK in node_modules: `npm install -g` (into a temporary prefix),
 * `npm install --omit=dev --omit=peer` into an app, and `npx --package`. Each prints `--version` and
 * `--help`; from the app install, `simulate` with a scenario and a rule prints what `npm start`
 * prints from the clone, and `serve` answers the installed CLI's `list` and the SDK's StartExecution.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeExecutionCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { HELP } from '../../cli/args';
import { PollerErrorName } from '../../lib/contract/errors';
import { LOCAL_HELP } from '../../cli/run';
import { main as localMain } from '../../local/cli/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Modules the installed CLI must run without. */
const ABSENT = ['aws-cdk-lib', 'constructs', 'tsx', '@aws-sdk/client-sfn', 'aws-local-stepfunctions', 'dynalite'];

let dir: string;
let tarball: string;

/**
 * A `--require` hook reporting on stderr every module the CLI asks Node to find by package name
 * (its own files and Node's built-ins aside): the bundles must ask for none.
 */
const BARE_REQUIRE_HOOK = `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (!/^[./]/.test(request) && !Module.isBuiltin(request)) process.stderr.write('required by name: ' + request + '\\n');
  return resolve.call(this, request, ...rest);
};`;

/** The environment of every child: no inherited AWS settings, and npm quiet. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  return { ...env, ...extra };
}

/** Runs `command` to completion; throws with its output if it fails. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  extra: Record<string, string> = {},
): { stdout: string; stderr: string } {
  const child = spawnSync(command, args, { cwd, env: childEnv(extra), encoding: 'utf8', timeout: 240_000 });
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${child.status}:\n${child.stdout}\n${child.stderr}`);
  return { stdout: child.stdout, stderr: child.stderr };
}

/** Writes `content` as JSON to `name` in the temp directory. */
function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** Every package directory name under `root`'s node_modules trees. */
function installedPackages(root: string): string[] {
  const found: string[] = [];
  const walk = (modules: string) => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? fs.readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        found.push(name);
        walk(path.join(modules, name, 'node_modules'));
      }
    }
  };
  walk(path.join(root, 'node_modules'));
  walk(path.join(root, 'lib', 'node_modules'));
  return found;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-installed-cli-'));
  const packed = run('npm', ['pack', '--json', '--pack-destination', dir], ROOT);
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
  tarball = path.join(dir, filename);
  fs.writeFileSync(path.join(dir, 'bare-require-hook.js'), BARE_REQUIRE_HOOK);
}, 300_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('ships the bundled CLI and the synthesized template, and declares no runtime dependencies', () => {
    const listing = run('tar', ['-tzf', tarball], dir).stdout.split('\n');
    expect(listing).toEqual(
      expect.arrayContaining([
        'package/bin/batch-prediction-poller.js',
        'package/assets/cli/cli.js',
        'package/assets/cli/operator.js',
        'package/assets/cli/simulate.js',
        'package/assets/cli/template.json',
      ]),
    );
    const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], dir).stdout) as { dependencies?: object };
    expect(manifest.dependencies ?? {}).toEqual({});
  });
});

describe('npm install -g', () => {
  test('--version and --help run from the global bin, with nothing else installed', () => {
    const prefix = path.join(dir, 'global');
    run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', tarball], dir);
    const bin = path.join(prefix, 'bin', 'batch-prediction-poller');
    expect(run(bin, ['--version'], dir).stdout).toBe(`${VERSION}\n`);
    expect(run(bin, ['--help'], dir)).toEqual({ stdout: `${HELP.global}\n`, stderr: '' });
    expect(installedPackages(prefix)).toEqual(['batch-prediction-poller']);
  });
});

describe('npx --package', () => {
  test('--help and --version from an empty directory', () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const npx = (args: string[]) =>
      run('npx', ['--yes', '--prefer-offline', '--package', tarball, 'batch-prediction-poller', ...args], empty);
    expect(npx(['--help']).stdout).toBe(`${HELP.global}\n`);
    expect(npx(['--version']).stdout).toBe(`${VERSION}\n`);
  });
});

describe('npm install --omit=dev --omit=peer into an app', () => {
  let app: string;
  let bin: string;

  beforeAll(() => {
    app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'subscriber-app', version: '1.0.0', private: true }));
    run('npm', ['install', '--omit=dev', '--omit=peer', '--prefer-offline', tarball], app);
    bin = path.join(app, 'node_modules', '.bin', 'batch-prediction-poller');
  }, 240_000);

  test('only the package is installed: none of the modules the CLI bundles or never loads', () => {
    expect(installedPackages(app)).toEqual(['batch-prediction-poller']);
    for (const name of ABSENT) expect(() => require.resolve(name, { paths: [app] })).toThrow(/Cannot (find|resolve) module/);
  });

  test('--version, --help, and the help of simulate and serve', () => {
    expect(run(bin, ['--version'], app).stdout).toBe(`${VERSION}\n`);
    const hook = { NODE_OPTIONS: `--require ${path.join(dir, 'bare-require-hook.js')}` };
    expect(run(bin, ['--help'], app, hook)).toEqual({ stdout: `${HELP.global}\n`, stderr: '' });
    expect(run(bin, ['simulate', '--help'], app).stdout).toBe(`${LOCAL_HELP.simulate}\n`);
    expect(run(bin, ['help', 'serve'], app).stdout).toBe(`${LOCAL_HELP.serve}\n`);
  });

  test('simulate --scenario --rule prints what npm start prints from the clone: the timeline and the events the rule matches', async () => {
    const scenario = write('scenario.json', {
      batchPredictions: [
        {
          id: 'bp-scores',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 300, status: 'INPROGRESS' },
            { at: 1800, status: 'COMPLETED', totalRecordCount: 10, invalidRecordCount: 0 },
          ],
        },
        {
          id: 'bp-churn',
          timeline: [
            { at: 0, status: 'INPROGRESS' },
            { at: 600, status: 'FAILED', message: 'no input' },
          ],
        },
      ],
    });
    const rule = write('rule.json', { source: ['batch-prediction-poller'], detail: { status: ['COMPLETED', 'FAILED'] } });
    const hook = { NODE_OPTIONS: `--require ${path.join(dir, 'bare-require-hook.js')}` };
    const installed = run(bin, ['simulate', '--scenario', scenario, '--rule', rule], app, hook);
    // Nothing required by package name, nothing warned.
    expect(installed.stderr).toBe('');

    const fromClone: string[] = [];
    expect(await localMain(['--scenario', scenario, '--rule', rule], (line) => fromClone.push(line))).toBe(0);
    const [installedFirst, ...installedRest] = installed.stdout.split('\n');
    const [cloneFirst, ...cloneRest] = `${fromClone.join('\n')}\n`.split('\n');
    // The one difference: the installed package runs the template synthesized at build time.
    expect(installedFirst).toBe('Starting the local runtime (simulated time, no AWS account)...');
    expect(cloneFirst).toBe('Synthesizing the stack and starting the local runtime (simulated time, no AWS account)...');
    expect(installedRest).toEqual(cloneRest);
    const ruleLines = installedRest.slice(installedRest.findIndex((line) => line.startsWith(`Rule ${rule}:`)));
    expect(ruleLines[0]).toBe(`Rule ${rule}: 2 of 5 event(s) match`);
    expect(ruleLines.slice(1, 3)).toEqual([
      expect.stringMatching(/^ {2}\S+ {2}Batch Prediction Status Change {2}bp-churn {2}FAILED {2}event /),
      expect.stringMatching(/^ {2}\S+ {2}Batch Prediction Status Change {2}bp-scores {2}COMPLETED {2}event /),
    ]);
  }, 120_000);

  test('a mistake in a scenario is one line on stderr and exit code 2', () => {
    const bad = write('bad-scenario.json', { batchPredictions: [{ id: 'bp-1', timeline: [] }] });
    const child = spawnSync(bin, ['simulate', '--scenario', bad], { cwd: app, env: childEnv(), encoding: 'utf8' });
    expect(child.status).toBe(2);
    expect(child.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: .*bad-scenario\.json/)]);
  });

  test('serve: the installed CLI lists the served batch predictions, then Ctrl-C stops it', async () => {
    const scenario = write('served.json', { batchPredictions: [{ id: 'bp-served', timeline: [{ at: 0, status: 'INPROGRESS' }] }] });
    const served: ChildProcess = spawn(bin, ['serve', '--port', '0', '--scenario', scenario], { cwd: app, env: childEnv() });
    served.stdout?.setEncoding('utf8');
    let output = '';
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        served.stdout?.on('data', (chunk: string) => {
          output += chunk;
          // Up once the hints are printed (in one go, before the first event).
          const match = /Serving the local runtime on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match !== null && output.includes('Press Ctrl-C to stop.')) resolve(match[1]);
        });
        served.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
      });
      const env = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
      // The run's first poll may not have been recorded yet when the endpoint comes up.
      let listed = '';
      for (let attempt = 0; attempt < 40 && !listed.includes('bp-served'); attempt++) {
        listed = run(bin, ['list'], app, env).stdout;
        if (!listed.includes('bp-served')) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(listed).toMatch(/bp-served\s+INPROGRESS/);
      // The bundled interpreter runs with the local runtime's JSONPath patch (one jsonpath-plus in
      // the bundle): a run started with input null ends as bad input, not with States.Runtime.
      const sfn = new SFNClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        const [machine] = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
        const { executionArn } = await sfn.send(
          new StartExecutionCommand({ stateMachineArn: machine?.stateMachineArn, name: 'raw-null', input: 'null' }),
        );
        let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        for (let attempt = 0; attempt < 40 && described.status === 'RUNNING'; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        }
        expect(described).toMatchObject({ status: 'FAILED', error: PollerErrorName.INVALID_INPUT });
      } finally {
        sfn.destroy();
      }
      // The hints name the installed command, not the clone's npm run cli.
      expect(output).toContain(`export AWS_ENDPOINT_URL=${endpoint} AWS_REGION=us-east-1`);
      expect(output).toMatch(/^ {2}batch-prediction-poller list$/m);
    } finally {
      const exited = new Promise<number | null>((resolve) => served.once('exit', resolve));
      served.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 120_000);
});
