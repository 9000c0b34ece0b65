/**
 * The command line: parsing, validation of ids and statuses, help texts, usage errors (exit 2), and
 * the `bin` shim and `npm run cli` entry as a user runs them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HELP, parseArgs, validateBatchPredictionId } from '../../cli/args';

import { DEFAULT_STACK_NAME } from '../../lib/contract/stack-outputs';
import { ALL_STATUSES } from '../../lib/contract/events';
import { cloudFormation, resetMocks, restoreMocks, run } from './support';
import { UsageError } from '../../lib/contract/usage-error';

const ROOT = path.resolve(__dirname, '..', '..');

beforeEach(resetMocks);
afterAll(restoreMocks);

describe('parseArgs', () => {
  test('defaults: stack BatchPredictionPoller, region from the SDK chain, text output', () => {
    expect(parseArgs(['watch', 'bp-1'])).toEqual({
      command: 'watch',
      help: false,
      json: false,
      restart: false,
      id: 'bp-1',
      stackName: 'BatchPredictionPoller',
      region: undefined,
    });
    expect(DEFAULT_STACK_NAME).toBe('BatchPredictionPoller');
  });

  test.each<[string[]]>([[['watch', '--restart', 'bp-1']], [['watch', 'bp-1', '--restart']], [['--restart', 'watch', 'bp-1']]])(
    'watch --restart anywhere: %j',
    (argv) => {
      expect(parseArgs(argv)).toMatchObject({ command: 'watch', id: 'bp-1', restart: true });
    },
  );

  test.each<[string[], RegExp]>([
    [['history', 'bp-1', '--restart'], /^--restart is an option of watch, not of history$/],
    [['list', '--restart'], /^--restart is an option of watch, not of list$/],
    [['watch', 'bp-1', '--restart=yes'], /^--restart takes no value$/],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });

  test('global options go anywhere, with a space or =', () => {
    expect(parseArgs(['--json', 'history', '--stack=Other', 'bp-1', '--region', 'us-west-2'])).toMatchObject({
      command: 'history',
      id: 'bp-1',
      json: true,
      stackName: 'Other',
      region: 'us-west-2',
    });
  });

  test('list --status: case-insensitive, repeated or comma-separated, de-duplicated', () => {
    expect(parseArgs(['list', '--status', 'failed,INPROGRESS', '--status=Failed']).statuses).toEqual(['FAILED', 'INPROGRESS']);
    expect(parseArgs(['list']).statuses).toBeUndefined();
  });

  test('-- ends the options, so an id may start with -', () => {
    expect(parseArgs(['watch', '--', '-bp-1']).id).toBe('-bp-1');
  });

  test('help: --help, -h and help <command>', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['--json', '--help']]) {
      const parsed = parseArgs(argv);
      expect(parsed.help).toBe(true);
      expect(parsed.command).toBeUndefined();
    }
    expect(parseArgs(['help', 'list'])).toMatchObject({ help: true, command: 'list' });
    // A command's help needs none of its arguments.
    expect(parseArgs(['watch', '--help'])).toMatchObject({ help: true, command: 'watch' });
    expect(parseArgs(['history', '-h'])).toMatchObject({ help: true, command: 'history' });
  });

  test.each([
    [[], /^missing command; run batch-prediction-poller --help/],
    [['wach', 'bp-1'], /^unknown command "wach"; did you mean watch\? commands are watch, history, list/],
    [['deploy'], /^unknown command "deploy"; commands are watch, history, list/],
    [['watch', 'bp-1', '--verbose'], /^unknown option --verbose; see batch-prediction-poller --help$/],
    [['-x', 'list'], /^unknown option -x/],
    [['watch'], /^watch needs a batch prediction id; usage: batch-prediction-poller watch <id>$/],
    [['history', 'a', 'b'], /^history takes one batch prediction id, got 2/],
    [['list', 'bp-1'], /^list takes no arguments, got "bp-1"/],
    [['list', '--stack'], /^--stack needs a value/],
    [['list', '--region', '--json'], /^--region needs a value/],
    [['list', '--json=yes'], /^--json takes no value/],
    [['watch', 'bp-1', '--status', 'FAILED'], /^--status is an option of list, not of watch/],
    [['list', '--status', 'DONE'], /^unknown status "DONE" for --status; use one of PENDING, INPROGRESS, COMPLETED, FAILED, DELETED$/],
    [['list', '--status', 'FAILED,'], /^unknown status "" for --status/],
    [['watch', 'bp 1'], /^invalid batch prediction id "bp 1"; an id is 1 to 64 letters, digits/],
    [['help', 'watch', 'list'], /^help takes at most one command/],
  ])('%j is a usage error', (argv, message) => {
    let error: unknown;
    try {
      parseArgs(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).line).toMatch(message);
    expect((error as UsageError).exitCode).toBe(2);
  });
});

describe('validateBatchPredictionId', () => {
  test.each(['bp-1', 'a', 'ebp-2Xk7.Q_z', 'x'.repeat(64)])('accepts %s', (id) => {
    expect(validateBatchPredictionId(id)).toBe(id);
  });

  test.each(['', 'x'.repeat(65), 'bp 1', 'bp/1', 'bp+g2', 'bp:1', 'ébp', '{"id":1}'])('rejects %j', (id) => {
    expect(() => validateBatchPredictionId(id)).toThrow(UsageError);
  });
});

describe('help', () => {
  test('global --help lists the commands and options, on stdout, exit 0, without calling AWS', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(HELP.global);
    expect(stdout).toMatch(/^Usage: batch-prediction-poller <command> \[options\]/);
    for (const text of [
      'watch <id>',
      'history <id>',
      'list [--status S]',
      '--stack NAME',
      'default: BatchPredictionPoller',
      '--region REGION',
      '--json',
      '-h, --help',
      'AWS_ENDPOINT_URL',
      'Exit codes: 0 success, 1 error, 2 usage error',
    ]) {
      expect(stdout).toContain(text);
    }
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  test.each([
    [
      ['watch', '--help'],
      'watch',
      [
        'Usage: batch-prediction-poller watch <id> [--restart] [options]',
        'StartExecution',
        'already being polled',
        '90 days',
        '--restart',
        '<id>+r<N>',
      ],
    ],
    [
      ['history', 'bp-1', '--help'],
      'history',
      ['Usage: batch-prediction-poller history <id> [options]', 'PREVIOUS → STATUS', 'time spent in the previous'],
    ],
    [['help', 'list'], 'list', ['Usage: batch-prediction-poller list [--status S[,S...]] [options]', ALL_STATUSES.join(', '), 'Scan']],
  ] as const)('%j prints the %s help', async (argv, command, texts) => {
    const { code, stdout } = await run([...argv]);
    expect(code).toBe(0);
    expect(stdout).toBe(HELP[command]);
    for (const text of texts) expect(stdout).toContain(text);
    for (const option of ['--stack NAME', '--region REGION', '--json']) expect(stdout).toContain(option);
  });

  test('no command: one line on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('batch-prediction-poller: missing command; run batch-prediction-poller --help to see watch, history and list');
  });

  test('an invalid id fails before any AWS call', async () => {
    const { code, stderr } = await run(['history', 'no spaces']);
    expect(code).toBe(2);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(cloudFormation.calls()).toHaveLength(0);
  });
});

const TSX_CLI = require.resolve('tsx/cli');

describe('entry points', () => {
  test('package.json: a bin shim and an npm script', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ 'batch-prediction-poller': 'bin/batch-prediction-poller.js' });
    expect(pkg.scripts.cli).toBe('tsx bin/batch-prediction-poller.ts');
    expect(fs.readFileSync(path.join(ROOT, 'bin/batch-prediction-poller.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  // The bin shim runs the bundle (assets/cli), tested from an installed package in
  // test/cli/installed-cli.test.ts; from a clone, npm run cli runs the sources.
  test('tsx bin/batch-prediction-poller.ts (npm run cli) runs the CLI from the sources: --help, and exit 2 on a usage error', () => {
    const help = spawnSync(process.execPath, [TSX_CLI, 'bin/batch-prediction-poller.ts', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(`${HELP.global}\n`);

    const usage = spawnSync(process.execPath, [TSX_CLI, 'bin/batch-prediction-poller.ts', 'list', '--status', 'DONE'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(usage.status).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toBe(
      'batch-prediction-poller: unknown status "DONE" for --status; use one of PENDING, INPROGRESS, COMPLETED, FAILED, DELETED\n',
    );
  });
});
