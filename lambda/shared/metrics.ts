import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PollerMetric } from '../../lib/contract/observability';

/** Counts one published transition under its status. */
export function countTransition(metrics: Metrics, status: string): void {
  // A single metric: the status dimension applies to this data point only.
  const single = metrics.singleMetric();
  single.addDimension('status', status);
  single.addMetric(PollerMetric.STATUS_TRANSITIONS, MetricUnit.Count, 1);
}

/** Counts one poll that ended in an error. */
export function countPollError(metrics: Metrics): void {
  metrics.addMetric(PollerMetric.POLL_ERRORS, MetricUnit.Count, 1);
}

/** Counts one restarted run the sweeper started. */
export function countRunRestart(metrics: Metrics): void {
  metrics.addMetric(PollerMetric.RUN_RESTARTS, MetricUnit.Count, 1);
}

/** Counts one batch prediction found unfinished with its automatic restarts used up (once per sweep). */
export function countRestartsExhausted(metrics: Metrics): void {
  metrics.addMetric(PollerMetric.RESTARTS_EXHAUSTED, MetricUnit.Count, 1);
}
