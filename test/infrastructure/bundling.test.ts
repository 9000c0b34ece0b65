import { execFile, execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import type { BatchPredictionPollerStack } from '../../lib/batch-prediction-poller-stack';
import { PollerErrorName } from '../../lib/contract/errors';
import { LOCAL_HANDLER_METADATA } from '../../lib/contract/handlers';
import { LAMBDA_ENTRIES, type LambdaEntry, buildLambdaAssets } from '../../scripts/build-lambda';
import { type SynthResult, synth } from './synth';

/**
 * The handler bundles the package ships (`assets/lambda/<entry>/index.js`, built by
 * `npm run build:lambda` with `scripts/build-lambda.ts`), as a synthesized template deploys them:
 * the staged asset is byte for byte the shipped file, the file is what the build makes of today's
 * sources, and it is a self-contained, minified bundle that runs against a fake AWS.
 */
const TIMEOUT_MS = 120_000;
const ROOT = path.resolve(__dirname, '..', '..');

let outdir: string;
let template: Template;
let stack: BatchPredictionPollerStack;
let assetDirs: Map<string, string>;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-bundling-'));
  // A Docker that cannot exist: nothing may be bundled at synth, neither by a local esbuild nor by
  // CDK's Docker fallback; the function code is the prebuilt file.
  const dockerBefore = process.env.CDK_DOCKER;
  process.env.CDK_DOCKER = path.join(outdir, 'no-docker-here');
  let app: SynthResult['app'];
  try {
    ({ app, template, stack } = synth({ outdir }));
  } finally {
    if (dockerBefore === undefined) delete process.env.CDK_DOCKER;
    else process.env.CDK_DOCKER = dockerBefore;
  }
  const assembly = app.synth(); // already synthesized by Template.fromStack: returns the same assembly

  // Asset folder of each file asset, keyed by the S3 object key the template's Code.S3Key names.
  assetDirs = new Map();
  for (const artifact of assembly.artifacts.filter(cxapi.AssetManifestArtifact.isAssetManifestArtifact)) {
    for (const asset of Object.values(artifact.contents.files ?? {})) {
      for (const destination of Object.values(asset.destinations)) {
        assetDirs.set(destination.objectKey, path.resolve(assembly.directory, asset.source.path!));
      }
    }
  }
}, TIMEOUT_MS);

afterAll(() => {
  if (outdir !== undefined) fs.rmSync(outdir, { recursive: true, force: true });
});

type FunctionOf = (s: BatchPredictionPollerStack) => { node: { defaultChild?: unknown } };

/** The staged `index.js` of a function, found through its Code.S3Key. */
function bundleOf(fn: FunctionOf): { dir: string; code: string; s3Key: string } {
  const cfn = fn(stack).node.defaultChild as { logicalId: string };
  const id = stack.resolve(cfn.logicalId) as string;
  const s3Key = template.toJSON().Resources[id].Properties.Code.S3Key as string;
  const dir = assetDirs.get(s3Key);
  if (dir === undefined) throw new Error(`no asset for ${id} (S3Key ${s3Key}); assets: ${[...assetDirs.keys()].join(', ')}`);
  return { dir, code: fs.readFileSync(path.join(dir, 'index.js'), 'utf8'), s3Key };
}

/** The shipped bundle of an entry: the file the package's `files` list puts in the tarball. */
const shippedFile = (entry: LambdaEntry) => path.join(ROOT, 'assets', 'lambda', entry, 'index.js');

/** The starter function (the app enables discovery). */
const starterOf: FunctionOf = (s) => {
  if (s.poller.starterFunction === undefined) throw new Error('the app has no starter function: is discovery off?');
  return s.poller.starterFunction;
};

const FUNCTIONS: ReadonlyArray<[LambdaEntry, FunctionOf]> = [
  ['poll-handler', (s) => s.poller.pollFunction],
  ['report-failure-handler', (s) => s.poller.reportFailureFunction],
  ['starter-handler', starterOf],
];

describe('the shipped bundles', () => {
  let rebuilt: string;
  beforeAll(async () => {
    rebuilt = fs.mkdtempSync(path.join(os.tmpdir(), 'poller-rebuild-'));
    await buildLambdaAssets(rebuilt);
  }, TIMEOUT_MS);
  afterAll(() => fs.rmSync(rebuilt, { recursive: true, force: true }));

  it('are one per handler entry, and the construct deploys every one of them', () => {
    expect(FUNCTIONS.map(([entry]) => entry)).toEqual([...LAMBDA_ENTRIES]);
    for (const entry of LAMBDA_ENTRIES) expect(fs.existsSync(shippedFile(entry))).toBe(true);
  });

  it.each(FUNCTIONS)(
    '%s: the template deploys the shipped file byte for byte (asset hash = S3 key = hash of assets/lambda/<entry>)',
    (entry, fn) => {
      const { dir, s3Key } = bundleOf(fn);
      expect(fs.readdirSync(dir)).toEqual(['index.js']);
      expect(fs.readFileSync(path.join(dir, 'index.js')).equals(fs.readFileSync(shippedFile(entry)))).toBe(true);
      // CDK names a directory asset by the hash of its contents: the staged folder is the shipped one.
      expect(path.basename(dir)).toBe(`asset.${s3Key.replace(/\.zip$/, '')}`);
      const metadata =
        template.toJSON().Resources[stack.resolve((fn(stack).node.defaultChild as { logicalId: string }).logicalId)].Metadata[
          LOCAL_HANDLER_METADATA
        ];
      expect(metadata.asset).toBe(`assets/lambda/${entry}/index.js`);
    },
    TIMEOUT_MS,
  );

  it.each(LAMBDA_ENTRIES)(
    '%s: is what the build makes of the current sources (run `npm run build` if not)',
    (entry) => {
      expect(fs.readFileSync(path.join(rebuilt, entry, 'index.js')).equals(fs.readFileSync(shippedFile(entry)))).toBe(true);
    },
    TIMEOUT_MS,
  );
});

describe.each([
  // [function, SDK operations it calls: their names only appear in the bundle if the client is bundled]
  ['poll', (s: BatchPredictionPollerStack) => s.poller.pollFunction, ['GetBatchPrediction', 'PutItem', 'PutEvents']],
  ['report-failure', (s: BatchPredictionPollerStack) => s.poller.reportFailureFunction, ['PutEvents']],
  [
    'starter',
    (s: BatchPredictionPollerStack) => s.poller.starterFunction!,
    ['DescribeBatchPredictions', 'ListExecutions', 'StartExecution'],
  ],
])('%s function bundle', (_name, fn, operations) => {
  it(
    'is a single index.js with no source map',
    () => {
      const { dir } = bundleOf(fn);
      expect(fs.readdirSync(dir)).toEqual(['index.js']);
    },
    TIMEOUT_MS,
  );

  it(
    'bundles the SDK clients it uses instead of leaving them external',
    () => {
      const { code } = bundleOf(fn);
      for (const operation of operations) expect(code).toContain(operation);
      // The Node 22 runtime's built-in SDK v3 lacks the Amazon ML client, so nothing of the SDK,
      // Smithy or Powertools may be required at run time. (`@aws-sdk/signature-v4-crt` does appear in
      // `require("...")` form, but only inside an SDK error message, so it is not in this list.)
      expect(code).not.toMatch(/require\("@aws-sdk\/(client-|lib-|util-dynamodb|core|credential-provider)/);
      expect(code).not.toMatch(/require\("@smithy\//);
      expect(code).not.toMatch(/require\("@aws-lambda-powertools\//);
    },
    TIMEOUT_MS,
  );

  it(
    'is minified',
    () => {
      const { code } = bundleOf(fn);
      const lines = code.split('\n').length;
      // Unminified esbuild output averages ~40 characters a line; minified code only breaks lines
      // inside template literals that span several.
      expect(lines).toBeLessThan(500);
      expect(code.length / lines).toBeGreaterThan(2000);
      expect(code).not.toContain('sourceMappingURL');
    },
    TIMEOUT_MS,
  );

  it(
    'loads in a bare Node.js process, with no node_modules in reach, and exports `handler`',
    () => {
      const { dir } = bundleOf(fn);
      const script = [
        // Guard: the test proves nothing if the SDK could still be resolved from here.
        "try { require.resolve('@aws-sdk/client-eventbridge'); console.log('SDK_RESOLVABLE'); process.exit(3); } catch {}",
        "const m = require('./index.js');",
        'console.log(typeof m.handler);',
      ].join('\n');
      const output = execFileSync(process.execPath, ['-e', script], {
        cwd: dir,
        // A clean environment: no NODE_PATH, no NODE_OPTIONS (jest's), dummy region for SDK clients.
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(output.trim()).toBe('function');
    },
    TIMEOUT_MS,
  );
});

/**
 * The poll bundle (and the starter's, the other user of the Amazon ML client), run for real: a bare
 * Node.js process loads it and calls its `handler`, with a fake AWS on loopback HTTP in this process
 * (Amazon ML, DynamoDB, EventBridge and Step Functions, told apart by `X-Amz-Target`). Besides the handler's flow, this proves the Amazon ML client still works on the
 * newer SDK runtime the build's aliases (`SDK_RUNTIME_ALIASES` in `scripts/build-lambda.ts`) give it: credentials from the environment, the
 * endpoint (overridden, and resolved from the region), request serialization, SigV4 signatures
 * (recomputed here independently of the SDK), error deserialization and the default retries.
 */
describe('poll function bundle, run against a fake AWS', () => {
  const ACCESS_KEY = 'AKIDBUNDLETEST';
  const SECRET_KEY = 'bundle-test-secret';
  const CHILD_MARK = 'BUNDLE_RESULT ';

  interface SeenRequest {
    readonly method: string;
    readonly url: string;
    readonly headers: Record<string, string>;
    readonly body: string;
    readonly target: string;
  }
  type Answer = { status: number; body: unknown };

  let server: http.Server;
  let endpoint: string;
  let seen: SeenRequest[] = [];
  let answerMl: (request: SeenRequest) => Answer;

  const mlAnswer = (status: string): Answer => ({
    status: 200,
    body: {
      BatchPredictionId: 'bp-1',
      MLModelId: 'ml-1',
      Status: status,
      CreatedAt: 1767571200,
      LastUpdatedAt: 1767571200,
      Name: 'nightly',
    },
  });
  const mlError = (status: number, type: string): Answer => ({ status, body: { __type: type, message: `fake ${type}` } });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const request: SeenRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
          target: headers['x-amz-target'] ?? '',
        };
        seen.push(request);
        let answer: Answer;
        if (request.target.startsWith('AmazonML_20141212.')) answer = answerMl(request);
        else if (request.target === 'AWSStepFunctions.StartExecution')
          answer = {
            status: 200,
            body: { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:poller:bp-1', startDate: 1767571200 },
          };
        // bp-2 is polled already; the sweep must not start it again.
        else if (request.target === 'AWSStepFunctions.ListExecutions')
          answer = {
            status: 200,
            body: {
              executions: [
                {
                  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:poller:bp-2+g3',
                  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:poller',
                  name: 'bp-2+g3',
                  status: 'RUNNING',
                  startDate: 1767571200,
                },
              ],
            },
          };
        else if (request.target === 'AWSEvents.PutEvents')
          answer = { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'fake-event-id' }] } };
        else if (request.target.startsWith('DynamoDB_20120810.')) answer = { status: 200, body: {} };
        else answer = mlError(400, 'UnknownOperationException');
        const text = JSON.stringify(answer.body);
        const type = (answer.body as { __type?: string }).__type;
        res.writeHead(answer.status, {
          'content-type': /^(DynamoDB|AWSStepFunctions)/.test(request.target) ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
          'content-length': Buffer.byteLength(text),
          ...(type === undefined ? {} : { 'x-amzn-errortype': type }),
        });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    seen = [];
    answerMl = () => mlAnswer('PENDING');
  });

  /**
   * Loads the bundle in a fresh `node` (no node_modules in reach) and calls `handler(payload)`.
   * With `interceptHttps`, `https.request` is redirected to the fake AWS first, so that the SDK's
   * own endpoint resolution runs (no endpoint override) and its chosen host can be checked.
   */
  async function invokeBundle(
    payload: unknown,
    options: { interceptHttps?: boolean; fn?: FunctionOf } = {},
  ): Promise<{ result?: Record<string, unknown>; error?: { name: string; message: string } }> {
    const { dir } = bundleOf(options.fn ?? ((s) => s.poller.pollFunction));
    const intercept = [
      "const http = require('node:http'); const https = require('node:https');",
      'https.request = (options, callback) => {',
      '  const { agent, ...rest } = options; const target = new URL(process.env.FAKE_AWS);',
      "  return http.request({ ...rest, protocol: 'http:', hostname: target.hostname, port: target.port }, callback);",
      '};',
    ].join('\n');
    const script = [
      "try { require.resolve('@aws-sdk/client-machine-learning'); console.log('SDK_RESOLVABLE'); process.exit(3); } catch {}",
      options.interceptHttps ? intercept : '',
      "const { handler } = require('./index.js');",
      `handler(JSON.parse(process.env.PAYLOAD), { awsRequestId: 'bundle-test', functionName: 'poll' }).then(`,
      `  (result) => console.log(${JSON.stringify(CHILD_MARK)} + JSON.stringify({ result })),`,
      `  (error) => console.log(${JSON.stringify(CHILD_MARK)} + JSON.stringify({ error: { name: error.name, message: error.message } })));`,
    ].join('\n');
    const overrides = options.interceptHttps
      ? { FAKE_AWS: endpoint }
      : {
          AWS_ENDPOINT_URL_MACHINE_LEARNING: endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: endpoint,
          AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
          AWS_ENDPOINT_URL_SFN: endpoint,
        };
    // Asynchronous on purpose: the fake AWS answers from this process's event loop.
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POLLER_EVENT_BUS_NAME: 'poller-bus',
        POLLER_HISTORY_TABLE_NAME: 'poller-history',
        POLLER_ACCOUNT_ID: '123456789012',
        POLLER_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:poller',
        PAYLOAD: JSON.stringify(payload),
        ...overrides,
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith(CHILD_MARK));
    if (line === undefined) throw new Error(`the bundle printed no result:\n${stdout}`);
    return JSON.parse(line.slice(CHILD_MARK.length)) as { result?: Record<string, unknown>; error?: { name: string; message: string } };
  }

  // Started now: the poll refuses runs older than the run deadline.
  const execution = {
    id: 'arn:aws:states:us-east-1:123456789012:execution:poller:bp-1',
    name: 'bp-1',
    startTime: new Date().toISOString(),
  };
  const firstPoll = { state: { batchPredictionId: 'bp-1' }, execution };

  /** Recomputes a request's SigV4 signature from what arrived on the wire. */
  function expectValidSignature(request: SeenRequest, service: string): void {
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        request.headers.authorization ?? '',
      );
    expect(match).not.toBeNull();
    const [, accessKey, date, region, scopeService, signedHeaders, signature] = match!;
    expect({ accessKey, region, scopeService }).toEqual({ accessKey: ACCESS_KEY, region: 'us-east-1', scopeService: service });
    const names = signedHeaders.split(';');
    expect(names).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target']));
    const amzDate = request.headers['x-amz-date'];
    expect(amzDate.slice(0, 8)).toBe(date);
    const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
    const [pathPart, query = ''] = request.url.split('?');
    const canonical = [
      request.method,
      pathPart,
      query,
      ...names.map((n) => `${n}:${(request.headers[n] ?? '').trim().replace(/\s+/g, ' ')}`),
      '',
      signedHeaders,
      sha256(request.body),
    ].join('\n');
    const scope = `${date}/${region}/${scopeService}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${SECRET_KEY}`, date), region), scopeService), 'aws4_request');
    expect(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')).toBe(signature);
  }

  it(
    'rejects an invalid id with the named error InvalidBatchPredictionInputError, before calling anything',
    async () => {
      const { result, error } = await invokeBundle({ state: { batchPredictionId: 'not a valid id!' }, execution });
      expect(result).toBeUndefined();
      expect(error?.name).toBe(PollerErrorName.INVALID_INPUT);
      expect(error?.name).toBe('InvalidBatchPredictionInputError');
      expect(seen).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'polls Amazon ML, records the first transition, publishes it and returns the next loop state',
    async () => {
      const { result, error } = await invokeBundle(firstPoll);
      expect(error).toBeUndefined();
      expect(result).toMatchObject({ batchPredictionId: 'bp-1', lastStatus: 'PENDING', sequence: 1, polls: 1, terminal: false });

      // A run's first poll first reads what earlier runs of the id left unpublished (none here).
      expect(seen.map((r) => r.target)).toEqual([
        'DynamoDB_20120810.Query',
        'AmazonML_20141212.GetBatchPrediction',
        'DynamoDB_20120810.PutItem',
        'AWSEvents.PutEvents',
        'DynamoDB_20120810.UpdateItem',
      ]);
      const [query, ml, put, events] = seen;
      expect(JSON.parse(query.body)).toMatchObject({ TableName: 'poller-history', FilterExpression: 'published = :false' });
      expect(ml.method).toBe('POST');
      expect(ml.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(JSON.parse(ml.body)).toEqual({ BatchPredictionId: 'bp-1' });
      expect(JSON.parse(put.body)).toMatchObject({ TableName: 'poller-history', ConditionExpression: 'attribute_not_exists(#sk)' });
      const entry = (JSON.parse(events.body) as { Entries: Record<string, unknown>[] }).Entries[0];
      expect(entry).toMatchObject({
        EventBusName: 'poller-bus',
        Source: 'batch-prediction-poller',
        DetailType: 'Batch Prediction Status Change',
      });
    },
    TIMEOUT_MS,
  );

  it(
    'signs every request with SigV4 for its service and region, with the credentials from the environment',
    async () => {
      await invokeBundle(firstPoll);
      const service = (target: string) =>
        target.startsWith('AmazonML') ? 'machinelearning' : target.startsWith('DynamoDB') ? 'dynamodb' : 'events';
      expect(seen).toHaveLength(5);
      for (const request of seen) expectValidSignature(request, service(request.target));
    },
    TIMEOUT_MS,
  );

  it(
    'resolves the regional endpoints itself when none is overridden',
    async () => {
      const { error } = await invokeBundle(firstPoll, { interceptHttps: true });
      expect(error).toBeUndefined();
      expect(seen.map((r) => r.headers.host)).toEqual([
        'dynamodb.us-east-1.amazonaws.com',
        'machinelearning.us-east-1.amazonaws.com',
        'dynamodb.us-east-1.amazonaws.com',
        'events.us-east-1.amazonaws.com',
        'dynamodb.us-east-1.amazonaws.com',
      ]);
      expectValidSignature(seen[1], 'machinelearning');
    },
    TIMEOUT_MS,
  );

  it.each([
    ['ResourceNotFoundException', 400, 'BatchPredictionNotFoundError', 1],
    ['InvalidInputException', 400, 'InvalidBatchPredictionInputError', 1],
    ['InternalServerException', 500, 'MachineLearningUnavailableError', 3],
  ])(
    'turns Amazon ML %s (HTTP %i) into %s after %i attempt(s), the SDK default retry strategy',
    async (type, status, name, attempts) => {
      answerMl = () => mlError(status, type);
      const { error } = await invokeBundle(firstPoll);
      expect(error?.name).toBe(name);
      const mlCalls = seen.filter((r) => r.target === 'AmazonML_20141212.GetBatchPrediction');
      expect(mlCalls).toHaveLength(attempts);
      expect(mlCalls.map((r) => r.headers['amz-sdk-request'])).toEqual(
        Array.from({ length: attempts }, (_, i) => `attempt=${i + 1}; max=3`),
      );
    },
    TIMEOUT_MS,
  );
  it(
    'runs the starter bundle too: lists PENDING and INPROGRESS batch predictions and the running executions, and starts a run for each unpolled one',
    async () => {
      answerMl = (request) =>
        request.target === 'AmazonML_20141212.DescribeBatchPredictions'
          ? {
              status: 200,
              body: {
                Results:
                  JSON.parse(request.body).EQ === 'INPROGRESS'
                    ? [
                        { BatchPredictionId: 'bp-1', Status: 'INPROGRESS' },
                        { BatchPredictionId: 'bp-2', Status: 'INPROGRESS' },
                      ]
                    : [],
              },
            }
          : mlError(400, 'UnknownOperationException');
      const { result, error } = await invokeBundle({ source: 'sweeper' }, { fn: (s) => s.poller.starterFunction! });
      expect(error).toBeUndefined();
      expect(result).toEqual({ running: ['bp-1', 'bp-2'], finished: [], restarted: [], deferred: [], exhausted: [] });
      // RUNNING to skip the polled ids; FAILED and TIMED_OUT for the runs to revisit.
      const lists = seen.filter((r) => r.target === 'AWSStepFunctions.ListExecutions');
      expect(lists.map((r) => JSON.parse(r.body).statusFilter).sort()).toEqual(['FAILED', 'RUNNING', 'TIMED_OUT']);
      const list = lists.find((r) => JSON.parse(r.body).statusFilter === 'RUNNING');
      expect(JSON.parse(list!.body)).toMatchObject({
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:poller',
      });
      expectValidSignature(list!, 'states');
      expect(seen.filter((r) => r.target === 'AWSStepFunctions.StartExecution')).toHaveLength(1);
      const describes = seen.filter((r) => r.target === 'AmazonML_20141212.DescribeBatchPredictions');
      expect(describes.map((r) => JSON.parse(r.body).EQ).sort()).toEqual(['INPROGRESS', 'PENDING']);
      for (const request of describes) expectValidSignature(request, 'machinelearning');
      const start = seen.find((r) => r.target === 'AWSStepFunctions.StartExecution');
      expect(JSON.parse(start!.body)).toMatchObject({
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:poller',
        input: JSON.stringify({ batchPredictionId: 'bp-1' }),
      });
      expectValidSignature(start!, 'states');
    },
    TIMEOUT_MS,
  );
});
