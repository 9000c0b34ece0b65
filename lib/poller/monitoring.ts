import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALL_STATUSES } from '../contract/events';
import { PollerMetric, SERVICE_NAME } from '../contract/observability';

/** What {@link pollerAlarms} and {@link pollerDashboard} watch. */
export interface MonitoredResources {
  readonly stateMachine: sfn.StateMachine;
  readonly pollFunction: lambda.Function;
  readonly reportFailureFunction: lambda.Function;
  /** Undefined when discovery is off. */
  readonly starterFunction?: lambda.Function;
  readonly deadLetterQueue: sqs.Queue;
}

/** What {@link pollerAlarms} notifies, and how often the sweeper runs. */
export interface AlarmOptions {
  readonly alertTopic: sns.ITopic;
  /** Notified by the dead-letter-queue alarm instead of the alert topic. */
  readonly deadLetterAlarmTopic?: sns.ITopic;
  readonly sweepInterval: Duration;
}

/** The construct's alarms, by what they watch. */
export interface PollerAlarms {
  readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  readonly executionsFailedAlarm: cloudwatch.Alarm;
  readonly executionsTimedOutAlarm: cloudwatch.Alarm;
  readonly pollErrorsAlarm: cloudwatch.Alarm;
  readonly pollThrottlesAlarm: cloudwatch.Alarm;
  readonly reportFailureErrorsAlarm: cloudwatch.Alarm;
  readonly reportFailureThrottlesAlarm: cloudwatch.Alarm;
  /** Every alarm: the starter's first (errors, throttles, restarts exhausted), then those above. */
  readonly alarms: readonly cloudwatch.Alarm[];
}

/** The alarms (each `<Name>Alarm` in `scope`), each notifying the alert topic. */
export function pollerAlarms(scope: Construct, watched: MonitoredResources, options: AlarmOptions): PollerAlarms {
  const { stateMachine, pollFunction, reportFailureFunction, starterFunction, deadLetterQueue } = watched;
  const alarmAction = new cloudwatchActions.SnsAction(options.alertTopic);
  /**
   * An alarm on ≥ 1 in `datapointsToAlarm` of `evaluationPeriods` periods. No data means nothing
   * happened (no message, no failed execution, no error).
   */
  const alarm = (
    alarmId: string,
    metric: cloudwatch.IMetric,
    description: string,
    { periods = 1, action = alarmAction }: { periods?: number; action?: cloudwatch.IAlarmAction } = {},
  ): cloudwatch.Alarm => {
    const created = new cloudwatch.Alarm(scope, alarmId, {
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(action);
    return created;
  };
  const fiveMinuteSum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
  // The state machine retries every poll error and throttle: 6 retries, 5 s doubling to a 2-min
  // cap for the transient errors (delays adding up to at most 4 min 35 s), 2 s doubling to 60 s
  // for Lambda's own (about 2 min). A burst of quickly failing calls the retries absorb therefore
  // touches at most two 5-minute periods; errors in three consecutive periods persist across
  // retry sequences and polls (or are calls that each hang until the function's timeout). A run
  // whose retries run out fails, and the ExecutionsFailed alarm pages for it.
  const persistentPeriods = 3;
  const deadLetterQueueAlarm = alarm(
    'DeadLetterQueueAlarm',
    deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
    'An alert could not be delivered, or the starter failed after its retries: the event or invocation record is in the dead-letter queue. Read the message, fix the target, then delete or re-send it',
    { action: options.deadLetterAlarmTopic === undefined ? alarmAction : new cloudwatchActions.SnsAction(options.deadLetterAlarmTopic) },
  );
  const executionsFailedAlarm = alarm(
    'ExecutionsFailedAlarm',
    stateMachine.metricFailed(fiveMinuteSum),
    'A polling run (execution) failed: see its Polling Failed alert and the history of its batch prediction',
  );
  const executionsTimedOutAlarm = alarm(
    'ExecutionsTimedOutAlarm',
    stateMachine.metricTimedOut(fiveMinuteSum),
    'A polling run (execution) hit the state machine timeout without reporting: its batch prediction is no longer watched',
  );
  const pollErrorsAlarm = alarm(
    'PollErrorsAlarm',
    pollFunction.metricErrors(fiveMinuteSum),
    'The poll function has reported errors in each of the last 15 minutes (retries are not absorbing them): see its logs',
    { periods: persistentPeriods },
  );
  const pollThrottlesAlarm = alarm(
    'PollThrottlesAlarm',
    pollFunction.metricThrottles(fiveMinuteSum),
    'The poll function has been throttled in each of the last 15 minutes: raise its concurrency or the account limit',
    { periods: persistentPeriods },
  );
  const reportFailureErrorsAlarm = alarm(
    'ReportFailureErrorsAlarm',
    reportFailureFunction.metricErrors(fiveMinuteSum),
    'The report-failure function reported errors',
  );
  const reportFailureThrottlesAlarm = alarm(
    'ReportFailureThrottlesAlarm',
    reportFailureFunction.metricThrottles(fiveMinuteSum),
    'The report-failure function was throttled',
  );
  const starterAlarms =
    starterFunction === undefined
      ? []
      : [
          alarm('StarterErrorsAlarm', starterFunction.metricErrors(fiveMinuteSum), 'The starter (discovery, sweeper) reported errors'),
          alarm('StarterThrottlesAlarm', starterFunction.metricThrottles(fiveMinuteSum), 'The starter (discovery, sweeper) was throttled'),
          // The sweeper counts RestartsExhausted once per sweep for every unfinished batch
          // prediction it may not restart any more: one period per sweep keeps the alarm in
          // ALARM while that lasts, and lets it go back to OK once no sweep counts it.
          alarm(
            'RestartsExhaustedAlarm',
            new cloudwatch.Metric({
              namespace: PollerMetric.NAMESPACE,
              metricName: PollerMetric.RESTARTS_EXHAUSTED,
              dimensionsMap: { service: SERVICE_NAME },
              statistic: cloudwatch.Stats.SUM,
              period: options.sweepInterval,
            }),
            'A PENDING or INPROGRESS batch prediction is polled by nothing: its runs failed and its automatic restarts are used up. See its Polling Failed alerts and history, fix the cause, then restart it with watch --restart <id>',
          ),
        ];
  const named = {
    deadLetterQueueAlarm,
    executionsFailedAlarm,
    executionsTimedOutAlarm,
    pollErrorsAlarm,
    pollThrottlesAlarm,
    reportFailureErrorsAlarm,
    reportFailureThrottlesAlarm,
  };
  return { ...named, alarms: [...starterAlarms, ...Object.values(named)] };
}

/** The dashboard (`Dashboard` in `scope`): runs, transitions, errors, Lambda duration and cold starts, dead letters. */
export function pollerDashboard(
  scope: Construct,
  { stateMachine, pollFunction, reportFailureFunction, starterFunction, deadLetterQueue }: MonitoredResources,
): cloudwatch.Dashboard {
  const custom = (metricName: string, dimensionsMap: Record<string, string>, label?: string) =>
    new cloudwatch.Metric({
      namespace: PollerMetric.NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, ...dimensionsMap },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      label,
    });
  const sum = { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) };
  const functions = [pollFunction, reportFailureFunction, ...(starterFunction ? [starterFunction] : [])];
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { defaultInterval: Duration.days(1) });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Polling runs (executions)',
      left: [
        stateMachine.metricStarted({ ...sum, label: 'started' }),
        stateMachine.metricSucceeded({ ...sum, label: 'succeeded' }),
        stateMachine.metricFailed({ ...sum, label: 'failed' }),
        stateMachine.metricTimedOut({ ...sum, label: 'timed out' }),
      ],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Transitions by status',
      left: ALL_STATUSES.map((status) => custom(PollerMetric.STATUS_TRANSITIONS, { status }, status)),
      width: 12,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Poll errors (before retries) and Lambda errors',
      left: [
        custom(PollerMetric.POLL_ERRORS, {}, 'poll errors'),
        ...functions.map((fn) => fn.metricErrors({ ...sum, label: `${fn.node.id} errors` })),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Lambda duration (p50, p99) and cold starts',
      left: functions.flatMap((fn) => [
        fn.metricDuration({ statistic: 'p50', period: Duration.minutes(5), label: `${fn.node.id} p50` }),
        fn.metricDuration({ statistic: 'p99', period: Duration.minutes(5), label: `${fn.node.id} p99` }),
      ]),
      right: functions.map((fn) => custom(PollerMetric.COLD_START, { function_name: fn.functionName }, `${fn.node.id} cold starts`)),
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queue depth',
      left: [
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) }),
      ],
      width: 8,
    }),
  );
  return dashboard;
}
