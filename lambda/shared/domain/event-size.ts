/**
 * Events that fit EventBridge: a batch prediction's `message` is the one field of unbounded length
 * in an event, so a status change whose entry would reach `PutEvents`' limit keeps the start of the
 * message and says so ({@link MessageTruncation}). Pure.
 */
import type { BatchPredictionSnapshot, MessageTruncation } from '../../../lib/contract/events';
import type { EventEntry } from './events';

/**
 * `PutEvents`' limit: "The total entry size must be less than 256KB", counted as below.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export const PUT_EVENTS_ENTRY_LIMIT_BYTES = 256 * 1024;

/**
 * An entry's size as EventBridge counts it: 14 bytes for `Time`, then the UTF-8 bytes of `Source`,
 * `DetailType`, `Detail` and each of `Resources`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export function putEventsEntrySize(entry: Pick<EventEntry, 'Source' | 'DetailType' | 'Detail' | 'Resources'> & { Time?: unknown }): number {
  let size = entry.Time === undefined ? 0 : 14;
  size += Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
  for (const resource of entry.Resources) size += Buffer.byteLength(resource);
  return size;
}

/** A snapshot as an event carries it: the message cut to fit, and how, when it had to be. */
export interface FittedSnapshot {
  readonly snapshot: BatchPredictionSnapshot;
  readonly messageTruncation?: MessageTruncation;
}

/**
 * The snapshot whose event (`entryOf`) is below {@link PUT_EVENTS_ENTRY_LIMIT_BYTES}: unchanged if it
 * already is; else with the longest start of `message` that fits, cut at a character boundary (never
 * inside a surrogate pair), and the truncation's sizes. When even an empty message does not fit
 * (no field but `message` is that long in Amazon ML's answers), the snapshot is returned as it is
 * and `PutEvents` rejects the event by name (EventRejectedError).
 */
export function fitSnapshotToEvent(
  snapshot: BatchPredictionSnapshot,
  entryOf: (fitted: FittedSnapshot) => EventEntry,
  limitBytes = PUT_EVENTS_ENTRY_LIMIT_BYTES,
): FittedSnapshot {
  const fits = (fitted: FittedSnapshot) => putEventsEntrySize(entryOf(fitted)) < limitBytes;
  const whole: FittedSnapshot = { snapshot };
  const message = snapshot.message;
  if (message === undefined || fits(whole)) return whole;
  const originalBytes = Buffer.byteLength(message);
  const cut = (chars: number): FittedSnapshot => {
    const kept = message.slice(0, chars);
    return { snapshot: { ...snapshot, message: kept }, messageTruncation: { originalBytes, keptBytes: Buffer.byteLength(kept) } };
  };
  if (!fits(cut(0))) return whole;
  // Binary search for the most characters that fit: the size grows with the characters kept.
  let low = 0;
  let high = message.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(cut(middle))) low = middle;
    else high = middle - 1;
  }
  const code = message.charCodeAt(low - 1);
  const boundary = low > 0 && code >= 0xd800 && code <= 0xdbff ? low - 1 : low;
  return cut(boundary);
}
