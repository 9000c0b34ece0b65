/**
 * The AWS SDK v3 error names both sides read (no SDK import: names only): the Lambda adapters
 * decide from them what the state machine retries, and the operator CLI how it phrases a failure.
 * One list of each, so the two never disagree about what an error is.
 */

/** A throttled call: worth retrying later. */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottledException',
  'LimitExceededException',
]);

/** Missing, malformed, unknown or expired credentials, across services: no retry fixes them. */
export const CREDENTIAL_ERROR_NAMES: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'TokenRefreshRequired',
]);

/** The caller's policy refuses the call. */
export const ACCESS_DENIED_ERROR_NAMES: ReadonlySet<string> = new Set(['AccessDenied', 'AccessDeniedException']);

/** Node's codes for an endpoint that does not answer at all. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
