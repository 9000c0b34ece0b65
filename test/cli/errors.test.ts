/**
 * The CLI's error contract: every failure is one line on stderr with a hint, exit code 1 (usage
 * errors 2), nothing on stdout, for any command.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import { CliError, describeError, toCliError } from '../../cli/errors';
import { createClients } from '../../cli/main';
import { HistoryStoreRequestError, PollerAccessDeniedError } from '../../lambda/shared/domain/errors';
import { REGION, cloudFormation, dynamoDb, resetMocks, restoreMocks, run, sdkError, stepFunctions } from './support';

const COMMANDS = [['watch', 'bp-1'], ['history', 'bp-1'], ['list']];

beforeEach(resetMocks);
afterAll(restoreMocks);

function expectOneLineError(result: { code: number; stdout: string; stderr: string }, code: number, message: string | RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(result.stderr).toBe(message);
  else expect(result.stderr).toMatch(message);
}

describe('no stack deployed', () => {
  test.each(COMMANDS)('%s: names the stack and the region, exit 1', async (...argv) => {
    cloudFormation.on(DescribeStacksCommand).rejects(sdkError('ValidationError', 'Stack with id Nope does not exist'));
    expectOneLineError(
      await run([...argv, '--stack', 'Nope']),
      1,
      'batch-prediction-poller: no stack named Nope is deployed in eu-west-1; deploy it with npx cdk deploy or pass --stack (and --region) to name the deployed one',
    );
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Nope' });
    expect(stepFunctions.calls()).toHaveLength(0);
    expect(dynamoDb.calls()).toHaveLength(0);
  });

  test('--region decides the region of the clients and of the message', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(sdkError('ValidationError', 'Stack with id BatchPredictionPoller does not exist'));
    const result = await run(['list', '--region', 'ap-southeast-2'], { clients: (region) => createClients(region) });
    expect(result.stderr).toMatch(/^batch-prediction-poller: no stack named BatchPredictionPoller is deployed in ap-southeast-2; /);
  });

  test('an empty DescribeStacks answer is a missing stack too', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    expectOneLineError(await run(['list']), 1, /^batch-prediction-poller: no stack named BatchPredictionPoller is deployed in eu-west-1; /);
  });

  test('another ValidationError (a malformed name) is reported as such', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(sdkError('ValidationError', "1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint"));
    expectOneLineError(
      await run(['list', '--stack', 'bad_name']),
      1,
      "batch-prediction-poller: cloudformation:DescribeStacks failed in eu-west-1: ValidationError: 1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint",
    );
  });
});

describe('a stack without the outputs', () => {
  test.each([
    [['watch', 'bp-1'], 'StateMachineArn'],
    [['history', 'bp-1'], 'HistoryTableName'],
    [['list'], 'HistoryTableName'],
  ])('%j needs %s', async (argv, output) => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Other',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'BucketName', OutputValue: 'b' }],
        },
      ],
    });
    expectOneLineError(
      await run([...argv, '--stack', 'Other']),
      1,
      `batch-prediction-poller: stack Other in eu-west-1 (status CREATE_COMPLETE) has no output ${output}; is it a batch-prediction-poller stack, fully deployed? Redeploy it with npx cdk deploy, or pass --stack with the poller's stack name`,
    );
  });

  test('a stack still being created has no outputs yet', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'BatchPredictionPoller', StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date() }] });
    expectOneLineError(await run(['list']), 1, /\(status CREATE_IN_PROGRESS\) has no output HistoryTableName; /);
  });
});

describe('bad or missing credentials', () => {
  const HINT =
    'configure credentials (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); against the local runtime any dummy keys do';

  test.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers'],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.'],
    ['ExpiredToken', 'The security token included in the request is expired'],
    ['SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'],
  ])('DescribeStacks fails with %s', async (name, message) => {
    cloudFormation.on(DescribeStacksCommand).rejects(sdkError(name, message, 403));
    for (const argv of COMMANDS) {
      expectOneLineError(
        await run(argv),
        1,
        `batch-prediction-poller: AWS credentials are missing or invalid: ${name}: ${message}; ${HINT}`,
      );
    }
  });

  test('UnrecognizedClientException from DynamoDB (the Query of history, the Scan of list)', async () => {
    const error = sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    dynamoDb.on(QueryCommand).rejects(error).on(ScanCommand).rejects(error);
    for (const argv of [['history', 'bp-1'], ['list']]) {
      expectOneLineError(
        await run(argv),
        1,
        `batch-prediction-poller: AWS credentials are missing or invalid: UnrecognizedClientException: The security token included in the request is invalid.; ${HINT}`,
      );
    }
  });

  test('UnrecognizedClientException from Step Functions', async () => {
    stepFunctions
      .on(StartExecutionCommand)
      .rejects(sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.'));
    expectOneLineError(
      await run(['watch', 'bp-1']),
      1,
      /^batch-prediction-poller: AWS credentials are missing or invalid: UnrecognizedClientException: /,
    );
  });
});

describe('environment', () => {
  test('no region anywhere', async () => {
    const clients = createClients(REGION);
    Object.assign(clients.cloudFormation.config, { region: () => Promise.reject(new Error('Region is missing')) });
    expectOneLineError(
      await run(['list'], { clients: () => clients }),
      1,
      'batch-prediction-poller: no AWS region is configured; pass --region or set AWS_REGION',
    );
  });

  test('an endpoint that does not answer (e.g. AWS_ENDPOINT_URL at a local runtime that is not running)', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED', $metadata: {} }));
    expectOneLineError(
      await run(['list']),
      1,
      'batch-prediction-poller: cannot reach the endpoint for cloudformation:DescribeStacks in eu-west-1: connect ECONNREFUSED 127.0.0.1:4566; check your network, or if AWS_ENDPOINT_URL points at the local runtime, start it with npm start -- --serve',
    );
  });

  test('a bug surfaces as one line, exit 1', async () => {
    expectOneLineError(
      await run(['list'], {
        clients: () => {
          throw new TypeError('boom');
        },
      }),
      1,
      'batch-prediction-poller: unexpected error: TypeError: boom',
    );
  });
});

describe('toCliError', () => {
  test('reads through the adapters’ wrapping to the SDK error', () => {
    const sdk = sdkError('ThrottlingException', 'Rate exceeded');
    const wrapped = new HistoryStoreRequestError('Query failed: ThrottlingException: Rate exceeded', { cause: sdk });
    expect(describeError(wrapped)).toBe('ThrottlingException: Rate exceeded');
    expect(toCliError(wrapped, { operation: 'dynamodb:Query' }).line).toBe('dynamodb:Query failed: ThrottlingException: Rate exceeded');
  });

  test('ExpiredTokenException wrapped as the poller’s access-denied error is a credentials problem', () => {
    const wrapped = new PollerAccessDeniedError('dynamodb:Query', {
      cause: sdkError('ExpiredTokenException', 'The security token included in the request is expired'),
    });
    expect(toCliError(wrapped, { operation: 'dynamodb:Query', region: REGION }).line).toMatch(
      /^AWS credentials are missing or invalid: ExpiredTokenException: /,
    );
  });

  test('a CliError passes through', () => {
    const error = new CliError('x', 'y');
    expect(toCliError(error, { operation: 'o' })).toBe(error);
    expect(error.line).toBe('x; y');
  });
});
