import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import type { Construct } from 'constructs';
import { EVENT_SCHEMAS } from '../contract/schemas';

/**
 * An EventBridge schema registry (`SchemaRegistry` in `scope`) holding the JSON Schema (draft-04) of
 * every detail type the construct publishes (`Schema<DetailTypeWithoutSpaces>`).
 */
export function schemaRegistry(scope: Construct): eventschemas.CfnRegistry {
  const registry = new eventschemas.CfnRegistry(scope, 'SchemaRegistry', { description: 'Events published by batch-prediction-poller' });
  for (const { name, detailType, schema } of EVENT_SCHEMAS) {
    new eventschemas.CfnSchema(scope, `Schema${detailType.replace(/\s+/g, '')}`, {
      registryName: registry.attrRegistryName,
      schemaName: name,
      type: 'JSONSchemaDraft4',
      description: `detail-type "${detailType}"`,
      content: JSON.stringify(schema),
    });
  }
  return registry;
}
