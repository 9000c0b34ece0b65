import {
  BATCH_PREDICTION_ID_PATTERN,
  type BatchPredictionStatus,
  DetailType,
  type PollingFailedDetail,
  isBatchPredictionStatus,
} from '../../lib/contract/events';
import { type EventTarget, buildPollingFailedDetail, toEventEntry } from '../shared/domain/events';
import type { EventPublisher, ExecutionContext } from '../shared/ports';
import { batchPredictionIdIn } from '../../lib/contract/loop-state';

/** What the state machine's Catch hands the failure path. */
export interface ReportFailureRequest {
  /** The loop state when the error was caught (may be the malformed input itself). */
  readonly state: unknown;
  /** Step Functions' error output: `Error` is the error name, `Cause` its description. */
  readonly failure: { readonly Error?: unknown; readonly Cause?: unknown };
  readonly execution: ExecutionContext;
}

/** What the failure path returns; the state machine's Fail state ends the execution with `error`. */
export interface ReportFailureResult {
  readonly error: string;
  readonly cause: string;
  readonly eventId: string;
  readonly reason: PollingFailedDetail['reason'];
}

/** What reporting needs. */
export interface ReportFailureDependencies {
  readonly sink: EventPublisher;
  readonly target: EventTarget;
  readonly now: () => Date;
}

/**
 * Publishes a `Batch Prediction Polling Failed` event for a run that ended without a terminal
 * status, so that on-call engineers hear of it even when the job itself may still be running.
 */
export async function reportPollingFailure(
  request: ReportFailureRequest,
  deps: ReportFailureDependencies,
): Promise<{ result: ReportFailureResult; detail: PollingFailedDetail }> {
  const state = (typeof request.state === 'object' && request.state !== null ? request.state : {}) as Record<string, unknown>;
  const error = typeof request.failure.Error === 'string' && request.failure.Error !== '' ? request.failure.Error : 'States.Runtime';
  const batchPredictionId = (batchPredictionIdIn(state) ?? '').slice(0, 256);
  const lastStatus: BatchPredictionStatus | null = isBatchPredictionStatus(state.lastStatus) ? state.lastStatus : null;
  const detail = buildPollingFailedDetail({
    batchPredictionId,
    executionId: request.execution.id,
    error,
    cause: readableCause(request.failure.Cause),
    lastStatus,
    runId: typeof state.runId === 'string' ? state.runId : null,
    observedAt: deps.now().toISOString(),
  });
  const entry = toEventEntry(DetailType.POLLING_FAILED, detail, deps.target);
  // An id that is not an Amazon ML id makes no valid ARN; leave `resources` empty rather than lie.
  const resources = BATCH_PREDICTION_ID_PATTERN.test(batchPredictionId) ? entry.Resources : [];
  await deps.sink.publish([{ ...entry, Resources: resources }]);
  return { result: { error, cause: detail.cause, eventId: detail.eventId, reason: detail.reason }, detail };
}

/**
 * Lambda errors reach Step Functions as a JSON `Cause` (`{"errorType","errorMessage","trace"}`);
 * subscribers want the message, not the stack trace.
 */
export function readableCause(cause: unknown): string {
  if (typeof cause !== 'string') return cause === undefined ? '' : JSON.stringify(cause);
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as Record<string, unknown>).errorMessage === 'string') {
      return (parsed as Record<string, string>).errorMessage;
    }
  } catch {
    // Not JSON: a plain cause from Step Functions itself (e.g. States.Timeout).
  }
  return cause;
}
