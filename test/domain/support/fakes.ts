/**
 * In-memory stand-ins for the ports, shared by the use-case and handler tests. They implement the
 * ports' semantics (conditional write, outbox flag, all-or-nothing publish), not SDK calls.
 */
import {
  type BatchPredictionSnapshot,
  type BatchPredictionStatus,
  DEFAULT_EVENT_SOURCE,
  batchPredictionArn,
} from '../../../lib/contract/events';
import type { PollIntervalPolicy } from '../../../lib/contract/poll-interval-policy';
import { EventPublishError } from '../../../lambda/shared/domain/errors';
import type { EventEntry, EventTarget } from '../../../lambda/shared/domain/events';
import type { PollDependencies } from '../../../lambda/poll/poll-batch-prediction';
import type {
  BatchPredictionReader,
  EventPublisher,
  ExecutionContext,
  RecordOutcome,
  HistoryStore,
  TransitionRecord,
} from '../../../lambda/shared/ports';

/** A source that answers with whatever status the test last scripted, or throws a scripted error. */
export class ScriptedSource implements BatchPredictionReader {
  readonly requestedIds: string[] = [];
  error: Error | undefined;

  constructor(
    public status: BatchPredictionStatus,
    public extra: Partial<BatchPredictionSnapshot> = {},
  ) {}

  async get(batchPredictionId: string): Promise<BatchPredictionSnapshot> {
    this.requestedIds.push(batchPredictionId);
    if (this.error !== undefined) throw this.error;
    return { ...this.extra, batchPredictionId, status: this.status };
  }
}

/** A Map-backed history with the conditional-write semantics of the DynamoDB table. */
export class InMemoryHistory implements HistoryStore {
  readonly items = new Map<string, TransitionRecord>();
  recordCalls = 0;
  getCalls = 0;
  private markFailuresLeft = 0;

  /** Makes the next `times` calls of markPublished throw (a crash after PutEvents). */
  failMarkPublished(times: number): void {
    this.markFailuresLeft = times;
  }

  async record(record: TransitionRecord): Promise<RecordOutcome> {
    this.recordCalls++;
    const key = keyOf(record);
    const existing = this.items.get(key);
    if (existing !== undefined) return { created: false, existing: { ...existing } };
    this.items.set(key, { ...record });
    return { created: true };
  }

  async get(batchPredictionId: string, transitionKey: string): Promise<TransitionRecord | undefined> {
    this.getCalls++;
    const existing = this.items.get(keyOf({ batchPredictionId, transitionKey }));
    return existing === undefined ? undefined : { ...existing };
  }

  unpublishedCalls = 0;

  async unpublished(batchPredictionId: string): Promise<TransitionRecord[]> {
    this.unpublishedCalls++;
    return this.all()
      .filter((r) => r.batchPredictionId === batchPredictionId && !r.published)
      .map((r) => ({ ...r }));
  }

  async markPublished(record: Pick<TransitionRecord, 'batchPredictionId' | 'transitionKey'>): Promise<void> {
    if (this.markFailuresLeft > 0) {
      this.markFailuresLeft--;
      throw new Error('crash after PutEvents');
    }
    const key = keyOf(record);
    const existing = this.items.get(key);
    if (existing === undefined) throw new Error(`no item at ${key}`);
    this.items.set(key, { ...existing, published: true });
  }

  /** Records in sort-key order, as a query would return them. */
  all(): TransitionRecord[] {
    return [...this.items.values()].sort((a, b) => a.transitionKey.localeCompare(b.transitionKey));
  }
}

function keyOf(record: Pick<TransitionRecord, 'batchPredictionId' | 'transitionKey'>): string {
  return `${record.batchPredictionId}\u0000${record.transitionKey}`;
}

/** A sink that records accepted entries and can be told to fail its next N calls. */
export class RecordingSink implements EventPublisher {
  readonly published: EventEntry[] = [];
  attempts = 0;
  private failuresLeft = 0;
  private failure: Error = new EventPublishError('1 of 1 event(s) still failed after 3 attempt(s): InternalFailure: boom');

  failNext(times: number, error?: Error): void {
    this.failuresLeft = times;
    if (error !== undefined) this.failure = error;
  }

  async publish(entries: readonly EventEntry[]): Promise<void> {
    this.attempts++;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw this.failure;
    }
    this.published.push(...entries);
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  private millis: number;

  constructor(startIso: string) {
    this.millis = Date.parse(startIso);
  }

  readonly now = (): Date => new Date(this.millis);

  advanceSeconds(seconds: number): void {
    this.millis += seconds * 1000;
  }
}

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export const TARGET: EventTarget = {
  eventBusName: 'poller-bus',
  source: DEFAULT_EVENT_SOURCE,
  arnOf: (id) => batchPredictionArn('aws', REGION, ACCOUNT, id),
};

/** A jitter-free adaptive policy, so waits are predictable. */
export const NO_JITTER_POLICY: PollIntervalPolicy = { kind: 'adaptive', initialSeconds: 30, maxSeconds: 300, jitterRatio: 0 };

export const START_TIME = '2024-05-01T10:00:00.000Z';

export function executionFor(batchPredictionId: string, generation = 1): ExecutionContext {
  const name = generation <= 1 ? batchPredictionId : `${batchPredictionId}+g${generation}`;
  return {
    id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:batch-prediction-poller:${name}`,
    name,
    startTime: START_TIME,
  };
}

/** A poll's dependencies built from fakes, with the fakes exposed for scripting and inspection. */
export interface FakePollDependencies extends PollDependencies {
  readonly source: ScriptedSource;
  readonly history: InMemoryHistory;
  readonly sink: RecordingSink;
  readonly clock: ManualClock;
}

/** Everything a poll needs, built from fakes; the settings (policy, limits, target) can be overridden. */
export function fakePollDependencies(
  overrides: Partial<Pick<PollDependencies, 'policy' | 'maxRunSeconds' | 'maxPollsPerExecution' | 'target'>> = {},
): FakePollDependencies {
  const clock = new ManualClock(START_TIME);
  return {
    source: new ScriptedSource('PENDING'),
    history: new InMemoryHistory(),
    sink: new RecordingSink(),
    target: TARGET,
    policy: NO_JITTER_POLICY,
    maxRunSeconds: 8 * 24 * 3600,
    maxPollsPerExecution: 1000,
    now: clock.now,
    clock,
    ...overrides,
  };
}
