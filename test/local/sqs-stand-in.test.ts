/**
 * The local SQS: the template's queues keep what is sent to them, in order, with deterministic ids,
 * and refuse a queue the template does not have.
 */
import { SqsStandIn } from '../../local/stand-ins/sqs/sqs-stand-in';
import { VirtualClock } from '../../local/core/virtual-clock';

const START = Date.parse('2026-01-05T00:00:00.000Z');
const QUEUE = { logicalId: 'PollerDeadLetterQueue71E58835', name: 'dlq', arn: 'arn:aws:sqs:us-east-1:123456789012:dlq' };
const OTHER = { logicalId: 'Other', name: 'other', arn: 'arn:aws:sqs:us-east-1:123456789012:other' };

describe('SqsStandIn', () => {
  it('keeps each message on its queue, in order, stamped with simulated time', () => {
    const queues = new SqsStandIn([QUEUE, OTHER], new VirtualClock(START));
    const first = queues.send(QUEUE.arn, '{"n":1}');
    queues.send(QUEUE.arn, '{"n":2}');
    expect(queues.contents()).toEqual([
      { ...QUEUE, messages: [first, expect.objectContaining({ body: '{"n":2}' })] },
      { ...OTHER, messages: [] },
    ]);
    expect(first).toEqual({
      messageId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      sentAt: '2026-01-05T00:00:00.000Z',
      body: '{"n":1}',
    });
  });

  it('gives the same ids for the same sends (the same scenario gives the same output)', () => {
    const ids = () => {
      const queues = new SqsStandIn([QUEUE], new VirtualClock(START));
      return [queues.send(QUEUE.arn, 'a'), queues.send(QUEUE.arn, 'b')].map((m) => m.messageId);
    };
    expect(ids()).toEqual(ids());
    expect(new Set(ids()).size).toBe(2);
  });

  it('refuses a queue the template does not have, naming it', () => {
    const queues = new SqsStandIn([QUEUE], new VirtualClock(START));
    expect(() => queues.send('arn:aws:sqs:us-east-1:123456789012:nope', 'x')).toThrow(
      /No queue arn:aws:sqs:us-east-1:123456789012:nope in the template/,
    );
  });
});
