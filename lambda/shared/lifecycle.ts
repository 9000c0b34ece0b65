/**
 * The one lifecycle of the three handlers: cold-start metric, per-invocation log keys, lazily built
 * dependencies, log-and-rethrow, and a metrics flush only when there is something to flush.
 *
 * Why a small wrapper of ours and not Powertools' Middy middleware (`injectLambdaContext` and
 * `logMetrics` on `@middy/core`): `logMetrics` calls `publishStoredMetrics()` after every
 * invocation, and Powertools warns "No application metrics to publish" whenever nothing was added
 * — on most polls, which see no status change — so each quiet poll would log a warning. Middy would
 * also be a runtime dependency bundled into each Lambda: measured with esbuild (minified, CJS,
 * node22), an entry with Logger + Metrics and this lifecycle is 34,821 bytes, the same with Middy
 * and both middlewares 38,644 bytes (+3,823 bytes per bundle, `@middy/core` 7.9.2). The lifecycle
 * below is the part of those middlewares the handlers use, in about 40 lines.
 * @see https://docs.aws.amazon.com/powertools/typescript/2.26.0/api/types/_aws-lambda-powertools_metrics.types.ExtraOptions.html
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { PollerMetric, SERVICE_NAME } from '../../lib/contract/observability';
import { batchPredictionIdIn } from '../../lib/contract/loop-state';

/** The part of the Lambda context object the handlers read. */
export type InvocationContext = Partial<Pick<Context, 'awsRequestId' | 'functionName'>>;

/** A handler as Lambda (or the local runtime) invokes it. */
export type LambdaHandler<Event, Result> = (event: Event, context?: InvocationContext) => Promise<Result>;

/**
 * The logger and metrics of one handler instance (one execution environment). Each instance has
 * its own, so that the keys of one invocation never reach the log lines of another running at the
 * same time in the same process (the local runtime runs many instances in one process).
 */
export interface HandlerTools {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** How a handler factory builds the handler's dependencies. */
export interface HandlerFactoryOptions<Dependencies, Clients> {
  /**
   * Builds the dependencies, on the first invocation (so that a configuration error is a named
   * error of that invocation, not an init failure), once per handler instance.
   * @default the entry module's `default*Dependencies`, built from the environment with `clients`
   */
  readonly dependencies?: () => Dependencies;
  /**
   * The SDK clients the default dependencies are built with; the local runtime passes clients
   * pointed at its own stand-ins.
   * @default the container's clients, built once per container (module scope)
   */
  readonly clients?: Clients;
  /**
   * The function's settings (the environment variables the stack sets), read by the default
   * dependencies; the local runtime passes each function's own, from the template.
   * @default process.env
   */
  readonly settings?: Settings;
  /**
   * The clock the default dependencies read the time from; the local runtime passes its virtual one.
   * @default () => new Date()
   */
  readonly now?: () => Date;
}

/** A function's settings: its environment variables, by name. */
export type Settings = Readonly<Record<string, string | undefined>>;

/** What {@link withHandlerLifecycle} needs to know about one handler. */
export interface HandlerLifecycle<Event, Dependencies> {
  /** Keys every log line of the invocation carries, read from its event. */
  readonly keysOf: (event: Event) => Record<string, unknown>;
  /** Builds the dependencies; called on the first invocation only. */
  readonly dependencies: () => Dependencies;
  /** The log message when the invocation fails. */
  readonly failureMessage: string;
  /** Runs before a failure is logged and rethrown (e.g. to count it). */
  readonly onError?: (tools: HandlerTools) => void;
}

/** A fresh logger and metrics instance for one handler instance. */
export function createHandlerTools(): HandlerTools {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: PollerMetric.NAMESPACE, serviceName: SERVICE_NAME }),
  };
}

/**
 * Wraps a handler body in the shared lifecycle. The returned function is one handler instance:
 * its own logger, metrics (whose cold start is its first invocation) and dependencies.
 */
export function withHandlerLifecycle<Event, Result, Dependencies>(
  lifecycle: HandlerLifecycle<Event, Dependencies>,
  body: (event: Event, dependencies: Dependencies, tools: HandlerTools) => Promise<Result>,
): LambdaHandler<Event, Result> {
  const tools = createHandlerTools();
  const { logger, metrics } = tools;
  let dependencies: Dependencies | undefined;
  return async (event, context) => {
    metrics.captureColdStartMetric(context?.functionName);
    logger.appendKeys({ ...lifecycle.keysOf(event), requestId: context?.awsRequestId });
    try {
      dependencies ??= lifecycle.dependencies();
      return await body(event, dependencies, tools);
    } catch (error) {
      lifecycle.onError?.(tools);
      logger.error(lifecycle.failureMessage, error as Error);
      throw error;
    } finally {
      // Most invocations (a poll that sees no change) add no metric: flush only when there is one.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

/** `batchPredictionId` and `executionId` of a state machine task's event, for its log lines. */
export function taskKeysOf(event: unknown): Record<string, unknown> {
  const task = event as { readonly state?: unknown; readonly execution?: { readonly id?: unknown } } | null | undefined;
  return {
    batchPredictionId: batchPredictionIdIn(task?.state),
    executionId: task?.execution?.id,
  };
}
