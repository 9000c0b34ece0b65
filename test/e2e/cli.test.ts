/**
 * The `npm start` contract: the demo's readable timeline; `--scenario` with `--events-out`,
 * `--history-out`, `--summary-out` and `--rule`; deterministic output; and one-line errors with a
 * non-zero exit for a bad scenario, an unknown option or a malformed pattern.
 *
 * Runs `main` in-process (each call synthesizes the stack, so there are three) and spawns the real
 * entry point for the exit-code and stderr contract (those runs fail before synthesis, so they are
 * quick).
 */
import { spawnSync } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DetailType } from '../../lib/contract/events';
import { main, parseArgs } from '../../local/cli/cli';
import { DEFAULT_SERVE_PORT } from '../../lib/contract/local-runtime-command';
import { EventPatternError } from '../../local/core/event-pattern-model';
import { UsageError } from '../../lib/contract/usage-error';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-cli-test-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` (JSON unless a string) to a file in the test's temp directory. */
function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Runs `main` in-process; resolves with its exit code and printed lines. */
async function runMain(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(argv, (line) => lines.push(...line.split('\n')));
  return { code, lines };
}

/** Runs the real entry point as `npm start` does (`tsx bin/batch-prediction-poller.ts simulate ...`). */
function spawnCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  // Let the child decide for itself whether the SDK's Node-version warning shows.
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const child = spawnSync('npx', ['tsx', 'bin/batch-prediction-poller.ts', 'simulate', ...args], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (child.error) throw child.error;
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const ndjson = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const SCENARIO = {
  batchPredictions: [
    {
      id: 'bp-scores',
      timeline: [
        { at: 0, status: 'PENDING' },
        { at: 600, status: 'INPROGRESS' },
        { at: 3600, status: 'COMPLETED', totalRecordCount: 5000, invalidRecordCount: 0 },
      ],
    },
    {
      id: 'bp-churn',
      timeline: [
        { at: 0, status: 'PENDING' },
        { at: 900, status: 'FAILED', message: 'Input not accessible' },
      ],
    },
    { id: 'bp-typo', missing: true },
  ],
  faults: [{ operation: 'GetBatchPrediction', id: 'bp-scores', error: 'InternalServerException', times: 1 }],
};
const TERMINAL_RULE = {
  source: ['batch-prediction-poller'],
  'detail-type': ['Batch Prediction Status Change'],
  detail: { status: ['COMPLETED', 'FAILED'] },
};
const POLLING_FAILED_RULE = { 'detail-type': ['Batch Prediction Polling Failed'] };

const ENVELOPE_KEYS = ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version'];
const EXECUTION_KEYS = ['batchPredictionId', 'error', 'historyEvents', 'name', 'polls', 'simulatedSeconds', 'stateTransitions', 'status'];
const HISTORY_KEYS = ['batchPredictionId', 'status', 'previousStatus', 'eventId', 'observedAt', 'runId'];

describe('npm start (in-process)', () => {
  it('runs the built-in demo and prints the timeline, the alerts and the totals', async () => {
    const { code, lines } = await runMain([]);
    expect(code).toBe(0);
    const has = (pattern: RegExp) => expect(lines.some((l) => pattern.test(l))).toBe(true);
    has(/bp-nightly-scores\s+— → PENDING/);
    has(/PENDING → INPROGRESS/);
    has(/INPROGRESS → COMPLETED/);
    has(/INPROGRESS → FAILED/);
    has(/bp-nightly-scroes\s+polling failed: NOT_FOUND \(BatchPredictionNotFoundError\)/);
    has(/↳ rule \S*FailedStatusRule\S* → SNS topic \S+: Batch prediction bp-churn-weekly/);
    has(/↳ rule \S*PollingFailedRule\S* → SNS topic \S+: Polling batch prediction bp-nightly-scroes failed \(NOT_FOUND/);
    has(/^Totals: 3 execution\(s\) \(2 succeeded, 1 failed, 0 timed out\), 7 event\(s\), 6 history item\(s\), .* 2 fault\(s\) injected/);
  });

  it('writes events, history and summary in the documented shapes, prints rule matches, and does it the same way twice', async () => {
    const scenarioFile = write('scenario.json', SCENARIO);
    const terminalRule = write('terminal-rule.json', TERMINAL_RULE);
    const failedRule = write('polling-failed-rule.json', POLLING_FAILED_RULE);
    const outs = (n: number) => ({
      events: path.join(dir, `events-${n}.ndjson`),
      history: path.join(dir, `history-${n}.ndjson`),
      summary: path.join(dir, `summary-${n}.json`),
    });
    const args = (o: ReturnType<typeof outs>) => [
      '--scenario',
      scenarioFile,
      '--events-out',
      o.events,
      `--history-out=${o.history}`,
      '--summary-out',
      o.summary,
      '--rule',
      terminalRule,
      '--rule',
      failedRule,
    ];
    const first = outs(1);
    const { code, lines } = await runMain(args(first));
    expect(code).toBe(0);
    expect(lines).toContain(`${scenarioFile}: 3 batch prediction(s), starting 2026-01-05T00:00:00.000Z`);

    // --events-out: NDJSON of EventBridge envelopes in delivery order.
    const events = ndjson(first.events);
    expect(events).toHaveLength(6);
    for (const e of events) expect(Object.keys(e).sort()).toEqual(ENVELOPE_KEYS);
    const times = events.map((e) => String(e.time));
    expect([...times].sort()).toEqual(times);
    const changes = events.filter((e) => e['detail-type'] === DetailType.STATUS_CHANGE).map((e) => e.detail as Record<string, unknown>);
    const summarize = (id: string) =>
      changes.filter((d) => d.batchPredictionId === id).map((d) => `${d.sequence}:${d.previousStatus}→${d.status}`);
    expect(summarize('bp-scores')).toEqual(['1:null→PENDING', '2:PENDING→INPROGRESS', '3:INPROGRESS→COMPLETED']);
    expect(summarize('bp-churn')).toEqual(['1:null→PENDING', '2:PENDING→FAILED']);
    const failures = events.filter((e) => e['detail-type'] === DetailType.POLLING_FAILED).map((e) => e.detail as Record<string, unknown>);
    expect(failures).toEqual([expect.objectContaining({ batchPredictionId: 'bp-typo', reason: 'NOT_FOUND' })]);
    expect(fs.readFileSync(first.events, 'utf8')).not.toContain('X-Amz-Signature');

    // --history-out: one item per status change, with at least the documented keys.
    const history = ndjson(first.history);
    expect(history).toHaveLength(changes.length);
    for (const item of history) for (const key of HISTORY_KEYS) expect(item).toHaveProperty(key);
    expect(history.map((h) => h.eventId).sort()).toEqual(changes.map((d) => d.eventId).sort());
    expect(fs.readFileSync(first.history, 'utf8')).not.toContain('X-Amz-Signature');

    // --summary-out: executions and totals.
    const summary = JSON.parse(fs.readFileSync(first.summary, 'utf8')) as {
      executions: Record<string, unknown>[];
      totals: Record<string, unknown>;
    };
    expect(Object.keys(summary).sort()).toEqual(['executions', 'queues', 'totals']);
    expect(summary.executions).toHaveLength(3);
    for (const e of summary.executions) expect(Object.keys(e).sort()).toEqual(EXECUTION_KEYS);
    expect(summary.executions.map((e) => [e.name, e.batchPredictionId, e.status, e.error])).toEqual([
      ['bp-scores', 'bp-scores', 'SUCCEEDED', null],
      ['bp-churn', 'bp-churn', 'SUCCEEDED', null],
      ['bp-typo', 'bp-typo', 'FAILED', 'BatchPredictionNotFoundError'],
    ]);
    expect(summary.totals).toMatchObject({
      executions: 3,
      succeeded: 2,
      failed: 1,
      events: 6,
      historyItems: 5,
      faultsInjected: 1,
      queuedMessages: 0,
    });
    // The template's one queue, the dead-letter queue: nothing landed in it.
    expect((summary as unknown as { queues: unknown }).queues).toEqual([
      { logicalId: expect.stringMatching(/DeadLetterQueue/), name: expect.any(String), messages: [] },
    ]);

    // --rule: which delivered events each pattern matches.
    expect(lines).toContain(`Rule ${terminalRule}: 2 of 6 event(s) match`);
    expect(lines).toContain(`Rule ${failedRule}: 1 of 6 event(s) match`);
    const terminalIds = changes.filter((d) => d.status === 'COMPLETED' || d.status === 'FAILED').map((d) => String(d.eventId));
    for (const id of terminalIds)
      expect(lines.some((l) => l.includes(`event ${id}`) && /Batch Prediction Status Change/.test(l))).toBe(true);

    // The same scenario gives the same output, byte for byte.
    const second = outs(2);
    const again = await runMain(args(second));
    expect(again.code).toBe(0);
    expect(again.lines).toEqual(lines);
    expect(fs.readFileSync(second.events, 'utf8')).toBe(fs.readFileSync(first.events, 'utf8'));
    expect(fs.readFileSync(second.history, 'utf8')).toBe(fs.readFileSync(first.history, 'utf8'));
    expect(fs.readFileSync(second.summary, 'utf8')).toBe(fs.readFileSync(first.summary, 'utf8'));
  });
});

describe('parseArgs', () => {
  it('reads every option, with a separate or an inline value', () => {
    const rule = write('args-rule.json', TERMINAL_RULE);
    expect(
      parseArgs([
        '--scenario',
        's.json',
        '--events-out=e.ndjson',
        '--history-out',
        'h.ndjson',
        '--summary-out',
        'x.json',
        '--rule',
        rule,
        '--verbose',
      ]),
    ).toEqual({
      scenarioFile: 's.json',
      eventsOut: 'e.ndjson',
      historyOut: 'h.ndjson',
      summaryOut: 'x.json',
      rules: [{ file: rule, pattern: TERMINAL_RULE }],
      verbose: true,
      help: false,
    });
  });

  it.each([
    [['--scenario'], UsageError, /--scenario needs a value/],
    [['--events-out='], UsageError, /--events-out needs a value/],
    [['scenario.json'], UsageError, /unknown option "scenario.json"/],
    [['--rule', '/nonexistent/rule.json'], UsageError, /cannot read rule pattern file \/nonexistent\/rule.json: ENOENT/],
    [
      ['--serve', '--history-out', 'h.ndjson'],
      UsageError,
      /^--history-out is not available with --serve \(a served run does not end\); read the history with npm run cli -- history ID$/,
    ],
    [['--serve', '--summary-out=s.json'], UsageError, /^--summary-out is not available with --serve/],
    [['--speed', '10'], UsageError, /^--speed only applies with --serve: npm start -- --serve --speed 10$/],
    [['--port', '5000', '--speed=5'], UsageError, /^--speed and --port only apply with --serve/],
    [
      ['--scenario', '--verbose'],
      UsageError,
      /^--scenario needs a value, got the option --verbose; for a value starting with "--" write --scenario=--verbose$/,
    ],
    [['--verbose=yes'], UsageError, /^--verbose takes no value, got "--verbose=yes"; write --verbose alone$/],
    [['-x'], UsageError, /^unknown option "-x"; run npm start -- --help$/],
    [['--serve', '--speed', 'fast'], UsageError, /^--speed must be a number above 0 \(at most 1000000\), got "fast"$/],
    [['--serve', '--port=65536'], UsageError, /^--port must be a port number from 0 to 65535, got "65536"$/],
  ])('refuses %j', (argv, type, message) => {
    expect(() => parseArgs(argv)).toThrow(type);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it.each([['-h'], ['--help']])('reads %s as the request for help', (flag) => {
    expect(parseArgs([flag])).toEqual({ rules: [], verbose: false, help: true });
  });

  it('reads --serve with its defaults, and --rule more than once in order', () => {
    const first = write('args-first-rule.json', TERMINAL_RULE);
    const second = write('args-second-rule.json', { source: ['other'] });
    expect(parseArgs(['--serve', '--rule', first, `--rule=${second}`])).toMatchObject({
      rules: [
        { file: first, pattern: TERMINAL_RULE },
        { file: second, pattern: { source: ['other'] } },
      ],
      serve: { speed: 60, port: DEFAULT_SERVE_PORT },
    });
  });

  it('keeps --rule and --events-out with --serve (the served timeline honours them)', () => {
    const rule = write('args-serve-rule.json', TERMINAL_RULE);
    expect(parseArgs(['--serve', '--port', '0', '--events-out', 'e.ndjson', '--rule', rule])).toMatchObject({
      eventsOut: 'e.ndjson',
      rules: [{ file: rule, pattern: TERMINAL_RULE }],
      serve: { speed: 60, port: 0 },
    });
  });

  it('refuses a pattern file that is not an EventBridge pattern', () => {
    const bad = write('args-bad-rule.json', { detail: { status: 'FAILED' } });
    expect(() => parseArgs(['--rule', bad])).toThrow(EventPatternError);
  });
});

describe('mistakes in what the user gives', () => {
  const bad = (name: string, content: unknown) => () => ['--scenario', write(name, content)];
  const unknownKey = bad('unknown-key.json', { batchPredictions: [{ id: 'a', timeline: [{ at: 0, status: 'PENDING' }] }], extra: true });
  const backwards = bad('backwards.json', {
    batchPredictions: [
      {
        id: 'a',
        timeline: [
          { at: 600, status: 'PENDING' },
          { at: 60, status: 'COMPLETED' },
        ],
      },
    ],
  });

  // In-process: main rejects before synthesizing with one of the user-error classes, which the
  // entry point prints as one "error: ..." line with exit code 2 (checked on the real process below).
  it.each([
    [
      'a scenario with an unknown key',
      'ScenarioError',
      unknownKey,
      /unknown-key\.json: "extra": unknown key; allowed: batchPredictions, faults/,
    ],
    [
      'a timeline going backwards',
      'ScenarioError',
      backwards,
      /backwards\.json: batchPredictions\[0\]\.timeline\[1\]\.at: must be later than the entry before \(600\)/,
    ],
    [
      'a missing scenario file',
      'UsageError',
      () => ['--scenario', path.join(dir, 'nope.json')],
      /cannot read scenario file .*nope\.json: ENOENT/,
    ],
  ])('main rejects %s with a one-line %s', async (_what, name, argv, message) => {
    const lines: string[] = [];
    const outcome = main(argv(), (line) => lines.push(line));
    await expect(outcome).rejects.toThrow(message);
    await expect(outcome).rejects.toHaveProperty('name', name);
    await outcome.catch((error: Error) => expect(error.message).not.toMatch(/\n/));
    expect(lines).toEqual([]);
  });

  // The real entry point, once per kind of user error.
  it.each([
    ['a scenario file that is not JSON', bad('not-json.json', '{"batchPredictions": [}'), /^error: .*not-json\.json is not valid JSON/],
    ['an unknown option', () => ['--scenari', 'x.json'], /^error: unknown option "--scenari"/],
    ['a malformed pattern', () => ['--rule', write('malformed-rule.json', { detail: { status: 'FAILED' } })], /^error: .*detail\.status/],
    ['--speed without --serve', () => ['--speed', '10'], /^error: --speed only applies with --serve/],
  ])('npm start reports %s as one line on stderr and exits non-zero', (_what, argv, message) => {
    const { status, stdout, stderr } = spawnCli(argv());
    expect(status).toBe(2);
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    // No stack trace anywhere, and nothing was run.
    expect(stderr + stdout).not.toMatch(/^\s+at /m);
    expect(stdout).toBe('');
  });
});

describe('--serve on a busy port', () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => busy.close());

  it('is reported before synthesis as one line naming the port and the fix, exit code 1', () => {
    const { port } = busy.address() as AddressInfo;
    const { status, stdout, stderr } = spawnCli(['--serve', '--port', String(port)]);
    expect(status).toBe(1);
    expect(stderr.split('\n').filter((l) => l !== '')).toEqual([
      `error: port ${port} on 127.0.0.1 is already in use (another npm start -- --serve?): stop what listens there, or choose another port with --port P (--port 0 picks a free one)`,
    ]);
    // Nothing was synthesized: not a word on stdout, and no EADDRINUSE.
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/EADDRINUSE/);
  });
});
