/**
 * The `batch-prediction-poller` CLI: parses the command line, builds the AWS clients, runs the
 * command and turns every error into one line on stderr and an exit code.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HELP, PROGRAM, parseArgs } from './args';
import { type CliClients, type CliOutput, type CommandContext, history, list, watch } from './commands';
import { EndpointClock } from './endpoint-clock';
import { CliError, ExitCode, describeError } from './errors';
import { UsageError } from '../lib/contract/usage-error';

/**
 * The real clients. Built plainly, so the SDK's own configuration applies: credentials and region
 * from the default chains, and `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` (e.g. the local
 * runtime's endpoint).
 */
export function createClients(region?: string): CliClients {
  const config = region === undefined ? {} : { region };
  return {
    cloudFormation: new CloudFormationClient(config),
    stepFunctions: new SFNClient(config),
    dynamoDb: DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } }),
  };
}

/** Writes to the process's stdout and stderr, a newline after each text. */
export const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

/** What {@link main} runs with; tests replace the clients, the output and the clock. */
export interface MainOptions {
  readonly output?: CliOutput;
  /** Builds the clients for `--region` (undefined: the SDK's default chain). @default createClients */
  readonly clients?: (region: string | undefined) => CliClients;
  /**
   * The local clock. Durations ("for 5m", "2h ago") are measured against the endpoint's clock,
   * read from its answers' `Date` header (simulated time on the local runtime's `--serve`
   * endpoint); this one is used only until an answer has one. @default () => new Date()
   */
  readonly now?: () => Date;
}

/** The region the clients resolved (from `--region`, AWS_REGION or the profile). */
async function resolveRegion(clients: CliClients): Promise<string> {
  try {
    const region = await clients.cloudFormation.config.region();
    if (typeof region === 'string' && region !== '') return region;
  } catch {
    // Reported below as a missing region.
  }
  throw new CliError('no AWS region is configured', 'pass --region or set AWS_REGION');
}

/** Runs the CLI on `argv` (the arguments after the program name); resolves with the exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const output = options.output ?? processOutput;
  let clients: CliClients | undefined;
  const ownClients = options.clients === undefined;
  try {
    const args = parseArgs(argv);
    if (args.help) {
      output.stdout(HELP[args.command ?? 'global']);
      return ExitCode.OK;
    }
    clients = (options.clients ?? createClients)(args.region);
    const clock = new EndpointClock(options.now);
    clock.watch(clients.cloudFormation, clients.stepFunctions, clients.dynamoDb);
    const context: CommandContext = {
      clients,
      output,
      stackName: args.stackName,
      region: await resolveRegion(clients),
      json: args.json,
      now: () => clock.now(),
    };
    switch (args.command) {
      case 'watch':
        return await watch(context, args.id, { restart: args.restart });
      case 'history':
        return await history(context, args.id);
      case 'list':
        return await list(context, args.statuses);
      default:
        output.stdout(HELP.global);
        return ExitCode.OK;
    }
  } catch (error) {
    if (error instanceof CliError || error instanceof UsageError) {
      output.stderr(`${PROGRAM}: ${error.line}`);
      return error.exitCode;
    }
    output.stderr(`${PROGRAM}: unexpected error: ${describeError(error)}`);
    return ExitCode.ERROR;
  } finally {
    if (ownClients && clients !== undefined) {
      clients.cloudFormation.destroy();
      clients.stepFunctions.destroy();
      clients.dynamoDb.destroy();
    }
  }
}
