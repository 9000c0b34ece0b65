/**
 * In-memory stand-ins for the starter's ports, shared by the use-case and handler tests. They keep
 * the ports' semantics: a lister answers per status; a starter names runs after the id (and the
 * restart), so a second start of a running id is a no-op and an id whose run ended is `finished`.
 */
import { executionNameFor } from '../../../lib/contract/runs';
import type { LatestRun } from '../../../lib/contract/runs';
import type { BatchPredictionLister, RunStarter, StartOutcome } from '../../../lambda/shared/ports';

type ListedStatus = 'PENDING' | 'INPROGRESS';

/** Answers `listIds` from a table per status; records every request; throws a scripted error. */
export class FakeLister implements BatchPredictionLister {
  readonly requestedStatuses: ListedStatus[] = [];
  error: Error | undefined;

  constructor(public readonly byStatus: Partial<Record<ListedStatus, string[]>> = {}) {}

  async listIds(status: ListedStatus): Promise<string[]> {
    this.requestedStatuses.push(status);
    if (this.error !== undefined) throw this.error;
    return [...(this.byStatus[status] ?? [])];
  }
}

/** One fake execution: its status, and when it stopped and with what error once it ended. */
export interface FakeExecution {
  status: string;
  stoppedAt?: string;
  error?: string;
}

/**
 * Starts "executions" named as the real starter names them (`<id>`, `<id>+r<N>`), keeps them by
 * name, and answers `latestRun` from them as `DescribeExecution` would. Ids in `finishedIds` have a
 * first run that already SUCCEEDED; {@link FakeStarter.end} makes any run end otherwise.
 */
export class FakeStarter implements RunStarter {
  /** The id of every start call, in order (restarts too). */
  readonly started: string[] = [];
  /** The execution name of every start call, in order. */
  readonly startedNames: string[] = [];
  readonly running = new Set<string>();
  readonly executions = new Map<string, FakeExecution>();
  error: Error | undefined;

  listCalls = 0;
  listError: Error | undefined;
  latestRunCalls = 0;
  latestRunError: Error | undefined;

  /** @param running ids a run polls already, as `ListExecutions` would report them */
  constructor(
    public readonly finishedIds: ReadonlySet<string> = new Set(),
    running: Iterable<string> = [],
  ) {
    for (const id of running) this.running.add(id);
    for (const id of finishedIds) this.executions.set(id, { status: 'SUCCEEDED', stoppedAt: '2024-05-01T00:00:00.000Z' });
  }

  /** Ends the id's run number `restart` (its first execution) with `status`, as of `stoppedAt`. */
  end(id: string, restart: number, status: string, stoppedAt: string, error?: string): this {
    this.executions.set(executionNameFor(id, 1, restart), { status, stoppedAt, ...(error === undefined ? {} : { error }) });
    this.running.delete(id);
    return this;
  }

  async runningIds(): Promise<ReadonlySet<string>> {
    this.listCalls++;
    if (this.listError !== undefined) throw this.listError;
    return new Set(this.running);
  }

  failedSinceCalls: Date[] = [];

  async failedSince(since: Date): Promise<ReadonlySet<string>> {
    this.failedSinceCalls.push(since);
    if (this.listError !== undefined) throw this.listError;
    const ids = new Set<string>();
    for (const [name, execution] of this.executions) {
      const stopped = execution.stoppedAt === undefined ? Number.NaN : Date.parse(execution.stoppedAt);
      if (['FAILED', 'TIMED_OUT'].includes(execution.status) && stopped >= since.getTime()) ids.add(name.split('+')[0]);
    }
    return ids;
  }

  async start(batchPredictionId: string, restart = 0): Promise<StartOutcome> {
    const name = executionNameFor(batchPredictionId, 1, restart);
    this.started.push(batchPredictionId);
    this.startedNames.push(name);
    if (this.error !== undefined) throw this.error;
    const existing = this.executions.get(name);
    // Standard semantics: same name while running is a no-op; an ended name is refused.
    if (existing !== undefined) return existing.status === 'RUNNING' ? 'running' : 'finished';
    this.executions.set(name, { status: 'RUNNING' });
    this.running.add(batchPredictionId);
    return 'running';
  }

  async latestRun(batchPredictionId: string): Promise<LatestRun | undefined> {
    this.latestRunCalls++;
    if (this.latestRunError !== undefined) throw this.latestRunError;
    let latest: LatestRun | undefined;
    for (let restart = 0; ; restart++) {
      const name = executionNameFor(batchPredictionId, 1, restart);
      const execution = this.executions.get(name);
      if (execution === undefined) return latest;
      latest = { restart, executionName: name, ...execution };
    }
  }
}
