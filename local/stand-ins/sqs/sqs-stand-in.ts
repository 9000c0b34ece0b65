import { createHash } from 'node:crypto';
import type { QueueDefinition } from '../../template/deployment';
import type { VirtualClock } from '../../core/virtual-clock';

/** A message a queue holds. */
export interface QueueMessage {
  readonly messageId: string;
  /** When it was sent (ISO-8601, simulated time). */
  readonly sentAt: string;
  /** The message body as sent (for a Lambda on-failure destination: the invocation record's JSON). */
  readonly body: string;
}

/** One queue and what it holds. */
export interface QueueContents {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly messages: readonly QueueMessage[];
}

/**
 * SQS, as far as the local runtime needs it: the template's queues, each keeping every message sent
 * to it in order. Nothing reads them but the run's result (no receive, no visibility timeout, no
 * retention): what matters locally is what lands in the dead-letter queue, which the alarm on
 * `ApproximateNumberOfMessagesVisible` would see. Messages are sent in-process (Lambda sends an
 * on-failure record itself, not through the function's SDK client), so there is no HTTP endpoint.
 */
export class SqsStandIn {
  private readonly byArn = new Map<string, { definition: QueueDefinition; messages: QueueMessage[] }>();

  constructor(
    queues: readonly QueueDefinition[],
    private readonly clock: VirtualClock,
  ) {
    for (const definition of queues) this.byArn.set(definition.arn, { definition, messages: [] });
  }

  /**
   * Sends a message to the queue with that ARN.
   * @throws Error naming the ARN if the template has no such queue
   */
  send(queueArn: string, body: string): QueueMessage {
    const queue = this.byArn.get(queueArn);
    if (queue === undefined) throw new Error(`No queue ${queueArn} in the template; the local runtime sends only to the template's queues`);
    // Deterministic, UUID-shaped ids: the same scenario gives the same output.
    const hex = createHash('sha256').update(`${queueArn}#${queue.messages.length}`).digest('hex');
    const messageId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    const message: QueueMessage = { messageId, sentAt: new Date(this.clock.nowMs()).toISOString(), body };
    queue.messages.push(message);
    return message;
  }

  /** Every queue and its messages, in the template's order. */
  contents(): QueueContents[] {
    return [...this.byArn.values()].map(({ definition, messages }) => ({ ...definition, messages: [...messages] }));
  }
}
