import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { EventBusNotFoundError, EventPublishError, EventRejectedError, PollerAccessDeniedError } from '../domain/errors';
import type { EventEntry } from '../domain/events';
import type { EventPublisher } from '../ports';
import { describeSdkError, isAccessDeniedSdkError, isTransientSdkError, sdkErrorName } from './sdk-errors';
import type { AdapterOptions } from './adapter-options';

/** Entry error codes that retrying will not fix. */
const PERMANENT_ENTRY_ERRORS = new Set(['AccessDeniedException', 'ValidationException', 'InvalidArgument', 'MalformedDetail']);

/** Options of {@link EventBridgeEventPublisher}. */
export interface EventBridgeEventPublisherOptions extends AdapterOptions<EventBridgeClient> {
  /**
   * How many times failed entries are re-sent within one call before giving up with a retryable
   * error (the state machine then retries the whole poll).
   * @default 2
   */
  readonly entryRetries?: number;
}

/**
 * Publishes events with EventBridge `PutEvents`. `PutEvents` succeeds as a call even when some
 * entries fail, so `FailedEntryCount` is checked and only the failed entries are re-sent.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export class EventBridgeEventPublisher implements EventPublisher {
  private readonly client: EventBridgeClient;
  private readonly entryRetries: number;

  constructor(options: EventBridgeEventPublisherOptions) {
    this.client = options.client;
    this.entryRetries = options.entryRetries ?? 2;
  }

  /**
   * @throws EventPublishError (retryable) when entries still fail after re-sending;
   *   EventBusNotFoundError, PollerAccessDeniedError or EventRejectedError when retrying cannot help
   */
  async publish(entries: readonly EventEntry[]): Promise<void> {
    let pending: PutEventsRequestEntry[] = entries.map((entry) => ({ ...entry, Time: new Date(entry.Time) }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const failures = await this.send(pending);
      if (failures.length === 0) return;
      const permanent = failures.find((f) => PERMANENT_ENTRY_ERRORS.has(f.code));
      if (permanent !== undefined) {
        if (permanent.code === 'AccessDeniedException') {
          throw new PollerAccessDeniedError(`events:PutEvents on bus "${pending[0]?.EventBusName}"`);
        }
        throw new EventRejectedError(`EventBridge rejected an event: ${permanent.code}: ${permanent.message}`);
      }
      if (attempt >= this.entryRetries) {
        const sample = failures[0];
        throw new EventPublishError(
          `${failures.length} of ${entries.length} event(s) still failed after ${attempt + 1} attempt(s): ${sample.code}: ${sample.message}`,
        );
      }
      pending = failures.map((f) => f.entry);
    }
  }

  private async send(entries: PutEventsRequestEntry[]): Promise<{ entry: PutEventsRequestEntry; code: string; message: string }[]> {
    let answer: PutEventsCommandOutput;
    try {
      answer = await this.client.send(new PutEventsCommand({ Entries: entries }));
    } catch (error) {
      const name = sdkErrorName(error);
      if (name === 'ResourceNotFoundException') throw new EventBusNotFoundError(entries[0]?.EventBusName ?? '', { cause: error });
      if (isAccessDeniedSdkError(error)) throw new PollerAccessDeniedError('events:PutEvents', { cause: error });
      if (isTransientSdkError(error)) throw new EventPublishError(`PutEvents failed: ${describeSdkError(error)}`, { cause: error });
      throw new EventRejectedError(`PutEvents failed: ${describeSdkError(error)}`, { cause: error });
    }
    if (!answer.FailedEntryCount) return [];
    const results = answer.Entries ?? [];
    return entries.flatMap((entry, index) => {
      const result = results[index];
      // Results are positional; an entry without an EventId failed even if ErrorCode is missing.
      if (result?.EventId !== undefined && result.ErrorCode === undefined) return [];
      return [{ entry, code: result?.ErrorCode ?? 'Unknown', message: result?.ErrorMessage ?? 'no result for entry' }];
    });
  }
}
