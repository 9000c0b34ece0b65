/**
 * HTTP limits of every handler's SDK client. Without them a call to a dependency that accepts the
 * connection and never answers waits until the Lambda function times out (30 s), which Step
 * Functions sees as a crash (`Sandbox.Timedout`). With them the call fails with the SDK's
 * `TimeoutError`, the SDK retries it, and the adapter names it a transient error
 * (`MachineLearningUnavailableError`, `HistoryStoreUnavailableError`, `EventPublishError`) that
 * the state machine retries with backoff.
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 *   (the `requestHandler` shorthand, SDK 3.521.0 and later: the Amazon ML client is 3.523.0)
 */

/** Per-attempt HTTP limits of an SDK client. */
export interface SdkHttpTimeouts {
  /** Time to establish the TCP (and TLS) connection. */
  readonly connectionTimeoutMs: number;
  /** Time for the whole request, connection included, until the response arrives. */
  readonly requestTimeoutMs: number;
}

/**
 * The limits the handlers' clients use. An AWS API answers in well under a second; with the SDK's
 * default 3 attempts in standard retry mode a call that hangs every time fails after about
 * 3 × 4 s plus backoff (under a second), so one hung dependency fails an invocation in about 13 s,
 * well inside the 30 s function timeout (`test/adapters/sdk-timeouts.test.ts` checks that every
 * handler's client gives up at its request timeout).
 */
export const SDK_HTTP_TIMEOUTS: SdkHttpTimeouts = { connectionTimeoutMs: 1000, requestTimeoutMs: 4000 };

/** The SDK's default number of attempts per call (standard retry mode) when `AWS_MAX_ATTEMPTS` is not set. */
export const SDK_DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The client configuration giving a client {@link SdkHttpTimeouts}: `requestHandler` options of
 * the SDK's `NodeHttpHandler`. `throwOnRequestTimeout` makes the current handler (4.x) fail the
 * request at `requestTimeout` instead of only logging a warning; the older handler the Amazon ML
 * client brings outside the bundle treats `requestTimeout` as a socket inactivity limit, which
 * fails a hung call the same way.
 *
 * The plain-HTTP agent has no socket cap. AWS endpoints are HTTPS, so it serves only local
 * endpoints, where the local runtime runs the invocations of many simulated functions through one
 * process and the clients it hands every handler instance. Both timers start when a request is
 * made, before it has a socket, so behind the default cap of 50 sockets a request queued behind a thousand concurrent
 * polls would fail with a TimeoutError it would never meet in Lambda, where a function instance
 * makes one call at a time.
 */
export function sdkClientConfig(timeouts: SdkHttpTimeouts = SDK_HTTP_TIMEOUTS): {
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean; httpAgent: { maxSockets: number } };
} {
  return {
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: { maxSockets: Infinity },
    },
  };
}
