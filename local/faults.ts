import { ServiceError } from './aws-json-server';

/** A fault from a scenario: the named operation fails `times` times. */
export interface FaultSpec {
  /** `GetBatchPrediction`, `DescribeBatchPredictions`, `PutEvents`, `PutItem`, `GetItem`, `UpdateItem`, `Query`, ... */
  readonly operation: string;
  /** Only calls about this batch prediction. */
  readonly id?: string;
  /** The error to answer with (an AWS error code such as `InternalServerException`). */
  readonly error?: string;
  /** PutEvents only: fail this many entries of the call instead of the whole call. */
  readonly failedEntries?: number;
  /** How many calls fail. */
  readonly times: number;
}

/** What a fault does to one matching call. */
export type FaultEffect = { readonly kind: 'error'; readonly error: ServiceError } | { readonly kind: 'failEntries'; readonly count: number };

/** Error codes that AWS answers with a 5xx status; anything else is a 4xx. */
const SERVER_ERRORS = new Set(['InternalServerException', 'InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException']);

/**
 * Faults not yet spent, consumed in scenario order by the stand-ins. Each call is also counted so
 * that a summary can say how many faults were injected.
 */
export class FaultPlan {
  private readonly remaining: { spec: FaultSpec; left: number }[];
  /** Faults injected so far, by operation. */
  readonly injected: Record<string, number> = {};

  constructor(specs: readonly FaultSpec[]) {
    this.remaining = specs.map((spec) => ({ spec, left: spec.times }));
  }

  /** The fault for a call of `operation` about `ids` (any of them), if one is still pending. */
  take(operation: string, ids: readonly string[]): FaultEffect | undefined {
    const entry = this.remaining.find((r) => r.left > 0 && r.spec.operation === operation && (r.spec.id === undefined || ids.includes(r.spec.id)));
    if (entry === undefined) return undefined;
    entry.left--;
    this.injected[operation] = (this.injected[operation] ?? 0) + 1;
    if (entry.spec.failedEntries !== undefined) return { kind: 'failEntries', count: entry.spec.failedEntries };
    const code = entry.spec.error ?? 'InternalServerException';
    return { kind: 'error', error: new ServiceError(code, `Injected fault: ${code}`, SERVER_ERRORS.has(code) ? 500 : 400) };
  }

  /** Total faults injected. */
  totalInjected(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }
}
