import * as path from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { LOCAL_HANDLER_METADATA } from '../../lib/contract/handlers';
import { packageRoot } from '../../lib/contract/package-root';
import { validateEventPattern } from '../core/event-pattern-compiler';
import type { EventPattern } from '../core/event-pattern-model';
import { type ResolveContext, arnOf, physicalIdOf, resolveIntrinsics, resolveStateMachineDefinition } from './intrinsics';

/** A rule target as the template defines it. */
export interface TargetDefinition {
  readonly id: string;
  readonly arn: string;
  readonly input?: string;
  readonly inputPath?: string;
  readonly inputTransformer?: { readonly InputPathsMap?: Record<string, string>; readonly InputTemplate: string };
}

/** A rule as the template defines it. */
export interface RuleDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly eventBusName: string;
  readonly pattern: EventPattern;
  readonly targets: readonly TargetDefinition[];
}

/** A table as the template defines it. */
export interface TableDefinition {
  readonly logicalId: string;
  readonly tableName: string;
  readonly keySchema: CreateTableCommandInput['KeySchema'];
  readonly attributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  readonly globalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
  /** The template's `SSESpecification` (resolved). */
  readonly sseSpecification?: { readonly SSEEnabled?: boolean; readonly SSEType?: string; readonly KMSMasterKeyId?: string };
}

/** The fake account and region every local deployment lives in. */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

/** A Lambda function of the template and the source that runs in it. */
export interface FunctionDefinition {
  readonly logicalId: string;
  /** The construct's id (e.g. `StarterFunction`), from the local-handler metadata; scenario faults name functions by it. */
  readonly constructId?: string;
  readonly name: string;
  readonly arn: string;
  /** Absolute path of the handler's entry module. */
  readonly entry: string;
  /** The export that builds a handler instance (a fresh "container"). */
  readonly factory: string;
  readonly environment: Readonly<Record<string, string>>;
  /** How Lambda handles its asynchronous invocations (the template's `EventInvokeConfig`, else Lambda's defaults). */
  readonly asyncInvoke: AsyncInvokeDefinition;
}

/**
 * Lambda's handling of a function's asynchronous invocations: retries after a function error, how
 * long an event may wait, and where the record of one that failed for good goes.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
export interface AsyncInvokeDefinition {
  /** Retries after the first attempt (0–2). Lambda's default: 2. */
  readonly maximumRetryAttempts: number;
  /** How long an event may wait for an attempt (60 s–6 h). Lambda's default: 6 h. */
  readonly maximumEventAgeSeconds: number;
  /** ARN of the on-failure destination, if any (else the event is dropped). */
  readonly onFailureArn?: string;
}

/** Lambda's asynchronous-invocation defaults, for a function without an `EventInvokeConfig`. */
export const LAMBDA_ASYNC_DEFAULTS: AsyncInvokeDefinition = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 6 * 3600 };

/** An SQS queue of the template. */
export interface QueueDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
}

/** A state machine of the template, with its definition resolved to plain ASL. */
export interface StateMachineDefinitionInfo {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly definition: Record<string, unknown>;
  /** The execution role's ARN, resolved from the template (DescribeStateMachine's `roleArn`). */
  readonly roleArn?: string;
  /** `LoggingConfiguration` and `TracingConfiguration` as the template sets them, resolved. */
  readonly loggingConfiguration?: Record<string, unknown>;
  readonly tracingConfiguration?: Record<string, unknown>;
}

/** A scheduled rule: every `everySeconds`, its targets receive their input. */
export interface ScheduleDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly everySeconds: number;
  /** The rule's `ScheduleExpression` as the template gives it, e.g. `rate(15 minutes)`. */
  readonly scheduleExpression: string;
  readonly targets: readonly TargetDefinition[];
}

/** Everything the local runtime takes from the synthesized template, and nothing else. */
export interface LocalDeployment {
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly template: Record<string, unknown>;
  readonly stateMachines: readonly StateMachineDefinitionInfo[];
  readonly functions: readonly FunctionDefinition[];
  readonly tables: readonly TableDefinition[];
  /** Event bus names, `default` included. */
  readonly buses: readonly string[];
  readonly rules: readonly RuleDefinition[];
  /** Scheduled rules (`rate(...)` expressions). */
  readonly schedules: readonly ScheduleDefinition[];
  /** SQS queues (the dead-letter queue). */
  readonly queues: readonly QueueDefinition[];
  /** Stack outputs, resolved. */
  readonly outputs: Readonly<Record<string, string>>;
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/** Where handler entries named by the template's metadata are resolved from (a clone's sources). */
const PROJECT_ROOT = packageRoot(__dirname);

/** Reads a deployment out of a synthesized template. */
export function deploymentFromTemplate(template: Record<string, unknown>, stackName: string): LocalDeployment {
  const resources = (template.Resources ?? {}) as Record<string, CfnResource>;
  const context: ResolveContext = {
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    stackName,
    resources,
    parameters: (template.Parameters ?? {}) as Record<string, unknown>,
  };
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const resolved = (value: unknown) => resolveIntrinsics(value, context);

  const stateMachines = ofType('AWS::StepFunctions::StateMachine').map(([logicalId, r]) => ({
    logicalId,
    name: physicalIdOf(logicalId, r.Type, r.Properties, context),
    arn: arnOf(logicalId, r.Type, r.Properties, context),
    definition: resolveStateMachineDefinition(r.Properties ?? {}, context),
    ...stateMachineSettings(r.Properties ?? {}, resolved),
  }));

  const asyncConfigs = new Map(
    ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => {
      const p = r.Properties ?? {};
      const target = (p.FunctionName as { Ref?: string } | undefined)?.Ref;
      if (target === undefined || p.Qualifier !== '$LATEST')
        throw new Error('The local runtime reads EventInvokeConfig of $LATEST with FunctionName {"Ref": <function>} only');
      const onFailure = resolved((p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination);
      const config: AsyncInvokeDefinition = {
        maximumRetryAttempts:
          typeof p.MaximumRetryAttempts === 'number' ? p.MaximumRetryAttempts : LAMBDA_ASYNC_DEFAULTS.maximumRetryAttempts,
        maximumEventAgeSeconds:
          typeof p.MaximumEventAgeInSeconds === 'number' ? p.MaximumEventAgeInSeconds : LAMBDA_ASYNC_DEFAULTS.maximumEventAgeSeconds,
        ...(typeof onFailure === 'string' ? { onFailureArn: onFailure } : {}),
      };
      return [target, config] as const;
    }),
  );

  const functions = ofType('AWS::Lambda::Function').flatMap(([logicalId, r]): FunctionDefinition[] => {
    const meta = r.Metadata?.[LOCAL_HANDLER_METADATA] as { entry?: string; factory?: string; constructId?: string } | undefined;
    if (meta?.entry === undefined || meta.factory === undefined) return [];
    const env = resolved((r.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    return [
      {
        logicalId,
        ...(typeof meta.constructId === 'string' ? { constructId: meta.constructId } : {}),
        name: physicalIdOf(logicalId, r.Type, r.Properties, context),
        arn: arnOf(logicalId, r.Type, r.Properties, context),
        entry: path.join(PROJECT_ROOT, meta.entry),
        factory: meta.factory,
        environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
        asyncInvoke: asyncConfigs.get(logicalId) ?? LAMBDA_ASYNC_DEFAULTS,
      },
    ];
  });

  const queues = ofType('AWS::SQS::Queue').map(
    ([logicalId, r]): QueueDefinition => ({
      logicalId,
      name: physicalIdOf(logicalId, r.Type, r.Properties, context),
      arn: arnOf(logicalId, r.Type, r.Properties, context),
    }),
  );

  const tables = ofType('AWS::DynamoDB::Table').map(([logicalId, r]): TableDefinition => {
    const p = resolved(r.Properties ?? {}) as Record<string, unknown>;
    return {
      logicalId,
      tableName: physicalIdOf(logicalId, r.Type, r.Properties, context),
      keySchema: p.KeySchema as TableDefinition['keySchema'],
      attributeDefinitions: p.AttributeDefinitions as TableDefinition['attributeDefinitions'],
      globalSecondaryIndexes: p.GlobalSecondaryIndexes as TableDefinition['globalSecondaryIndexes'],
      sseSpecification: p.SSESpecification as TableDefinition['sseSpecification'],
    };
  });

  const buses = [
    'default',
    ...ofType('AWS::Events::EventBus').map(([logicalId, r]) => physicalIdOf(logicalId, r.Type, r.Properties, context)),
  ];
  const targetsOf = (p: Record<string, unknown>) =>
    ((p.Targets ?? []) as Record<string, unknown>[]).map(
      (t): TargetDefinition => ({
        id: String(t.Id),
        arn: String(t.Arn),
        input: t.Input as string | undefined,
        inputPath: t.InputPath as string | undefined,
        inputTransformer: t.InputTransformer as TargetDefinition['inputTransformer'],
      }),
    );
  const schedules = ofType('AWS::Events::Rule').flatMap(([logicalId, r]): ScheduleDefinition[] => {
    const p = resolved(r.Properties ?? {}) as Record<string, unknown>;
    if (p.State === 'DISABLED' || typeof p.ScheduleExpression !== 'string') return [];
    const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(p.ScheduleExpression);
    if (match === null)
      throw new Error(`Rule ${logicalId} has schedule ${p.ScheduleExpression}; the local runtime runs rate(...) schedules only`);
    const unit = match[2].startsWith('minute') ? 60 : match[2].startsWith('hour') ? 3600 : 86400;
    return [
      {
        logicalId,
        name: physicalIdOf(logicalId, r.Type, r.Properties, context),
        everySeconds: Number(match[1]) * unit,
        scheduleExpression: p.ScheduleExpression,
        targets: targetsOf(p),
      },
    ];
  });
  const rules = ofType('AWS::Events::Rule').flatMap(([logicalId, r]): RuleDefinition[] => {
    const p = resolved(r.Properties ?? {}) as Record<string, unknown>;
    if (p.State === 'DISABLED' || p.EventPattern === undefined) return [];
    const pattern = p.EventPattern as EventPattern;
    validateEventPattern(pattern);
    const busName = typeof p.EventBusName === 'string' ? p.EventBusName.replace(/^.*:event-bus\//, '') : 'default';
    if (!buses.includes(busName)) buses.push(busName);
    return [
      { logicalId, name: physicalIdOf(logicalId, r.Type, r.Properties, context), eventBusName: busName, pattern, targets: targetsOf(p) },
    ];
  });

  const outputs = Object.fromEntries(
    Object.entries((template.Outputs ?? {}) as Record<string, { Value: unknown }>).map(([key, o]) => [key, String(resolved(o.Value))]),
  );
  return {
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    stackName,
    template,
    stateMachines,
    functions,
    tables,
    buses,
    rules,
    schedules,
    queues,
    outputs,
  };
}

/** The execution role and the logging and tracing settings of a state machine, resolved where they can be. */
function stateMachineSettings(
  properties: Record<string, unknown>,
  resolved: (value: unknown) => unknown,
): Pick<StateMachineDefinitionInfo, 'roleArn' | 'loggingConfiguration' | 'tracingConfiguration'> {
  const tryResolve = (value: unknown) => {
    try {
      return resolved(value);
    } catch {
      return undefined;
    }
  };
  const roleArn = tryResolve(properties.RoleArn);
  const logging = tryResolve(properties.LoggingConfiguration);
  const tracing = tryResolve(properties.TracingConfiguration);
  return {
    ...(typeof roleArn === 'string' ? { roleArn } : {}),
    ...(typeof logging === 'object' && logging !== null ? { loggingConfiguration: logging as Record<string, unknown> } : {}),
    ...(typeof tracing === 'object' && tracing !== null ? { tracingConfiguration: tracing as Record<string, unknown> } : {}),
  };
}
