import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { PollerMetric, SERVICE_NAME } from '../lib/contract';

/** The one metrics instance of the handlers; flushed at the end of every invocation. */
export const metrics = new Metrics({ namespace: PollerMetric.NAMESPACE, serviceName: SERVICE_NAME });

/** Counts one published transition under its status. */
export function countTransition(status: string): void {
  // A single metric: the status dimension applies to this data point only.
  const single = metrics.singleMetric();
  single.addDimension('status', status);
  single.addMetric(PollerMetric.STATUS_TRANSITIONS, MetricUnit.Count, 1);
}

/** Counts one poll that ended in an error. */
export function countPollError(): void {
  metrics.addMetric(PollerMetric.POLL_ERRORS, MetricUnit.Count, 1);
}

/** Counts one restarted run the sweeper started. */
export function countRunRestart(): void {
  metrics.addMetric(PollerMetric.RUN_RESTARTS, MetricUnit.Count, 1);
}

/** Counts one batch prediction found unfinished with its automatic restarts used up (once per sweep). */
export function countRestartsExhausted(): void {
  metrics.addMetric(PollerMetric.RESTARTS_EXHAUSTED, MetricUnit.Count, 1);
}
