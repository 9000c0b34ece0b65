/**
 * One validation path for settings: the construct's validator checks both its props and the app's
 * `-c` context values (after context reading has only coerced types), with one wording and one
 * named error; only the way a message names the setting differs. And every default is a named
 * constant, the one `@default` documents.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { BatchPredictionPoller } from '../../lib/batch-prediction-poller';
import { type BatchPredictionPollerProps, withDefaults } from '../../lib/poller/props';
import { PollerConfigError } from '../../lib/contract/config-error';
import { readPollerAppConfig } from '../../lib/config';
import { DEFAULT_POLL_INTERVAL_POLICY } from '../../lib/contract/poll-interval-policy';
import * as pkg from '../../lib/index';
import { PollInterval } from '../../lib/poller/poll-interval';
import { thrownBy } from './synth';

const construct = (props: BatchPredictionPollerProps) => () => new BatchPredictionPoller(new Stack(new App(), 'S'), 'P', props);
const readFrom = (context: Record<string, unknown>) => () => readPollerAppConfig((key) => context[key]);

describe('one rule, named for where the setting came from', () => {
  it.each<[string, () => unknown, string]>([
    ['maxRestarts prop', construct({ maxRestarts: 11 }), "'maxRestarts' must be a whole number from 0 to 10, got 11; e.g. maxRestarts: 3"],
    [
      'maxRestarts context',
      readFrom({ maxRestarts: 11 }),
      'Context "maxRestarts" must be a whole number from 0 to 10, got 11; e.g. -c maxRestarts=3',
    ],
    [
      'maxPollsPerExecution prop',
      construct({ maxPollsPerExecution: 2001 }),
      "'maxPollsPerExecution' must be a whole number of at least 1 and at most 2000 (about 18,000 history events per execution, below Step Functions' 25,000), got 2001; e.g. maxPollsPerExecution: 1000",
    ],
    [
      'maxPollsPerExecution context, as given with -c',
      readFrom({ maxPollsPerExecution: '2001' }),
      'Context "maxPollsPerExecution" must be a whole number of at least 1 and at most 2000 (about 18,000 history events per execution, below Step Functions\' 25,000), got "2001"; e.g. -c maxPollsPerExecution=1000',
    ],
    [
      'alertEmail prop',
      construct({ alertEmail: 'nobody' }),
      "'alertEmail' must be an email address, got \"nobody\"; e.g. alertEmail: 'oncall@example.com'",
    ],
    [
      'alertEmail context',
      readFrom({ alertEmail: 'nobody' }),
      'Context "alertEmail" must be an email address, got "nobody"; e.g. -c alertEmail=oncall@example.com',
    ],
  ])('%s', (_what, build, message) => {
    const error = thrownBy(build);
    expect(error).toBeInstanceOf(PollerConfigError);
    expect(error.name).toBe('PollerConfigError');
    expect(error.message).toBe(message);
  });

  // Before, context reading did not check the length and the construct then named the prop.
  it('a context event source over 256 characters is refused at context reading, naming the context key', () => {
    expect(thrownBy(readFrom({ eventSource: 'x'.repeat(257) })).message).toBe(
      'Context "eventSource" must be 1 to 256 characters, got 257; use e.g. "batch-prediction-poller"',
    );
  });

  // Context reading only coerces: a value that is no number reaches the validator, which names the
  // key and shows the value as given.
  it.each<[string, Record<string, unknown>, string | RegExp]>([
    [
      'a word as pollInitialSeconds',
      { pollInitialSeconds: 'soon' },
      'Context "pollInitialSeconds" must be a whole number of seconds from 1 to 86400, got "soon"; e.g. -c pollInitialSeconds=30 -c pollMaxSeconds=300',
    ],
    [
      '"5m" as pollMaxSeconds',
      { pollMaxSeconds: '5m' },
      'Context "pollMaxSeconds" must be a whole number of seconds from 1 to 86400, got "5m"; e.g. -c pollInitialSeconds=30 -c pollMaxSeconds=300',
    ],
    [
      'a negative pollInterval',
      { pollInterval: -5 },
      'Context "pollInterval" must be a whole number of seconds from 1 to 86400, got -5; e.g. -c pollInterval=60',
    ],
    [
      'a word as maxPollsPerExecution',
      { maxPollsPerExecution: 'lots' },
      /^Context "maxPollsPerExecution" must be a whole number .*, got "lots"; e\.g\. -c maxPollsPerExecution=1000$/,
    ],
  ])('%s: coerced, then refused by the validator, naming the key and the value as given', (_what, context, message) => {
    const error = thrownBy(readFrom(context));
    expect(error).toBeInstanceOf(PollerConfigError);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it.each<[string, () => unknown]>([
    ['a construct prop', construct({ sweepInterval: Duration.seconds(90) })],
    ['a poll interval', () => PollInterval.fixed(Duration.seconds(0))],
    ['a context value', readFrom({ discovery: 'maybe' })],
  ])('%s fails with the one named settings error', (_what, build) => {
    const error = thrownBy(build);
    expect(error).toBeInstanceOf(PollerConfigError);
    expect(error.name).toBe('PollerConfigError');
  });
});

describe('defaults', () => {
  const defaults = withDefaults({});
  it.each<[keyof BatchPredictionPollerProps, unknown]>([
    ['eventSource', pkg.PollerDefaults.EVENT_SOURCE],
    ['maxRunDuration', pkg.PollerDefaults.MAX_RUN_DURATION],
    ['maxPollsPerExecution', pkg.PollerDefaults.MAX_POLLS_PER_EXECUTION],
    ['historyRemovalPolicy', pkg.PollerDefaults.HISTORY_REMOVAL_POLICY],
    ['logRetention', pkg.PollerDefaults.LOG_RETENTION],
    ['targetRetryAttempts', pkg.PollerDefaults.TARGET_RETRY_ATTEMPTS],
    ['targetMaxEventAge', pkg.PollerDefaults.TARGET_MAX_EVENT_AGE],
    ['discovery', pkg.PollerDefaults.DISCOVERY],
    ['sweepInterval', pkg.PollerDefaults.SWEEP_INTERVAL],
    ['maxRestarts', pkg.PollerDefaults.MAX_RESTARTS],
    ['restartBackoff', pkg.PollerDefaults.RESTART_BACKOFF],
    ['schemaRegistry', pkg.PollerDefaults.SCHEMA_REGISTRY],
    ['machineLearningRegions', pkg.PollerDefaults.MACHINE_LEARNING_REGIONS],
  ])('%s defaults to the named constant the package exports', (prop, constant) => {
    expect(constant).toBeDefined();
    expect(defaults[prop]).toBe(constant);
  });

  it('the poll interval defaults to the contract policy', () => {
    expect(defaults.pollInterval.policy).toEqual(DEFAULT_POLL_INTERVAL_POLICY);
  });

  // Every `@default` of the props names an exported constant (or, after "-", says what happens).
  it('every @default of BatchPredictionPollerProps names an exported constant or describes the default', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'poller', 'props.ts'), 'utf8');
    const body = source.slice(source.indexOf('export interface BatchPredictionPollerProps'));
    const named = [...body.slice(0, body.indexOf('\n}\n')).matchAll(/@default (\S+)/g)].map((m) => m[1]);
    expect(named.length).toBe(19);
    for (const name of named) {
      if (name === '-' || name === 'PollInterval.adaptive()') continue;
      // `PollerDefaults.X`: a static member of a class the package exports (jsii carries no
      // module-level constants into other languages).
      const [owner, member] = name.split('.');
      expect(Object.keys(pkg)).toContain(owner);
      expect(Object.keys(new Map<string, object>(Object.entries(pkg)).get(owner) ?? {})).toContain(member);
    }
  });
});
