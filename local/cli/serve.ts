import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenerOf, readBody } from '../stand-ins/aws-json-server';
import type { LocalDeployment } from '../template/deployment';
import type { LocalRuntime } from '../runtime/runtime';

/** The time the endpoint dates its answers with; the runtime's clock in `--serve`. */
export interface SimulatedClock {
  /** Epoch milliseconds. */
  nowMs(): number;
  /** When the served stack was "created" (`DescribeStacks` `CreationTime`), epoch milliseconds. */
  readonly startMs: number;
}

/** Which stand-in answers a JSON-protocol request, by its `X-Amz-Target` prefix. */
export const SERVICE_BY_TARGET_PREFIX: Readonly<Record<string, string>> = {
  AWSStepFunctions: 'sfn',
  DynamoDB_20120810: 'dynamodb',
  AmazonML_20141212: 'machinelearning',
  AWSEvents: 'eventbridge',
};

/**
 * One local endpoint for every service, as `AWS_ENDPOINT_URL` expects: JSON-protocol requests go
 * to the stand-in their `X-Amz-Target` names; CloudFormation's query-protocol `DescribeStacks`
 * answers with the synthesized stack's outputs, so the CLI finds the resources as it does in AWS.
 * `clock` dates every answer (`Date` header); by default `Date.now()`, which follows the local
 * runtime's clock while it runs.
 */
export async function startServeEndpoint(
  runtime: Pick<LocalRuntime, 'deployment' | 'endpointFor'>,
  port: number,
  clock: SimulatedClock = { nowMs: () => Date.now(), startMs: Date.now() },
): Promise<{ server: Server; endpoint: string }> {
  const routed = listenerOf((req, res) => route(req, res, runtime, clock));
  const server = createServer((req, res) => {
    // Every answer is dated in simulated time, as AWS dates its answers in its own: clients that
    // measure durations against the endpoint's clock (the operator CLI) then agree with the
    // served timeline at any --speed. (The SDK's clock-skew correction reads it too; only the
    // signature's date moves, and the local endpoint does not check signatures.)
    res.setHeader('Date', new Date(clock.nowMs()).toUTCString());
    routed(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A CloudFormation (query protocol) operation: the form-encoded request in, an XML answer out. */
type QueryOperation = (res: ServerResponse, deployment: LocalDeployment, form: URLSearchParams, clock: SimulatedClock) => void;

/**
 * The CloudFormation operations served, by `Action` (docs/local-runtime.md's operation inventory is checked
 * against its keys): the CLI finds the stack's resources from `DescribeStacks` outputs.
 */
export const CLOUDFORMATION_OPERATIONS: Readonly<Record<string, QueryOperation>> = {
  DescribeStacks: (res, deployment, form, clock) => describeStacks(res, deployment, form.get('StackName'), clock.startMs),
};

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  runtime: Pick<LocalRuntime, 'deployment' | 'endpointFor'>,
  clock: SimulatedClock,
): Promise<void> {
  const { deployment } = runtime;
  const target = String(req.headers['x-amz-target'] ?? '');
  const service = SERVICE_BY_TARGET_PREFIX[target.split('.')[0]];
  const standIn = service === undefined ? undefined : runtime.endpointFor(service);
  if (standIn !== undefined) {
    standIn.dispatch(req, res);
    return;
  }
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  const action = form.get('Action');
  if (action !== null && Object.hasOwn(CLOUDFORMATION_OPERATIONS, action)) {
    CLOUDFORMATION_OPERATIONS[action](res, deployment, form, clock);
    return;
  }
  queryError(res, 400, 'InvalidAction', `The local runtime does not serve ${form.get('Action') ?? target ?? 'this request'}`);
}

function describeStacks(res: ServerResponse, deployment: LocalDeployment, stackName: string | null, createdMs: number): void {
  if (stackName !== null && stackName !== deployment.stackName) {
    queryError(res, 400, 'ValidationError', `Stack with id ${stackName} does not exist`);
    return;
  }
  const outputs = Object.entries(deployment.outputs)
    .map(([key, value]) => `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`)
    .join('');
  const body =
    `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>` +
    `<StackName>${xml(deployment.stackName)}</StackName>` +
    `<StackId>arn:aws:cloudformation:${deployment.region}:${deployment.account}:stack/${xml(deployment.stackName)}/local</StackId>` +
    `<StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>${new Date(createdMs).toISOString()}</CreationTime>` +
    `<Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult>` +
    `<ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></DescribeStacksResponse>`;
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function queryError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<ErrorResponse><Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error><RequestId>local</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
