/**
 * `npm start -- --verbose` with two executions polling at the same simulated instants: every
 * handler log line carries the keys of its own invocation. The local runtime runs each invocation
 * on a handler instance of its own (a pool, like Lambda's execution environments), each with its
 * own logger, so the keys one invocation appends never reach the lines of another running at the
 * same time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../local/cli/cli';

let dir: string;
let written: string[];
let stdoutSpy: jest.SpyInstance;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpp-verbose-logs-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  written = [];
  // Powertools' Logger writes to process.stdout (console.log of its own Console instance).
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write);
});

afterEach(() => {
  stdoutSpy.mockRestore();
});

/** The handlers' structured log lines printed to stdout (EMF metric documents left out). */
function logLines(): Record<string, unknown>[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => typeof line.level === 'string' && typeof line.message === 'string');
}

it('two executions at once with --verbose: every log line carries its own execution’s batchPredictionId', async () => {
  // Prepare: two batch predictions with the same timeline, started at the same instant, so that
  // their polls run at the same simulated times (concurrently in the one process).
  const ids = ['bp-left', 'bp-right'];
  const timeline = [
    { at: 0, status: 'PENDING' },
    { at: 60, status: 'INPROGRESS' },
    { at: 300, status: 'COMPLETED' },
  ];
  const scenario = path.join(dir, 'scenario.json');
  fs.writeFileSync(scenario, JSON.stringify({ batchPredictions: ids.map((id) => ({ id, starts: 1, timeline })) }));
  const events = path.join(dir, 'events.ndjson');

  // Act
  const code = await main(['--scenario', scenario, '--events-out', events, '--verbose'], () => undefined);

  // Assess
  expect(code).toBe(0);
  const idOfEvent = new Map(
    fs
      .readFileSync(events, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { detail: { eventId: string; batchPredictionId: string } })
      .map(({ detail }) => [detail.eventId, detail.batchPredictionId]),
  );
  const published = logLines().filter((line) => line.message === 'Published status change');
  // Three transitions each, every one logged once.
  expect(published).toHaveLength(6);
  for (const line of published) {
    // The event the line reports (its own invocation's outcome) names the batch prediction…
    const own = idOfEvent.get(String(line.eventId));
    expect(own).toBeDefined();
    // …and the keys appended at the start of the invocation name the same one: the run id, the
    // execution (named after the id) and `batchPredictionId` agree with it.
    expect({ batchPredictionId: line.batchPredictionId, runId: line.runId, executionId: line.executionId }).toEqual({
      batchPredictionId: own,
      runId: expect.stringMatching(new RegExp(`/${own}$`)),
      executionId: expect.stringMatching(new RegExp(`:${own}$`)),
    });
  }
  expect(new Set(published.map((line) => line.batchPredictionId))).toEqual(new Set(ids));
  // Every other line of a poll names one of the two executions, and the one its execution is.
  for (const line of logLines().filter((l) => l.executionId !== undefined)) {
    expect(ids).toContain(line.batchPredictionId);
    expect(String(line.executionId)).toMatch(new RegExp(`:${String(line.batchPredictionId)}$`));
  }
}, 120_000);
