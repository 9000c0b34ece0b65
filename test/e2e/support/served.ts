/**
 * What the tests against the served local runtime (`npm start -- --serve`) share: the operator CLI
 * in-process with real SDK clients on the served endpoint, and a wait in real time (the served
 * clock runs on its own).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type MainOptions, main } from '../../../cli/main';

/** What one CLI invocation printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the operator CLI on `argv` against `endpoint`, with real SDK clients (dummy credentials, one
 * attempt each). `options` may set the CLI's own clock (`now`).
 */
export async function servedCli(endpoint: string, argv: readonly string[], options: Pick<MainOptions, 'now'> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
  const code = await main(argv, {
    ...options,
    output: { stdout: (t) => (stdout += `${t}\n`), stderr: (t) => (stderr += `${t}\n`) },
    clients: () => ({
      cloudFormation: new CloudFormationClient(config),
      stepFunctions: new SFNClient(config),
      dynamoDb: new DynamoDBClient(config),
    }),
  });
  return { code, stdout, stderr };
}

/**
 * Resolves with the first value `probe` gives, asking every `everyMs` of real time (`performance`,
 * which the virtual clock does not patch); rejects after `timeoutMs`.
 */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, { timeoutMs = 30_000, everyMs = 20 } = {}): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
