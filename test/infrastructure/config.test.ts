import { App, Duration, Stack } from 'aws-cdk-lib';
import { BatchPredictionPoller } from '../../lib/batch-prediction-poller';
import type { BatchPredictionPollerProps } from '../../lib/poller/props';
import { CONTEXT_KEYS, PollerConfigError, readPollerAppConfig } from '../../lib/config';
import { DEFAULT_EVENT_SOURCE } from '../../lib/contract/events';
import { DEFAULT_POLL_INTERVAL_POLICY, type PollIntervalPolicy } from '../../lib/contract/poll-interval-policy';
import { PollInterval } from '../../lib/poller/poll-interval';
import { contextFromCdkJson, thrownBy } from './synth';

/** Reads the app config from a plain context object, as `app.node.tryGetContext` would. */
const readFrom = (context: Record<string, unknown>) => readPollerAppConfig((key) => context[key]);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('readPollerAppConfig', () => {
  it.each([
    ['no context at all', {}],
    ['the context in cdk.json', contextFromCdkJson()],
    ['empty strings (e.g. -c alertEmail=)', { eventBusName: '', eventSource: '', alertEmail: '', pollInterval: '', discovery: '' }],
  ])('defaults with %s', (_what, context) => {
    const config = readFrom(context);
    expect(config).toMatchObject({
      eventSource: DEFAULT_EVENT_SOURCE,
      eventBusName: undefined,
      alertEmail: undefined,
      maxPollsPerExecution: undefined,
      // Discovery is on unless switched off.
      discovery: true,
    });
    expect(config.pollInterval.policy).toEqual(DEFAULT_POLL_INTERVAL_POLICY);
  });

  it.each<[string, Record<string, unknown>, PollIntervalPolicy]>([
    ['pollInterval: 60 (number, as in cdk.json)', { pollInterval: 60 }, { kind: 'fixed', intervalSeconds: 60 }],
    ['pollInterval: "60" (string, as from -c pollInterval=60)', { pollInterval: '60' }, { kind: 'fixed', intervalSeconds: 60 }],
    [
      'adaptive with initial and max',
      { pollInterval: 'adaptive', pollInitialSeconds: '10', pollMaxSeconds: 600 },
      { ...(DEFAULT_POLL_INTERVAL_POLICY as Extract<PollIntervalPolicy, { kind: 'adaptive' }>), initialSeconds: 10, maxSeconds: 600 },
    ],
  ])('%s → poll interval policy', (_what, context, policy) => {
    expect(readFrom(context).pollInterval.policy).toEqual(policy);
  });

  it.each([
    ['eventBusName', { eventBusName: 'existing-bus' }, { eventBusName: 'existing-bus' }],
    ['eventSource', { eventSource: 'my.poller' }, { eventSource: 'my.poller' }],
    ['alertEmail', { alertEmail: 'oncall@example.com' }, { alertEmail: 'oncall@example.com' }],
    ['maxPollsPerExecution as a string', { maxPollsPerExecution: '500' }, { maxPollsPerExecution: 500 }],
    ['discovery: false (boolean, as in cdk.json)', { discovery: false }, { discovery: false }],
    ['discovery: "false" (string, as from -c discovery=false)', { discovery: 'false' }, { discovery: false }],
    ['discovery: true (boolean)', { discovery: true }, { discovery: true }],
    ['discovery: "true" (string)', { discovery: 'true' }, { discovery: true }],
    ['maxRestarts: 0 (number, as in cdk.json)', { maxRestarts: 0 }, { maxRestarts: 0 }],
    ['maxRestarts: "5" (string, as from -c maxRestarts=5)', { maxRestarts: '5' }, { maxRestarts: 5 }],
  ])('reads %s', (_key, context, expected) => {
    expect(readFrom(context)).toMatchObject(expected);
  });

  // Each message must name the key and the offending value, and say what to use instead.
  it.each<[string, Record<string, unknown>, RegExp[]]>([
    [
      'an "aws." event source',
      { eventSource: 'aws.ml' },
      [/eventSource/, /"aws\.ml"/, /must not start with "aws\."/, new RegExp(`use e\\.g\\. "${escapeRegExp(DEFAULT_EVENT_SOURCE)}"`)],
    ],
    ['a non-string event source', { eventSource: 42 }, [/eventSource/, /must be a string/, /42/]],
    ['a word as poll interval', { pollInterval: 'fast' }, [/pollInterval/, /"fast"/, /"adaptive" or a whole number/, /-c pollInterval=60/]],
    ['a zero poll interval', { pollInterval: 0 }, [/pollInterval/, /got 0/]],
    ['a fractional poll interval', { pollInterval: 1.5 }, [/pollInterval/, /1\.5/]],
    ['a poll interval above a day', { pollInterval: 86401 }, [/"pollInterval"/, /86401/, /1 to 86400/]],
    ['a zero initial wait', { pollInitialSeconds: 0 }, [/pollInitialSeconds/, /got 0/]],
    [
      'a max wait below the initial wait',
      { pollInitialSeconds: 600, pollMaxSeconds: 60 },
      [/"pollMaxSeconds"/, /60/, /"pollInitialSeconds"/, /600/],
    ],
    ['a malformed email', { alertEmail: 'not-an-email' }, [/alertEmail/, /"not-an-email"/, /email address/]],
    ['an event bus name with a space and "!"', { eventBusName: 'bad name!' }, [/eventBusName/, /"bad name!"/, /letters, digits/]],
    ['zero polls per execution', { maxPollsPerExecution: 0 }, [/maxPollsPerExecution/, /got 0/]],
    ['a word as discovery', { discovery: 'no' }, [/"discovery"/, /must be true or false/, /"no"/, /-c discovery=false/]],
    ['a number as discovery', { discovery: 0 }, [/"discovery"/, /must be true or false/, /got 0/]],
    ['a capitalized "False" as discovery', { discovery: 'False' }, [/"discovery"/, /"False"/]],
  ])('rejects %s with a PollerConfigError naming the value and the fix', (_what, context, patterns) => {
    const error = thrownBy(() => readFrom(context));
    expect(error).toBeInstanceOf(PollerConfigError);
    expect(error.name).toBe('PollerConfigError');
    for (const pattern of patterns) expect(error.message).toMatch(pattern);
  });

  it('reads exactly the keys CONTEXT_KEYS documents (discovery included)', () => {
    const read = new Set<string>();
    readPollerAppConfig((key) => {
      read.add(key);
      return undefined;
    });
    expect([...read].sort()).toEqual(Object.keys(CONTEXT_KEYS).sort());
    expect(CONTEXT_KEYS.discovery).toMatch(/true.*false/);
  });

  // Errors about pollInitialSeconds/pollMaxSeconds must not be reworded as pollInterval errors.
  it('the message for a bad pollInitialSeconds does not suggest "adaptive"', () => {
    expect(thrownBy(() => readFrom({ pollInitialSeconds: 0 })).message).not.toMatch(/adaptive/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['adaptive options with a fixed interval', { pollInterval: 60, pollInitialSeconds: 10 }, /apply to the adaptive interval only/],
    [
      'maxPollsPerExecution above 2000',
      { maxPollsPerExecution: 5000 },
      /"maxPollsPerExecution" must be at most 2000, got 5000|at most 2000.*5000/,
    ],
    [
      'maxRestarts above 10',
      { maxRestarts: 11 },
      /^Context "maxRestarts" must be a whole number from 0 to 10, got 11; e\.g\. -c maxRestarts=3$/,
    ],
    ['maxRestarts as a word', { maxRestarts: 'many' }, /^Context "maxRestarts" must be a whole number from 0 to 10, got "many"/],
    ['a negative maxRestarts', { maxRestarts: '-1' }, /"maxRestarts" .* got "-1"/],
  ])('rejects %s with a PollerConfigError', (_label, context, pattern) => {
    const error = thrownBy(() => readFrom(context));
    expect(error).toBeInstanceOf(PollerConfigError);
    expect(error.message).toMatch(pattern);
  });
});

describe('BatchPredictionPoller props', () => {
  // Validation runs before any resource is created, so no synthesis is needed.
  const construct = (props: BatchPredictionPollerProps) => () => new BatchPredictionPoller(new Stack(new App(), 'S'), 'P', props);

  it.each<[string, BatchPredictionPollerProps, RegExp[]]>([
    ['an "aws." event source', { eventSource: 'aws.x' }, [/eventSource/, /"aws\.x"/, /aws\./]],
    ['an empty event source', { eventSource: '' }, [/eventSource/, /1 to 256/]],
    ['zero polls per execution', { maxPollsPerExecution: 0 }, [/maxPollsPerExecution/, /got 0/]],
    ['a fractional polls per execution', { maxPollsPerExecution: 1.5 }, [/maxPollsPerExecution/, /1\.5/]],
    // About 9 history events per poll: more than 2,000 polls risks the 25,000-event limit.
    ['too many polls per execution', { maxPollsPerExecution: 2001 }, [/maxPollsPerExecution/, /2001/]],
    ['a run shorter than a minute', { maxRunDuration: Duration.seconds(59) }, [/maxRunDuration/, /59/]],
    ['a malformed email', { alertEmail: 'not-an-email' }, [/alertEmail/, /not-an-email/]],
    ['a state machine name with spaces', { stateMachineName: 'my poller' }, [/stateMachineName/, /"my poller"/]],
    // EventBridge rate expressions take whole minutes.
    ['a sweep interval under a minute', { sweepInterval: Duration.seconds(30) }, [/sweepInterval/, /30 s/]],
    ['a sweep interval of a fraction of minutes', { sweepInterval: Duration.seconds(90) }, [/sweepInterval/, /90 s/]],
    ['a sweep interval over a day', { sweepInterval: Duration.hours(25) }, [/sweepInterval/, /90000 s/]],
    ['negative restarts', { maxRestarts: -1 }, [/maxRestarts/, /0 to 10/, /got -1/]],
    ['too many restarts', { maxRestarts: 11 }, [/maxRestarts/, /0 to 10/, /got 11/]],
    ['a fractional number of restarts', { maxRestarts: 2.5 }, [/maxRestarts/, /got 2\.5/]],
    ['a restart backoff under a minute', { restartBackoff: Duration.seconds(30) }, [/restartBackoff/, /30 s/]],
    ['a restart backoff over a day', { restartBackoff: Duration.hours(25) }, [/restartBackoff/, /90000 s/]],
  ])('rejects %s, naming the value', (_what, props, patterns) => {
    const error = thrownBy(construct(props));
    for (const pattern of patterns) expect(error.message).toMatch(pattern);
  });
});

describe('PollInterval', () => {
  it.each<[string, () => PollInterval, RegExp[]]>([
    ['a zero fixed interval', () => PollInterval.fixed(Duration.seconds(0)), [/intervalSeconds/, /got 0/]],
    ['a fixed interval above a day', () => PollInterval.fixed(Duration.days(2)), [/intervalSeconds/, /172800/]],
    [
      'an adaptive max below its initial wait',
      () => PollInterval.adaptive({ initial: Duration.seconds(600), max: Duration.seconds(60) }),
      [/maxSeconds/, /initialSeconds/, /600/],
    ],
    ['a jitter ratio of 1', () => PollInterval.adaptive({ jitterRatio: 1 }), [/jitterRatio/, /got 1/]],
    ['a negative jitter ratio', () => PollInterval.adaptive({ jitterRatio: -0.1 }), [/jitterRatio/, /-0\.1/]],
  ])('rejects %s, naming the field', (_what, make, patterns) => {
    const error = thrownBy(make);
    expect(error.message).toMatch(/^Invalid poll interval: /);
    for (const pattern of patterns) expect(error.message).toMatch(pattern);
  });

  it.each<[string, () => PollInterval, PollIntervalPolicy]>([
    ['adaptive() → the contract default', () => PollInterval.adaptive(), DEFAULT_POLL_INTERVAL_POLICY],
    ['fixed(1 min)', () => PollInterval.fixed(Duration.minutes(1)), { kind: 'fixed', intervalSeconds: 60 }],
    [
      'adaptive with every option',
      () => PollInterval.adaptive({ initial: Duration.seconds(10), max: Duration.minutes(10), jitterRatio: 0 }),
      { kind: 'adaptive', initialSeconds: 10, maxSeconds: 600, jitterRatio: 0 },
    ],
  ])('%s', (_what, make, policy) => {
    expect(make().policy).toEqual(policy);
  });
});
