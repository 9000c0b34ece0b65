import { CfnOutput, type CfnOutputProps, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { BatchPredictionPoller } from './batch-prediction-poller';
import type { PollerAppConfig } from './config';
import { StackOutput, type StackOutputName } from './contract/stack-outputs';

/** Properties of {@link BatchPredictionPollerStack}. */
export interface BatchPredictionPollerStackProps extends StackProps {
  /** The validated app configuration (see `lib/config.ts`). */
  readonly config: PollerAppConfig;
}

export { StackOutput };

/** The deployable app: one {@link BatchPredictionPoller} and its outputs. */
export class BatchPredictionPollerStack extends Stack {
  /** The poller. */
  readonly poller: BatchPredictionPoller;

  /**
   * @param scope the app (or stage) the stack is created in
   * @param id the stack id (the app uses `BatchPredictionPoller`)
   * @param props the stack's own props and the app configuration
   */
  constructor(scope: Construct, id: string, props: BatchPredictionPollerStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.poller = new BatchPredictionPoller(this, 'Poller', {
      eventBus: config.eventBusName === undefined ? undefined : events.EventBus.fromEventBusName(this, 'ExistingBus', config.eventBusName),
      eventSource: config.eventSource,
      alertEmail: config.alertEmail,
      pollInterval: config.pollInterval,
      maxPollsPerExecution: config.maxPollsPerExecution,
      discovery: config.discovery,
      maxRestarts: config.maxRestarts,
    });
    // Keyed by output name so that the compiler checks every output the contract names is emitted.
    const outputs = {
      [StackOutput.STATE_MACHINE_ARN]: { value: this.poller.stateMachine.stateMachineArn, description: 'Start a run here' },
      [StackOutput.EVENT_BUS_NAME]: { value: this.poller.eventBus.eventBusName, description: 'Events are published here' },
      [StackOutput.HISTORY_TABLE_NAME]: { value: this.poller.historyTable.tableName, description: 'One item per transition' },
      [StackOutput.ALERT_TOPIC_ARN]: { value: this.poller.alertTopic.topicArn, description: 'Alerts go here' },
    } satisfies Record<StackOutputName, CfnOutputProps>;
    for (const [name, output] of Object.entries(outputs)) new CfnOutput(this, name, output);
  }
}
