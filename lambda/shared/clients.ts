import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { MachineLearningClient } from '@aws-sdk/client-machine-learning';
import type { SFNClient } from '@aws-sdk/client-sfn';

/**
 * Every SDK client a handler may call. Each handler entry module (the composition root) builds
 * the ones its adapters need, once per container; the local runtime builds all of them pointed at
 * its own stand-ins and passes them to every handler factory. Types only: a handler bundle holds
 * the code of the clients its entry module builds, and no other.
 */
export interface AwsClients {
  readonly machineLearning: MachineLearningClient;
  readonly eventBridge: EventBridgeClient;
  readonly dynamoDb: DynamoDBClient;
  readonly stepFunctions: SFNClient;
}
