/**
 * Amazon ML's `LogUri` is a presigned S3 URL: its query string (`X-Amz-Credential`,
 * `X-Amz-Signature`, ...) grants whoever holds it read access to the log. It must never reach
 * events (nor the alert messages rule targets receive), the history table or the logs — even at
 * DEBUG level.
 */
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';

const LOG_PATH = 'https://eml-prod-emr.s3.amazonaws.com/logs/bp-nightly-scores/batch-prediction.log';
const PRESIGNED_QUERY =
  'X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=ASIAEXAMPLEKEY123456%2F20260105%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20260105T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host' +
  '&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLETOKEN' +
  '&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const PRESIGNED_LOG_URI = `${LOG_PATH}?${PRESIGNED_QUERY}`;
/** Parts of the query that must appear nowhere (each is enough to recognise a leak). */
const SECRETS = ['X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token', 'ASIAEXAMPLEKEY123456', '0f1e2d3c4b5a6978'];

let result: RunResult;
let logs = '';

beforeAll(async () => {
  const scenario = validateScenario({
    batchPredictions: [
      {
        id: 'bp-nightly-scores',
        timeline: [
          { at: 0, status: 'PENDING', logUri: PRESIGNED_LOG_URI },
          { at: 600, status: 'INPROGRESS', logUri: PRESIGNED_LOG_URI },
          { at: 3600, status: 'COMPLETED', logUri: PRESIGNED_LOG_URI, totalRecordCount: 100, invalidRecordCount: 0 },
        ],
      },
      {
        // FAILED: the alert rule hands the event to the topic, so its message is checked too.
        id: 'bp-churn-weekly',
        timeline: [
          { at: 0, status: 'INPROGRESS', logUri: PRESIGNED_LOG_URI },
          { at: 1200, status: 'FAILED', logUri: PRESIGNED_LOG_URI, message: 'Input data location is not accessible' },
        ],
      },
      // The failure path logs and publishes too.
      { id: 'bp-nightly-scroes', missing: true },
    ],
    // A retried poll logs its error.
    faults: [{ operation: 'GetBatchPrediction', id: 'bp-nightly-scores', error: 'InternalServerException', times: 1 }],
  });

  // Powertools writes one JSON line per entry to stdout (stderr for errors) through its own Console.
  const captured: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const capture = (chunk: unknown) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    const runtime = await LocalRuntime.start(scenario, { logLevel: 'DEBUG' });
    try {
      result = await runtime.run();
    } finally {
      await runtime.stop();
    }
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
  logs = captured.join('');
});

describe('a presigned LogUri query string', () => {
  it('the run logged at DEBUG level and published and stored the transitions (the checks below are not vacuous)', () => {
    const lines = logs.split('\n').filter((line) => line.startsWith('{'));
    const levels = new Set(lines.map((line) => (JSON.parse(line) as { level?: string }).level));
    expect([...levels]).toEqual(expect.arrayContaining(['DEBUG', 'INFO']));
    expect(result.events.length).toBeGreaterThanOrEqual(6);
    expect(result.history.length).toBeGreaterThanOrEqual(5);
    // The FAILED alert was handed to the topic.
    expect(result.events.some((e) => e.deliveries.length > 0)).toBe(true);
  });

  it('keeps the log location, without its query, in events and history', () => {
    const withLog = result.events.filter((e) => JSON.stringify(e.envelope.detail).includes(LOG_PATH));
    expect(withLog.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.history)).toContain(LOG_PATH);
  });

  it.each(SECRETS)('never shows %s in the logs', (secret) => {
    expect(logs).not.toContain(secret);
  });

  it.each(SECRETS)('never shows %s in an event or what a rule target receives', (secret) => {
    expect(JSON.stringify(result.events)).not.toContain(secret);
  });

  it.each(SECRETS)('never shows %s in the history table', (secret) => {
    expect(JSON.stringify(result.history)).not.toContain(secret);
  });
});
