import {
  AccessDeniedException,
  EventBridgeClient,
  InternalException,
  PutEventsCommand,
  type PutEventsResultEntry,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventBridgeEventPublisher } from '../../lambda/shared/adapters/event-bridge-event-publisher';
import { EventBusNotFoundError, EventPublishError, EventRejectedError, PollerAccessDeniedError } from '../../lambda/shared/domain/errors';
import type { EventEntry } from '../../lambda/shared/domain/events';

function entry(n: number): EventEntry {
  return {
    Source: 'batch-prediction-poller',
    DetailType: 'Batch Prediction Status Change',
    Detail: JSON.stringify({ batchPredictionId: `bp-${n}`, sequence: n }),
    Resources: [`arn:aws:machinelearning:us-east-1:123456789012:batchprediction/bp-${n}`],
    Time: `2024-05-01T10:00:0${n}.000Z`,
    EventBusName: 'poller-bus',
  };
}

/** The entry as the publisher sends it: `Time` as a Date, everything else unchanged. */
function sent(e: EventEntry) {
  return { ...e, Time: new Date(e.Time) };
}

const ok = (id: string): PutEventsResultEntry => ({ EventId: id });
const failed = (code: string, message = `${code} message`): PutEventsResultEntry => ({ ErrorCode: code, ErrorMessage: message });

/** An error shaped as SDK v3 raises errors it has no modelled class for. */
function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode } });
}

const eventsMock = mockClient(EventBridgeClient);
const client = new EventBridgeClient({});

beforeEach(() => {
  eventsMock.reset();
});

afterAll(() => {
  eventsMock.restore();
});

/** The Entries of every PutEvents call, in order. */
function entriesOfCalls() {
  return eventsMock.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries);
}

describe('EventBridgeEventPublisher', () => {
  it('sends all entries in one call when every one is accepted', async () => {
    // Prepare
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [ok('e1'), ok('e2')] });

    // Act
    await new EventBridgeEventPublisher({ client }).publish([entry(1), entry(2)]);

    // Assess
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(entriesOfCalls()).toEqual([[sent(entry(1)), sent(entry(2))]]);
  });

  it('re-sends only the failed entry when 1 of 2 failed, then succeeds', async () => {
    // Prepare
    eventsMock
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [ok('e1'), failed('InternalFailure')] })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [ok('e2')] });

    // Act
    await new EventBridgeEventPublisher({ client }).publish([entry(1), entry(2)]);

    // Assess
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(entriesOfCalls()[1]).toEqual([sent(entry(2))]);
  });

  it('treats an entry without an EventId as failed even without an ErrorCode', async () => {
    eventsMock
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{}, ok('e2')] })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [ok('e1')] });

    await new EventBridgeEventPublisher({ client }).publish([entry(1), entry(2)]);

    expect(entriesOfCalls()[1]).toEqual([sent(entry(1))]);
  });

  it.each([0, 1, 2, 4])('gives up with EventPublishError after 1 + %p calls when an entry keeps failing', async (entryRetries) => {
    // Prepare
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [failed('ThrottlingException', 'Rate exceeded')] });

    // Act
    const failure = new EventBridgeEventPublisher({ client, entryRetries }).publish([entry(1)]);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(EventPublishError);
    await expect(failure).rejects.toMatchObject({
      name: 'EventPublishError',
      message: `1 of 1 event(s) still failed after ${entryRetries + 1} attempt(s): ThrottlingException: Rate exceeded`,
    });
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, entryRetries + 1);
  });

  it('retries twice by default', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [failed('InternalFailure')] });
    await expect(new EventBridgeEventPublisher({ client }).publish([entry(1)])).rejects.toBeInstanceOf(EventPublishError);
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 3);
  });

  it.each<[string, new (...args: never[]) => Error, RegExp]>([
    ['AccessDeniedException', PollerAccessDeniedError, /events:PutEvents on bus "poller-bus" was denied/],
    ['ValidationException', EventRejectedError, /EventBridge rejected an event: ValidationException: ValidationException message/],
    ['MalformedDetail', EventRejectedError, /MalformedDetail/],
    ['InvalidArgument', EventRejectedError, /InvalidArgument/],
  ])('fails at once with the poller error when an entry fails with %s', async (code, expectedClass, message) => {
    // Prepare
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [ok('e1'), failed(code)] });

    // Act
    const failure = new EventBridgeEventPublisher({ client }).publish([entry(1), entry(2)]);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(expectedClass);
    await expect(failure).rejects.toMatchObject({ name: expectedClass.name, message: expect.stringMatching(message) });
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it.each<[string, () => Error, new (...args: never[]) => Error, RegExp]>([
    [
      'ResourceNotFoundException',
      () => new ResourceNotFoundException({ message: 'Event bus poller-bus does not exist.', $metadata: { httpStatusCode: 400 } }),
      EventBusNotFoundError,
      /Event bus "poller-bus" does not exist/,
    ],
    ['ValidationException', () => sdkError('ValidationException', 400), EventRejectedError, /PutEvents failed: ValidationException/],
    [
      'ThrottlingException',
      () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }),
      EventPublishError,
      /PutEvents failed: ThrottlingException: Rate exceeded/,
    ],
    [
      'InternalException (HTTP 500)',
      () => new InternalException({ message: 'oops', $metadata: { httpStatusCode: 500 } }),
      EventPublishError,
      /InternalException/,
    ],
    ['a 503', () => sdkError('ServiceUnavailable', 503), EventPublishError, /ServiceUnavailable/],
    [
      'AccessDeniedException',
      () => new AccessDeniedException({ message: 'not allowed', $metadata: { httpStatusCode: 400 } }),
      PollerAccessDeniedError,
      /events:PutEvents was denied/,
    ],
  ])('maps %s on the call to the poller error', async (_label, makeError, expectedClass, message) => {
    // Prepare
    const sdk = makeError();
    eventsMock.on(PutEventsCommand).rejects(sdk);

    // Act
    const failure = new EventBridgeEventPublisher({ client }).publish([entry(1)]);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(expectedClass);
    await expect(failure).rejects.toMatchObject({ name: expectedClass.name, message: expect.stringMatching(message), cause: sdk });
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('sends nothing for no entries', async () => {
    await new EventBridgeEventPublisher({ client }).publish([]);
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });
});
