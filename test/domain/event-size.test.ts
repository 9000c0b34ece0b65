import fc from 'fast-check';
import { type BatchPredictionSnapshot, DetailType } from '../../lib/contract/events';
import { PUT_EVENTS_ENTRY_LIMIT_BYTES, fitSnapshotToEvent, putEventsEntrySize } from '../../lambda/shared/domain/event-size';
import {
  type EventEntry,
  type EventTarget,
  buildStatusChangeDetail,
  statusChangeEntryOf,
  toEventEntry,
} from '../../lambda/shared/domain/events';

const RUN_ID = '2024-05-01T10:00:00.000Z/bp-1';
const OBSERVED_AT = '2024-05-01T10:05:00.000Z';
const TRANSITION = { previousStatus: 'INPROGRESS', status: 'FAILED', sequence: 3 } as const;
const TARGET: EventTarget = {
  eventBusName: 'poller-bus',
  source: 'batch-prediction-poller',
  arnOf: (id) => `arn:aws:machinelearning:us-east-1:123456789012:batchprediction/${id}`,
};

const snapshotWith = (message?: string): BatchPredictionSnapshot => ({
  batchPredictionId: 'bp-1',
  status: 'FAILED',
  mlModelId: 'ml-1',
  ...(message === undefined ? {} : { message }),
});

const entryOf = (fitted: Parameters<Parameters<typeof fitSnapshotToEvent>[1]>[0]): EventEntry =>
  toEventEntry(
    DetailType.STATUS_CHANGE,
    buildStatusChangeDetail(TRANSITION, fitted.snapshot, RUN_ID, OBSERVED_AT, fitted.messageTruncation),
    TARGET,
  );

describe('putEventsEntrySize', () => {
  it('counts as EventBridge documents: 14 bytes of Time, then UTF-8 bytes of Source, DetailType, Detail and each resource', () => {
    const entry = { Source: 'src', DetailType: 'dt', Detail: '{"é":1}', Resources: ['r1', 'r22'], Time: 'whatever' };
    expect(putEventsEntrySize(entry)).toBe(14 + 3 + 2 + 8 + 2 + 3);
    expect(putEventsEntrySize({ ...entry, Time: undefined })).toBe(3 + 2 + 8 + 2 + 3);
  });
});

describe('fitSnapshotToEvent', () => {
  it.each([
    ['no message', undefined],
    ['a short message', 'Record 17 is malformed.'],
    ['a message just under the limit', 'x'.repeat(PUT_EVENTS_ENTRY_LIMIT_BYTES - 1_000)],
  ])('leaves a snapshot with %s as it is', (_what, message) => {
    const fitted = fitSnapshotToEvent(snapshotWith(message), entryOf);
    expect(fitted).toEqual({ snapshot: snapshotWith(message) });
  });

  it.each([
    ['ASCII', 'a'.repeat(300_000)],
    ['three-byte characters', '€'.repeat(120_000)],
    ['characters JSON escapes (6 bytes each)', '\u0001'.repeat(60_000)],
    ['a surrogate pair at every cut', '😀'.repeat(80_000)],
    ['500 KB of quotes and newlines', '"\n'.repeat(250_000)],
  ])('cuts a message of %s to the longest start that fits, and says so', (_what, message) => {
    // Act
    const fitted = fitSnapshotToEvent(snapshotWith(message), entryOf);

    // Assess: under the limit, a prefix at a character boundary, and the sizes stated.
    const size = putEventsEntrySize(entryOf(fitted));
    expect(size).toBeLessThan(PUT_EVENTS_ENTRY_LIMIT_BYTES);
    const kept = fitted.snapshot.message ?? '';
    expect(message.startsWith(kept)).toBe(true);
    expect(kept).toBe(Buffer.from(kept, 'utf8').toString('utf8'));
    expect(fitted.messageTruncation).toEqual({ originalBytes: Buffer.byteLength(message), keptBytes: Buffer.byteLength(kept) });
    // The longest: one more character (two for a surrogate pair) would not fit.
    const oneMore = message.slice(0, kept.length + (message.codePointAt(kept.length)! > 0xffff ? 2 : 1));
    const longer = {
      snapshot: snapshotWith(oneMore),
      messageTruncation: { originalBytes: Buffer.byteLength(message), keptBytes: Buffer.byteLength(oneMore) },
    };
    expect(putEventsEntrySize(entryOf(longer))).toBeGreaterThanOrEqual(PUT_EVENTS_ENTRY_LIMIT_BYTES);
    // The event says the message was cut.
    expect(JSON.parse(entryOf(fitted).Detail).messageTruncation).toEqual(fitted.messageTruncation);
  });

  it('any message: the event fits, the kept message is a start of it, and a truncation is stated exactly when it was cut', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3_000 }), fc.integer({ min: 1_000, max: 5_000 }), (message, limit) => {
        const fitted = fitSnapshotToEvent(snapshotWith(message), entryOf, limit);
        const kept = fitted.snapshot.message ?? '';
        expect(message.startsWith(kept)).toBe(true);
        expect(fitted.messageTruncation === undefined).toBe(kept === message);
        expect(putEventsEntrySize(entryOf(fitted))).toBeLessThan(limit);
      }),
    );
  });
});

describe('statusChangeEntryOf', () => {
  it('rebuilds the very Detail the first publish sent from the item, whatever order DynamoDB gives the snapshot members', () => {
    // Prepare: the entry as published, the item as stored (envelope only), its snapshot read back reordered.
    const snapshot = snapshotWith('Record 17 is malformed.');
    const published = entryOf({ snapshot });
    const { Detail: _detail, ...envelope } = published;
    const reordered = Object.fromEntries(Object.entries(snapshot).reverse()) as unknown as BatchPredictionSnapshot;
    const item = { ...TRANSITION, runId: RUN_ID, observedAt: OBSERVED_AT, snapshot: reordered, event: envelope };

    // Act / Assess
    expect(statusChangeEntryOf(item)).toEqual(published);
  });

  it('re-publishes an item written before the snapshot was stored once with its own Detail', () => {
    const item = {
      ...TRANSITION,
      runId: RUN_ID,
      observedAt: OBSERVED_AT,
      snapshot: snapshotWith(),
      event: { ...entryOf({ snapshot: snapshotWith() }), Detail: '{"stored":"as it was"}' },
    };
    expect(statusChangeEntryOf(item).Detail).toBe('{"stored":"as it was"}');
  });
});
