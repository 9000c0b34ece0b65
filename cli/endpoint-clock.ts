/**
 * The clock of the endpoint the CLI talks to. In AWS that is now; against the local runtime's
 * `--serve` endpoint it is simulated time, which runs N times faster than the wall clock. Every
 * HTTP response carries the server's time in its `Date` header (RFC 9110 §6.6.1), so the CLI
 * reads it there rather than trusting its own clock.
 */

/** A client whose middleware stack the clock can watch (every AWS SDK v3 client). */
export interface ClientWithMiddleware {
  readonly middlewareStack: {
    // The stack's input and output types vary per client; the clock only reads the response.
    add(middleware: unknown, options: { step: 'build'; name: string; override: boolean }): void;
  };
}

/** Name of the middleware {@link EndpointClock.watch} adds. */
export const ENDPOINT_CLOCK_MIDDLEWARE = 'endpointClockMiddleware';

/**
 * The latest `Date` an endpoint answered with, falling back to the local clock until one arrives.
 * `Date` has whole seconds only: the server's clock read somewhere in `[Date, Date + 1 s)`, and
 * {@link now} takes the end of that second, so that something the server recorded just before
 * answering never appears to lie in the future (a negative duration).
 */
export class EndpointClock {
  private latestMs?: number;

  /** @param localNow the fallback clock (the machine's) */
  constructor(private readonly localNow: () => Date = () => new Date()) {}

  /** The endpoint's time as of its latest answer, or the local clock before any answer. */
  now(): Date {
    return this.latestMs === undefined ? this.localNow() : new Date(this.latestMs + 999);
  }

  /** Records a response's `Date` header; ignores a missing or unparseable one. */
  observe(dateHeader: unknown): void {
    if (typeof dateHeader !== 'string') return;
    const ms = Date.parse(dateHeader);
    if (Number.isFinite(ms)) this.latestMs = ms;
  }

  /**
   * Adds a middleware to each client that reads the `Date` of every response it receives, errors
   * included. It sits in the `build` step, outside the retry loop, so it sees the final answer.
   */
  watch(...clients: readonly ClientWithMiddleware[]): void {
    for (const client of clients) {
      client.middlewareStack.add(
        (next: (args: unknown) => Promise<{ response?: unknown }>) => async (args: unknown) => {
          try {
            const result = await next(args);
            this.observe(headersOf(result.response)?.date);
            return result;
          } catch (error) {
            this.observe(headersOf((error as { $response?: unknown } | undefined)?.$response)?.date);
            throw error;
          }
        },
        { step: 'build', name: ENDPOINT_CLOCK_MIDDLEWARE, override: true },
      );
    }
  }
}

function headersOf(response: unknown): Record<string, unknown> | undefined {
  const headers = (response as { headers?: unknown } | undefined)?.headers;
  return headers !== null && typeof headers === 'object' ? (headers as Record<string, unknown>) : undefined;
}
