import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { HistoryTable } from '../contract/history';

/** The history table (`HistoryTable` in `scope`): one item per transition, keys as the contract lays them out. */
export function historyTable(scope: Construct, removalPolicy: RemovalPolicy): dynamodb.Table {
  return new dynamodb.Table(scope, 'HistoryTable', {
    partitionKey: { name: HistoryTable.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
    sortKey: { name: HistoryTable.SORT_KEY, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy,
  });
}
