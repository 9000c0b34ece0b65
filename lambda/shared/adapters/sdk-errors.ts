/**
 * Reading SDK v3 errors: the adapters turn them into the poller's named errors, and these
 * predicates decide which of those the state machine retries. The names are the contract's
 * (`lib/contract/sdk-errors.ts`), which the operator CLI reads too.
 */
import { ACCESS_DENIED_ERROR_NAMES, CREDENTIAL_ERROR_NAMES, THROTTLING_ERROR_NAMES } from '../../../lib/contract/sdk-errors';

interface SdkErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  $fault?: unknown;
  code?: unknown;
}

/** The error's `name` (SDK v3 sets it to the service's error code). */
export function sdkErrorName(error: unknown): string {
  const name = (error as SdkErrorShape | undefined)?.name;
  return typeof name === 'string' ? name : 'Error';
}

/** True for throttling, 5xx, network failures and anything the SDK itself marks retryable. */
export function isTransientSdkError(error: unknown): boolean {
  const shape = error as SdkErrorShape | undefined;
  if (shape === undefined || shape === null) return false;
  const name = sdkErrorName(error);
  if (THROTTLING_ERROR_NAMES.has(name)) return true;
  if (shape.$retryable || shape.$fault === 'server') return true;
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500 || status === 429;
  // No HTTP answer at all: connection refused/reset, DNS, socket timeout.
  return typeof shape.code === 'string' || name === 'TimeoutError' || name === 'AbortError';
}

/** True when the call was refused for lack of permission or credentials (neither is retried). */
export function isAccessDeniedSdkError(error: unknown): boolean {
  const name = sdkErrorName(error);
  return ACCESS_DENIED_ERROR_NAMES.has(name) || CREDENTIAL_ERROR_NAMES.has(name);
}

/** A one-line description: `Name: message`. */
export function describeSdkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${sdkErrorName(error)}: ${message}`;
}
