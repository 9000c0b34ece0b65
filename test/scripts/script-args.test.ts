/**
 * The `npm run` scripts' argv (bench, soak, test:node-versions): flags on `node:util` `parseArgs`,
 * every mistake a named UsageError that says which flag and shows the usage line.
 */
import { parseBenchOptions } from '../../scripts/bench/options';
import { type ScriptFlags, parseScriptArgs, wholeNumberFlag } from '../../scripts/script-args';
import { UsageError } from '../../lib/contract/usage-error';

const FLAGS: ScriptFlags = { json: { type: 'boolean' }, jobs: { type: 'string' }, node: { type: 'string' } };
const USAGE = 'npm run x -- [--json] [--jobs N]';

function usageErrorOf(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).name).toBe('UsageError');
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseScriptArgs', () => {
  it('reads booleans, string values with a space or =, and repeated flags in order', () => {
    const args = parseScriptArgs(['--json', '--node', '22', '--node=24', '--jobs', '5'], FLAGS, { usage: USAGE });
    expect([...args.present]).toEqual(['json']);
    expect(args.values.get('node')).toEqual(['22', '24']);
    expect(args.values.get('jobs')).toEqual(['5']);
    expect(args.rest).toEqual([]);
  });

  it.each<[string[], string]>([
    [['--verbose'], 'unknown option --verbose; usage: npm run x -- [--json] [--jobs N]'],
    [['-x'], 'unknown option -x; usage: npm run x -- [--json] [--jobs N]'],
    [['extra'], 'unexpected argument "extra"; usage: npm run x -- [--json] [--jobs N]'],
    [['--json=yes'], '--json takes no value; usage: npm run x -- [--json] [--jobs N]'],
    [['--jobs'], '--jobs needs a value; usage: npm run x -- [--json] [--jobs N]'],
    [['--jobs='], '--jobs needs a value; usage: npm run x -- [--json] [--jobs N]'],
    [['--jobs', '--json'], '--jobs needs a value; usage: npm run x -- [--json] [--jobs N]'],
  ])('%j: %s', (argv, message) => {
    expect(usageErrorOf(() => parseScriptArgs(argv, FLAGS, { usage: USAGE })).message).toBe(message);
  });

  it('with passThrough, hands every other argument on as typed and in order (jest arguments)', () => {
    const args = parseScriptArgs(['--node', '22', 'test/cli', '-t', 'help x', '-ib', '--ci=true', '--', '--odd'], FLAGS, {
      usage: USAGE,
      passThrough: true,
    });
    expect(args.values.get('node')).toEqual(['22']);
    expect(args.rest).toEqual(['test/cli', '-t', 'help x', '-ib', '--ci=true', '--', '--odd']);
  });
});

describe('wholeNumberFlag', () => {
  const parsed = (value: string) => parseScriptArgs(['--jobs', value], FLAGS, { usage: USAGE });

  it('takes the last value, or the default when the flag is absent', () => {
    expect(wholeNumberFlag(parseScriptArgs(['--jobs=3', '--jobs', '7'], FLAGS, { usage: USAGE }), 'jobs', 10, 1)).toBe(7);
    expect(wholeNumberFlag(parseScriptArgs([], FLAGS, { usage: USAGE }), 'jobs', 10, 1)).toBe(10);
    expect(wholeNumberFlag(parsed('0'), 'jobs', 10, 0)).toBe(0);
  });

  it.each(['0', '-1', '1.5', 'x', '1e3', ' '])('rejects %j below or beside a whole number ≥ 1', (value) => {
    expect(usageErrorOf(() => wholeNumberFlag(parsed(value), 'jobs', 10, 1)).message).toBe(
      `--jobs needs a whole number ≥ 1, got ${JSON.stringify(value)}`,
    );
  });
});

describe('parseBenchOptions', () => {
  it('keeps the bench defaults: text output, 1,000 jobs, 15 init runs, a worker per CPU', () => {
    expect(parseBenchOptions([])).toEqual({ json: false, workers: expect.any(Number), jobs: 1000, initRuns: 15 });
    expect(parseBenchOptions(['--json', '--workers', '2', '--jobs', '10', '--init-runs', '3'])).toEqual({
      json: true,
      workers: 2,
      jobs: 10,
      initRuns: 3,
    });
  });

  it('names an unknown flag with the usage line', () => {
    expect(usageErrorOf(() => parseBenchOptions(['--job', '5'])).message).toBe(
      'unknown option --job; usage: npm run bench -- [--json] [--workers N] [--jobs N] [--init-runs N]',
    );
  });
});
