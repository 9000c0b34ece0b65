import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import dynalite from 'dynalite';
import { ServiceError } from '../../core/service-error';
import { listenerOf, readBody, sendError } from '../aws-json-server';
import type { FaultPlan } from '../../scenarios/faults';
import type { TableDefinition } from '../../template/deployment';
import type { RecordedCall } from '../../core/recorded-call';
import { ServedStandIn, type StandInClientConfig } from '../stand-in';

/**
 * The DynamoDB operations dynalite serves: one module per operation in its `actions` directory,
 * the table its request handler dispatches on (`validOperations` in dynalite's index.js). The
 * docs/local-runtime.md's operation inventory is checked against it.
 */
export function dynaliteOperations(): string[] {
  const actions = path.join(path.dirname(require.resolve('dynalite')), 'actions');
  return fs
    .readdirSync(actions)
    .filter((file) => file.endsWith('.js'))
    .map((file) => file[0].toUpperCase() + file.slice(1, -'.js'.length))
    .sort();
}

/** Operations whose answer describes a table (`Table` or `TableDescription`). */
const TABLE_DESCRIBING_OPERATIONS = new Set(['CreateTable', 'DescribeTable', 'UpdateTable', 'DeleteTable']);

type RequestHandler = (req: IncomingMessage | EventEmitter, res: ServerResponse) => void;

/**
 * DynamoDB stand-in: dynalite, in memory, behind a thin front that injects the scenario's faults
 * and records calls before handing each request to dynalite's own request handler.
 */
export class DynamoDbStandIn extends ServedStandIn<'dynamoDb'> {
  readonly service = 'dynamodb';
  readonly clientKey = 'dynamoDb';

  /** The DynamoDB client the handlers reach it with. */
  createClient(config: StandInClientConfig): DynamoDBClient {
    return new DynamoDBClient(config);
  }

  readonly calls: RecordedCall[] = [];

  constructor(
    private readonly tables: readonly TableDefinition[],
    private readonly faults: FaultPlan,
    private readonly account: string,
    private readonly region: string,
  ) {
    super();
  }

  /** A fresh in-memory dynalite behind the fault-injecting front. */
  protected listener(): RequestListener {
    const engine = withEnvironment({ AWS_ACCOUNT_ID: this.account, AWS_REGION: this.region, AWS_DEFAULT_REGION: this.region }, () =>
      // dynalite builds its ARNs from these variables, read once here (else account 000000000000).
      dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
    );
    const dynaliteHandler = engine.listeners('request')[0] as RequestHandler;
    return listenerOf((req, res) => this.handle(req, res, dynaliteHandler));
  }

  /** Serves dynalite on its own endpoint and creates the template's tables in it; returns its URL. */
  override async start(): Promise<string> {
    const endpoint = await super.start();
    const client = this.client(endpoint);
    for (const table of this.tables) {
      await client.send(
        new CreateTableCommand({
          TableName: table.tableName,
          KeySchema: table.keySchema,
          AttributeDefinitions: table.attributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: table.globalSecondaryIndexes?.map((index) => ({ ...index, ProvisionedThroughput: undefined })),
        }),
      );
      for (let i = 0; i < 100; i++) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
        if (Table?.TableStatus === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    client.destroy();
    return endpoint;
  }

  /** Every item of a table, as plain objects. */
  async scan(tableName: string): Promise<Record<string, unknown>[]> {
    const client = this.client();
    const items: Record<string, unknown>[] = [];
    let startKey: ScanCommand['input']['ExclusiveStartKey'];
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    client.destroy();
    return items;
  }

  private client(endpoint = this.served?.endpoint ?? ''): DynamoDBClient {
    return new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  /**
   * Adds the table's `SSEDescription` to dynalite's answer (with the CRC32 and length DynamoDB's
   * answers carry recomputed).
   */
  private withSseDescription(res: ServerResponse): ServerResponse {
    const end = res.end.bind(res) as (body?: unknown) => ServerResponse;
    const patched = (body?: unknown): ServerResponse => {
      if (res.statusCode !== 200 || (typeof body !== 'string' && !Buffer.isBuffer(body))) return end(body);
      const answer = JSON.parse(body.toString()) as { Table?: Record<string, unknown>; TableDescription?: Record<string, unknown> };
      const description = answer.Table ?? answer.TableDescription;
      const table = this.tables.find((t) => t.tableName === description?.TableName);
      const sse = table === undefined ? undefined : sseDescriptionOf(table, this.account, this.region);
      if (description === undefined || sse === undefined) return end(body);
      description.SSEDescription = sse;
      const text = JSON.stringify(answer);
      res.setHeader('x-amz-crc32', crc32(text));
      res.setHeader('Content-Length', Buffer.byteLength(text));
      return end(text);
    };
    res.end = patched as ServerResponse['end'];
    return res;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, dynaliteHandler: RequestHandler): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    let input: Record<string, unknown> = {};
    try {
      input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      // dynalite answers malformed JSON itself.
    }
    const id = batchPredictionIdOf(input);
    this.calls.push({ service: 'dynamodb', operation, resource: typeof input.TableName === 'string' ? input.TableName : undefined });
    const fault = this.faults.take(operation, id === undefined ? [] : [id]);
    const sendFault = () => {
      const error = (fault as { error: ServiceError }).error;
      sendError(
        res,
        new ServiceError(`com.amazonaws.dynamodb.v20120810#${error.errorType}`, error.message, error.statusCode),
        'application/x-amz-json-1.0',
      );
    };
    if (fault?.kind === 'error' && !fault.after) {
      sendFault();
      return;
    }
    // Replay the buffered body into dynalite's own handler, which reads 'data' and 'end'.
    const replay = Object.assign(new EventEmitter(), { headers: req.headers, method: req.method, url: req.url });
    // An "after" fault lets dynalite perform the operation, drops its answer and fails the call.
    const answerTo =
      fault?.kind === 'error'
        ? discardedResponse(sendFault)
        : TABLE_DESCRIBING_OPERATIONS.has(operation)
          ? this.withSseDescription(res)
          : res;
    dynaliteHandler(replay, answerTo);
    replay.emit('data', body);
    replay.emit('end');
  }
}

/**
 * The `SSEDescription` DynamoDB gives a table encrypted as its template says (dynalite gives none).
 * A KMS table (`SSEType: KMS`) names its key's ARN: the given key, or the account's AWS managed
 * key `aws/dynamodb` (a fixed id per account and region here). A table without `SSESpecification`
 * is encrypted with an AWS owned key, and DescribeTable then has no `SSEDescription`.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSEDescription.html
 */
export function sseDescriptionOf(
  table: Pick<TableDefinition, 'sseSpecification'>,
  account: string,
  region: string,
): Record<string, string> | undefined {
  const sse = table.sseSpecification;
  if (sse?.SSEEnabled !== true) return undefined;
  const keyId = sse.KMSMasterKeyId ?? awsManagedKeyId(account, region);
  return {
    Status: 'ENABLED',
    SSEType: sse.SSEType ?? 'KMS',
    KMSMasterKeyArn: keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${region}:${account}:key/${keyId}`,
  };
}

function awsManagedKeyId(account: string, region: string): string {
  const hex = createHash('sha256').update(`aws/dynamodb/${account}/${region}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Runs `body` with environment variables set, then puts them back. */
function withEnvironment<T>(variables: Record<string, string>, body: () => T): T {
  const previous = Object.fromEntries(Object.keys(variables).map((k) => [k, process.env[k]]));
  Object.assign(process.env, variables);
  try {
    return body();
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A response sink for dynalite (it sets `statusCode`, headers and calls `end`) that calls `onEnd` instead of answering. */
function discardedResponse(onEnd: () => void): ServerResponse {
  return { statusCode: 200, setHeader: () => undefined, end: () => onEnd() } as unknown as ServerResponse;
}

function batchPredictionIdOf(input: Record<string, unknown>): string | undefined {
  const holder = (input.Item ?? input.Key) as Record<string, { S?: string }> | undefined;
  return holder?.batchPredictionId?.S ?? (input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined)?.[':id']?.S;
}
