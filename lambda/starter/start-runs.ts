import { DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_BACKOFF_SECONDS } from '../../lib/contract/defaults';
import { PollerErrorName } from '../../lib/contract/errors';
import type { StarterRequest } from '../../lib/contract/loop-state';
import { executionNameFor } from '../../lib/contract/runs';
import { InvalidBatchPredictionInputError } from '../shared/domain/errors';
import { validateBatchPredictionId } from '../shared/domain/poll-state';
import { type RestartPolicy, decideRestart, revisitWindowSeconds } from '../shared/domain/restarts';
import type { BatchPredictionLister, RunStarter } from '../shared/ports';

/** A restart the sweeper started: which run, and how the run before it ended. */
export interface StartedRestart {
  readonly batchPredictionId: string;
  /** The restart number (1 for the first restart); the execution is named `<id>+r<restart>`. */
  readonly restart: number;
  readonly executionName: string;
  /** The previous run's latest execution, its status, when it stopped and its error. */
  readonly previousExecutionName: string;
  readonly previousStatus: string;
  readonly previousStoppedAt?: string;
  readonly previousError?: string;
}

/** What one starter invocation did, per batch prediction id. */
export interface StartRunsResult {
  /** Ids a run is polling now (started, restarted, or already running). */
  readonly running: string[];
  /** Ids whose run already ended and is not restarted (it SUCCEEDED, or the request came from CloudTrail). */
  readonly finished: string[];
  /** Restarts started now (their ids are in `running` too). */
  readonly restarted: StartedRestart[];
  /** Ids whose run failed and whose next restart is not due yet (a later sweep starts it). */
  readonly deferred: { readonly batchPredictionId: string; readonly restart: number; readonly notBefore: string }[];
  /** Ids whose run failed with every automatic restart used up: nothing polls them now. */
  readonly exhausted: {
    readonly batchPredictionId: string;
    readonly restarts: number;
    readonly lastExecutionName: string;
    readonly lastStatus: string;
  }[];
}

/** What {@link startRuns} needs. */
export interface StartRunsDependencies {
  readonly lister: BatchPredictionLister;
  readonly starter: RunStarter;
  /** Automatic restarts of the sweeper. @default {@link DEFAULT_RESTART_POLICY} */
  readonly restarts?: RestartPolicy;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** The restart policy when none is configured: 3 restarts, 15 min × 2^(N-1) apart. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: DEFAULT_MAX_RESTARTS,
  backoffBaseSeconds: DEFAULT_RESTART_BACKOFF_SECONDS,
};

/**
 * Starts a polling run for a batch prediction announced by CloudTrail, or for every PENDING and
 * INPROGRESS batch prediction (the sweep: CloudTrail delivery is best effort and needs a trail).
 * The sweep also revisits every id whose run ended FAILED or TIMED_OUT within the
 * {@link revisitWindowSeconds} (whatever the job's status now), and restarts it as below, so that
 * what that run left unpublished goes out and the job's final status is read.
 * Runs are named after the id, so starting one that is already polled is a no-op; the sweep still
 * skips the ids a running execution polls (one `ListExecutions` instead of a `StartExecution` per
 * job in flight, which at a thousand jobs was a thousand calls every sweep).
 *
 * Restarts: when the sweep finds an id still PENDING or INPROGRESS whose run has ended (the start
 * answers `ExecutionAlreadyExists`), it looks at the id's latest run. If that run ended FAILED,
 * TIMED_OUT or ABORTED, it starts restart N (`<id>+r<N>`, a new run) once the policy's spacing has
 * passed, up to `restarts.maxRestarts`. The name is deterministic, so two sweeps start one restart.
 * A CloudTrail request never restarts: only the sweep knows Amazon ML still reports the id as
 * unfinished.
 *
 * @throws InvalidBatchPredictionInputError for a CloudTrail id that is not an Amazon ML id
 */
export async function startRuns(request: StarterRequest, deps: StartRunsDependencies): Promise<StartRunsResult> {
  const policy = deps.restarts ?? DEFAULT_RESTART_POLICY;
  const now = (deps.now ?? (() => new Date()))();
  let ids: string[];
  let running: ReadonlySet<string> = new Set();
  // Ids something says exist now: the CloudTrail id, or those Amazon ML lists as unfinished.
  let existing: ReadonlySet<string>;
  if (request.source === 'cloudtrail') {
    validateBatchPredictionId(request.batchPredictionId);
    ids = [request.batchPredictionId];
    existing = new Set(ids);
  } else if (request.source === 'sweeper') {
    const [pending, inProgress, runningIds, failed] = await Promise.all([
      deps.lister.listIds('PENDING'),
      deps.lister.listIds('INPROGRESS'),
      deps.starter.runningIds(),
      deps.starter.failedSince(new Date(now.getTime() - revisitWindowSeconds(policy) * 1000)),
    ]);
    existing = new Set([...pending, ...inProgress]);
    // Also every id whose run failed lately, whatever its status now: a run that failed may leave
    // the job's last transition unpublished, or its final status unread (it completed meanwhile).
    ids = [...new Set([...existing, ...failed])].sort();
    running = runningIds;
  } else {
    throw new InvalidBatchPredictionInputError(
      `The starter takes {"source": "cloudtrail", "batchPredictionId": "..."} or {"source": "sweeper"}, got ${JSON.stringify(request)?.slice(0, 200)}`,
    );
  }
  const result: StartRunsResult = { running: [], finished: [], restarted: [], deferred: [], exhausted: [] };
  // One at a time: StartExecution is throttled per account, and a sweep finds few ids.
  for (const id of ids) {
    if (running.has(id)) {
      result.running.push(id);
      continue;
    }
    // A revisited id (not listed as unfinished) had a run: its first start would only be refused.
    if (existing.has(id) && (await deps.starter.start(id)) === 'running') {
      result.running.push(id);
      continue;
    }
    const latest = await deps.starter.latestRun(id);
    if (latest === undefined) {
      result.finished.push(id);
      continue;
    }
    const decision = decideRestart(latest, policy, now, { idExists: existing.has(id) });
    // CloudTrail restarts only a run that ended NOT_FOUND (it started before Amazon ML knew the id,
    // which CloudTrail now says exists); any other ended run is the sweeper's to judge.
    if (request.source === 'cloudtrail' && !(decision.kind === 'restart' && latest.error === PollerErrorName.NOT_FOUND)) {
      result.finished.push(id);
      continue;
    }
    switch (decision.kind) {
      case 'running':
        result.running.push(id);
        break;
      case 'finished':
      case 'stopped':
        // Ended, and not the sweeper's to restart (a stopped run stays stopped).
        result.finished.push(id);
        break;
      case 'backoff':
        result.deferred.push({ batchPredictionId: id, restart: decision.restart, notBefore: decision.notBefore });
        break;
      case 'exhausted':
        result.exhausted.push({
          batchPredictionId: id,
          restarts: decision.restarts,
          lastExecutionName: latest.executionName,
          lastStatus: latest.status,
        });
        break;
      case 'restart':
        // `finished` here: another sweep started this restart and it has ended already; the next
        // sweep sees it as the latest run and decides again.
        if ((await deps.starter.start(id, decision.restart)) === 'finished') {
          result.finished.push(id);
          break;
        }
        result.running.push(id);
        result.restarted.push({
          batchPredictionId: id,
          restart: decision.restart,
          executionName: executionNameFor(id, 1, decision.restart),
          previousExecutionName: latest.executionName,
          previousStatus: latest.status,
          ...(latest.stoppedAt !== undefined ? { previousStoppedAt: latest.stoppedAt } : {}),
          ...(latest.error !== undefined ? { previousError: latest.error } : {}),
        });
        break;
    }
  }
  return result;
}
