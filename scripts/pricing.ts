/**
 * AWS prices the benchmark (`npm run bench`) turns measured usage into dollars with, and nothing
 * else: every price it uses is here, once.
 *
 * Region us-east-1 (US East, N. Virginia); prices as listed on the AWS pricing pages on
 * 2026-11-28; check before relying on them:
 * - Step Functions (Standard workflows): https://aws.amazon.com/step-functions/pricing/
 * - Lambda (Arm, duration and requests): https://aws.amazon.com/lambda/pricing/
 * - DynamoDB (on-demand capacity): https://aws.amazon.com/dynamodb/pricing/on-demand/
 * - EventBridge (custom events published to an event bus): https://aws.amazon.com/eventbridge/pricing/
 *
 * Free tiers are ignored, and so are costs that do not depend on the polling policy (CloudWatch
 * Logs and metrics, X-Ray, KMS, SNS alerts, DynamoDB storage and backups).
 */
export const PRICES_USD = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stepFunctionsStateTransition: 0.025 / 1_000,
  /** Lambda on Arm (arm64): $0.0000133334 per GB-second of billed duration (billed per 1 ms). */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda: $0.20 per 1 million requests. */
  lambdaRequest: 0.2 / 1_000_000,
  /** DynamoDB on-demand: $0.625 per million write request units (1 WRU per 1 KB written). */
  dynamoDbWriteRequestUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: $0.125 per million read request units (a strongly consistent read of up to 4 KB is 1 RRU). */
  dynamoDbReadRequestUnit: 0.125 / 1_000_000,
  /** EventBridge: $1.00 per million custom events (each 64 KB chunk of an event counts as one). */
  eventBridgeCustomEvent: 1.0 / 1_000_000,
} as const;

/** Measured usage of some polling work (a job, or a mix of jobs). */
export interface Usage {
  /** Billed Step Functions state transitions (every state entered, every retry). */
  readonly stateTransitions: number;
  readonly lambdaRequests: number;
  /** Sum over invocations of memory (GB) × billed duration (s, each invocation rounded up to 1 ms). */
  readonly lambdaGbSeconds: number;
  readonly dynamoDbWriteRequestUnits: number;
  readonly dynamoDbReadRequestUnits: number;
  /** Events as EventBridge bills them (64 KB chunks). */
  readonly eventBridgeEvents: number;
}

/** What some usage costs, by service, in USD. */
export interface Cost {
  readonly stepFunctions: number;
  readonly lambda: number;
  readonly dynamoDb: number;
  readonly eventBridge: number;
  readonly total: number;
}

/** Prices `usage`. */
export function costOf(usage: Usage, prices: typeof PRICES_USD = PRICES_USD): Cost {
  const stepFunctions = usage.stateTransitions * prices.stepFunctionsStateTransition;
  const lambda = usage.lambdaRequests * prices.lambdaRequest + usage.lambdaGbSeconds * prices.lambdaArmGbSecond;
  const dynamoDb =
    usage.dynamoDbWriteRequestUnits * prices.dynamoDbWriteRequestUnit + usage.dynamoDbReadRequestUnits * prices.dynamoDbReadRequestUnit;
  const eventBridge = usage.eventBridgeEvents * prices.eventBridgeCustomEvent;
  return { stepFunctions, lambda, dynamoDb, eventBridge, total: stepFunctions + lambda + dynamoDb + eventBridge };
}

/** Lambda's billed GB-seconds of one invocation: duration rounded up to the millisecond. */
export function lambdaGbSeconds(memoryMb: number, durationMs: number): number {
  return (memoryMb / 1024) * (Math.max(1, Math.ceil(durationMs)) / 1000);
}

/** Write request units of writing (or updating to) an item of `bytes`: one per started KB. */
export function writeRequestUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** Read request units of a strongly consistent read of an item of `bytes` (or of a miss): one per started 4 KB. */
export function readRequestUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096));
}

/** Billed EventBridge events for an entry of `bytes`: one per started 64 KB. */
export function eventBridgeEvents(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / (64 * 1024)));
}

/**
 * An item's size as DynamoDB meters it: per attribute, the UTF-8 length of its name plus its
 * value; strings by UTF-8 length, numbers by about one byte per two significant digits plus one,
 * booleans and nulls one byte, lists and maps three bytes plus their elements (one byte each more).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function dynamoDbItemBytes(item: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  }
  return bytes;
}

function valueBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const digits = String(Math.abs(value)).replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (Array.isArray(value)) return 3 + value.reduce((a: number, v) => a + 1 + valueBytes(v), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>).reduce(
        (a, [k, v]) => (v === undefined ? a : a + 1 + Buffer.byteLength(k, 'utf8') + valueBytes(v)),
        0,
      )
    );
  }
  return Buffer.byteLength(String(value), 'utf8');
}
