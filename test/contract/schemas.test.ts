import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { renderSchemaFiles } from '../../scripts/generate-schemas';
import { DetailType } from '../../lib/contract/events';
import { EVENT_SCHEMAS, POLLING_FAILED_EVENT_SCHEMA, STATUS_CHANGE_EVENT_SCHEMA } from '../../lib/contract/schemas';
import { synthesizeDeployment } from '../../local/template/synthesis';
import { LocalRuntime, type RunResult } from '../../local/runtime/runtime';
import { validateScenario } from '../../local/scenarios/scenario';

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value));
const validators = new Map(EVENT_SCHEMAS.map(({ detailType, schema }) => [detailType, ajv.compile(schema)]));

describe('schemas/ files', () => {
  it.each([...renderSchemaFiles()])('%s is up to date with lib/contract/schemas.ts (run npm run schemas)', (file, text) => {
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', file), 'utf8')).toBe(text);
  });

  it('has one schema per detail type', () => {
    expect(EVENT_SCHEMAS.map((s) => s.detailType).sort()).toEqual(Object.values(DetailType).sort());
  });
});

describe('every event the local runtime emits validates against its schema', () => {
  let result: RunResult;

  beforeAll(async () => {
    const scenario = validateScenario({
      batchPredictions: [
        {
          id: 'bp-done',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 600, status: 'INPROGRESS' },
            { at: 3600, status: 'COMPLETED', totalRecordCount: 10, invalidRecordCount: 1 },
          ],
        },
        {
          id: 'bp-failed',
          timeline: [
            { at: 0, status: 'PENDING' },
            { at: 120, status: 'FAILED', message: 'bad input' },
          ],
        },
        {
          id: 'bp-deleted',
          timeline: [
            { at: 0, status: 'COMPLETED' },
            { at: 900, status: 'DELETED' },
          ],
        },
        { id: 'bp-missing', missing: true },
        // Fails INVALID_INPUT before Amazon ML is asked.
        { id: 'not a valid id!', missing: true },
      ],
    });
    const runtime = await LocalRuntime.start(scenario, { deployment: synthesizeDeployment() });
    try {
      result = await runtime.run();
    } finally {
      await runtime.stop();
    }
  }, 120_000);

  it('emits both detail types', () => {
    const types = new Set(result.events.map((e) => e.envelope['detail-type']));
    expect(types).toEqual(new Set(Object.values(DetailType)));
  });

  it('validates each event', () => {
    for (const { envelope } of result.events) {
      const validate = validators.get(envelope['detail-type'] as DetailType)!;
      const valid = validate(envelope);
      expect({ id: envelope.detail.batchPredictionId, errors: validate.errors ?? null, valid }).toEqual({
        id: envelope.detail.batchPredictionId,
        errors: null,
        valid: true,
      });
    }
  });
});

describe('the schemas reject what the contract forbids', () => {
  const statusChange = {
    version: '0',
    id: 'x',
    'detail-type': DetailType.STATUS_CHANGE,
    source: 'batch-prediction-poller',
    account: '123456789012',
    time: '2026-01-05T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      batchPredictionId: 'bp-1',
      previousStatus: null,
      status: 'PENDING',
      eventId: '3f6b9e7e-631d-5760-8f42-e81195c19adb',
      sequence: 1,
      observedAt: '2026-01-05T00:00:00.000Z',
      runId: '2026-01-05T00:00:00.000Z/bp-1',
      batchPrediction: { batchPredictionId: 'bp-1', status: 'PENDING' },
    },
  };
  const validate = ajv.compile(STATUS_CHANGE_EVENT_SCHEMA);

  it('accepts the minimal valid event', () => {
    expect(validate(statusChange)).toBe(true);
  });

  it.each<[string, (d: Record<string, unknown>) => void]>([
    ['an unknown status', (d) => (d.status = 'RUNNING')],
    ['a missing eventId', (d) => delete d.eventId],
    ['sequence 0', (d) => (d.sequence = 0)],
    ['an extra detail key', (d) => (d.extra = 1)],
    [
      'a presigned logUri',
      (d) => ((d.batchPrediction as Record<string, unknown>).logUri = 'https://b.s3.amazonaws.com/l.txt?X-Amz-Signature=abc'),
    ],
  ])('rejects %s', (_label, mutate) => {
    const event = JSON.parse(JSON.stringify(statusChange)) as { detail: Record<string, unknown> };
    mutate(event.detail);
    expect(validate(event)).toBe(false);
  });

  it('rejects a polling-failed event with an unknown reason', () => {
    const validateFailed = ajv.compile(POLLING_FAILED_EVENT_SCHEMA);
    const event = {
      ...statusChange,
      'detail-type': DetailType.POLLING_FAILED,
      detail: {
        batchPredictionId: 'bp-1',
        reason: 'BROKEN',
        error: 'E',
        cause: '',
        lastStatus: null,
        runId: null,
        observedAt: '2026-01-05T00:00:00.000Z',
        eventId: '3f6b9e7e-631d-5760-8f42-e81195c19adb',
      },
    };
    expect(validateFailed(event)).toBe(false);
    expect(validateFailed({ ...event, detail: { ...event.detail, reason: 'NOT_FOUND' } })).toBe(true);
  });
});
