import { ServiceError } from '../core/service-error';

/** A fault from a scenario: the named operation fails `times` times. */
export interface FaultSpec {
  /**
   * `GetBatchPrediction`, `DescribeBatchPredictions`, `PutEvents`, `PutItem`, `GetItem`, `UpdateItem`, `Query`, ...,
   * or `Invoke`: the state machine's Lambda task fails with `error` (e.g. `Lambda.TooManyRequestsException`)
   * without the function being called.
   */
  readonly operation: string;
  /** Only calls about this batch prediction. */
  readonly id?: string;
  /** The error to answer with (an AWS error code such as `InternalServerException`). */
  readonly error?: string;
  /** PutEvents only: fail this many entries of the call instead of the whole call. */
  readonly failedEntries?: number;
  /**
   * DynamoDB, PutEvents and Invoke only: perform the operation, then answer with the error (the
   * write happened, the events were delivered, or the function ran to its end, but the caller sees
   * a failure: for Invoke, a crash or timeout after the side effects). @default false
   */
  readonly after?: boolean;
  /** The first `skip` matching calls pass untouched; the fault strikes the ones after. @default 0 */
  readonly skip?: number;
  /** Invoke only: only the Lambda task of this state (e.g. `Poll`). @default any state */
  readonly state?: string;
  /**
   * Invoke only: only invocations of the function with this construct id (e.g. `StarterFunction`,
   * invoked asynchronously by the discovery rule and the sweeper: the attempt fails as a function
   * error named `error`, and Lambda's asynchronous retries and on-failure destination take over).
   * @default any function
   */
  readonly function?: string;
  /** How many calls fail. */
  readonly times: number;
}

/** What a fault does to one matching call. */
export type FaultEffect =
  | { readonly kind: 'error'; readonly error: ServiceError; readonly after: boolean }
  | { readonly kind: 'failEntries'; readonly count: number };

/** Error codes that AWS answers with a 5xx status; anything else is a 4xx. */
const SERVER_ERRORS = new Set([
  'InternalServerException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/**
 * Faults not yet spent, consumed in scenario order by the stand-ins (and, for `Invoke`, by the
 * local Step Functions). Each call is also counted so that a summary can say how many faults were
 * injected.
 */
export class FaultPlan {
  private readonly remaining: { spec: FaultSpec; left: number; skip: number }[];
  /** Faults injected so far, by operation. */
  readonly injected: Record<string, number> = {};

  constructor(specs: readonly FaultSpec[]) {
    this.remaining = specs.map((spec) => ({ spec, left: spec.times, skip: spec.skip ?? 0 }));
  }

  /**
   * The fault for a call of `operation` about `ids` (any of them), if one is still pending.
   * Every matching fault that still skips counts the call; the first one that does not strikes.
   * @param state for `Invoke`: the state whose Lambda task is called (none for an asynchronous invocation)
   * @param functionId for `Invoke`: the construct id of the function called
   */
  take(operation: string, ids: readonly string[], state?: string, functionId?: string): FaultEffect | undefined {
    let entry: { spec: FaultSpec; left: number; skip: number } | undefined;
    for (const r of this.remaining) {
      if (r.left <= 0 || r.spec.operation !== operation) continue;
      if (r.spec.id !== undefined && !ids.includes(r.spec.id)) continue;
      if (r.spec.state !== undefined && r.spec.state !== state) continue;
      if (r.spec.function !== undefined && r.spec.function !== functionId) continue;
      if (r.skip > 0) r.skip--;
      else entry ??= r;
    }
    if (entry === undefined) return undefined;
    entry.left--;
    this.injected[operation] = (this.injected[operation] ?? 0) + 1;
    if (entry.spec.failedEntries !== undefined) return { kind: 'failEntries', count: entry.spec.failedEntries };
    const code = entry.spec.error ?? 'InternalServerException';
    return {
      kind: 'error',
      error: new ServiceError(code, `Injected fault: ${code}`, SERVER_ERRORS.has(code) ? 500 : 400),
      after: entry.spec.after === true,
    };
  }

  /** The construct ids the faults name with `function` (to check them against the deployment). */
  functionsNamed(): string[] {
    return [...new Set(this.remaining.flatMap((r) => (r.spec.function === undefined ? [] : [r.spec.function])))];
  }

  /** Total faults injected. */
  totalInjected(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }
}
