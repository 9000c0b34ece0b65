/**
 * What a rule target receives from the EventBridge stand-in: the whole event, a constant Input, the
 * part of the event an InputPath selects, or an InputTransformer's rendering.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
import type { TargetDefinition } from '../../local/template/deployment';
import { type EventEnvelope, targetInput } from '../../local/stand-ins/event-bridge/event-bridge-stand-in';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const RULE = 'BatchPredictionPoller-FailedStatusRule';

const envelope: EventEnvelope = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'Batch Prediction Status Change',
  source: 'batch-prediction-poller',
  account: '123456789012',
  time: '2026-01-05T00:45:10Z',
  region: 'us-east-1',
  resources: ['arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-churn'],
  detail: {
    batchPredictionId: 'bp-churn',
    previousStatus: 'INPROGRESS',
    status: 'FAILED',
    sequence: 3,
    observedAt: '2026-01-05T00:45:10.000Z',
    batchPrediction: {
      mlModelId: 'ml-churn',
      message: 'Input data location "s3://ml-input/churn/" is not accessible',
      invalidRecordCount: 0,
    },
  },
};

const target = (extra: Partial<TargetDefinition>): TargetDefinition => ({ id: 'Target0', arn: TOPIC, ...extra });

describe('targetInput', () => {
  it('passes the whole event when the target has no input settings', () => {
    expect(targetInput(target({}), envelope, RULE)).toBe(envelope);
  });

  it('passes a constant Input (JSON text) as its value', () => {
    expect(targetInput(target({ input: '{"alert":"batch predictions","level":2}' }), envelope, RULE)).toEqual({
      alert: 'batch predictions',
      level: 2,
    });
    expect(targetInput(target({ input: '"just text"' }), envelope, RULE)).toBe('just text');
  });

  it.each([
    ['$', envelope],
    ['$.detail', envelope.detail],
    ['$.detail.status', 'FAILED'],
    ['$.detail.batchPrediction.mlModelId', 'ml-churn'],
    ['$.detail-type', 'Batch Prediction Status Change'],
    ['$.resources[0]', envelope.resources[0]],
  ])('passes the part InputPath %s selects', (path, expected) => {
    expect(targetInput(target({ inputPath: path }), envelope, RULE)).toEqual(expected);
  });

  it('renders a text template (as RuleTargetInput.fromText synthesizes it) into the text', () => {
    const input = targetInput(
      target({
        inputTransformer: {
          InputPathsMap: {
            id: '$.detail.batchPredictionId',
            model: '$.detail.batchPrediction.mlModelId',
            at: '$.detail.observedAt',
            message: '$.detail.batchPrediction.message',
          },
          InputTemplate: '"Batch prediction <id> (model <model>) FAILED at <at>: <message>"',
        },
      }),
      envelope,
      RULE,
    );
    // Quotes inside a value survive: the template is a JSON string, the value is escaped into it.
    expect(input).toBe(
      'Batch prediction bp-churn (model ml-churn) FAILED at 2026-01-05T00:45:10.000Z: Input data location "s3://ml-input/churn/" is not accessible',
    );
  });

  it('renders a JSON template: quoted placeholders as text, unquoted ones as JSON values', () => {
    const input = targetInput(
      target({
        inputTransformer: {
          InputPathsMap: {
            id: '$.detail.batchPredictionId',
            sequence: '$.detail.sequence',
            snapshot: '$.detail.batchPrediction',
            arn: '$.resources[0]',
          },
          InputTemplate: '{"summary": "<id> is in transition <sequence>", "sequence": <sequence>, "snapshot": <snapshot>, "arn": "<arn>"}',
        },
      }),
      envelope,
      RULE,
    );
    expect(input).toEqual({
      summary: 'bp-churn is in transition 3',
      sequence: 3,
      snapshot: envelope.detail.batchPrediction,
      arn: envelope.resources[0],
    });
  });

  it('offers the predefined variables', () => {
    const input = targetInput(
      target({
        inputTransformer: {
          InputTemplate:
            '{"rule": "<aws.events.rule-name>", "ingested": "<aws.events.event.ingestion-time>", "event": <aws.events.event>, "full": <aws.events.event.json>}',
        },
      }),
      envelope,
      RULE,
    ) as Record<string, unknown>;
    expect(input.rule).toBe(RULE);
    expect(input.ingested).toBe(envelope.time);
    expect(input.full).toEqual(envelope);
    // aws.events.event is the event without its detail (aws.events.event.json has it).
    const { detail, ...withoutDetail } = envelope;
    expect(detail).toBeDefined();
    expect(input.event).toEqual(withoutDetail);
  });

  it('renders a value the event lacks as null', () => {
    const input = targetInput(
      target({ inputTransformer: { InputPathsMap: { nope: '$.detail.nothing.here' }, InputTemplate: '{"value": <nope>}' } }),
      envelope,
      RULE,
    );
    expect(input).toEqual({ value: null });
  });
});
