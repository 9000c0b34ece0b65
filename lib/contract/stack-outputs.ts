/** How the CLI and the local runtime find a deployed stack and its resources. */

/** The stack name the app deploys (`bin/app.ts`), and the CLI looks for by default. */
export const DEFAULT_STACK_NAME = 'BatchPredictionPoller';

/** Names of the stack outputs; the CLI and the local runtime find resources through them. */
export const StackOutput = {
  STATE_MACHINE_ARN: 'StateMachineArn',
  EVENT_BUS_NAME: 'EventBusName',
  HISTORY_TABLE_NAME: 'HistoryTableName',
  ALERT_TOPIC_ARN: 'AlertTopicArn',
} as const;

/** One of {@link StackOutput}. */
export type StackOutputName = (typeof StackOutput)[keyof typeof StackOutput];
