/**
 * In-memory stand-ins for the starter's ports, shared by the use-case and handler tests. They keep
 * the ports' semantics: a lister answers per status; a starter names runs after the id, so a second
 * start of a running id is a no-op and an id whose run ended is `finished`.
 */
import { BatchPredictionLister, RunStarter, StartOutcome } from '../../../lambda/ports-starter';

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

/** Starts "executions" named after the id; ids in `finishedIds` have a run that already ended. */
export class FakeStarter implements RunStarter {
  readonly started: string[] = [];
  readonly running = new Set<string>();
  error: Error | undefined;

  listCalls = 0;
  listError: Error | undefined;

  /** @param running ids a run polls already, as `ListExecutions` would report them */
  constructor(
    public readonly finishedIds: ReadonlySet<string> = new Set(),
    running: Iterable<string> = [],
  ) {
    for (const id of running) this.running.add(id);
  }

  async runningIds(): Promise<ReadonlySet<string>> {
    this.listCalls++;
    if (this.listError !== undefined) throw this.listError;
    return new Set(this.running);
  }

  async start(batchPredictionId: string): Promise<StartOutcome> {
    this.started.push(batchPredictionId);
    if (this.error !== undefined) throw this.error;
    if (this.finishedIds.has(batchPredictionId)) return 'finished';
    this.running.add(batchPredictionId);
    return 'running';
  }
}
