import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CliError, findInChain, toCliError } from './errors';
import type { StackOutputName } from '../lib/contract/stack-outputs';

// From the contract (no aws-cdk-lib import), so the CLI starts fast and names what the stack does.

/** The deployed stack as the CLI sees it. */
export interface StackResources {
  readonly stackName: string;
  readonly stackStatus?: string;
  /** Every output of the stack, by key. */
  readonly outputs: Readonly<Record<string, string>>;
}

/**
 * Reads the stack's outputs with `DescribeStacks` and checks that the ones the command needs are
 * there.
 * @throws CliError when the stack is not deployed, lacks an output, or the call fails
 */
export async function findStackResources(
  cloudFormation: CloudFormationClient,
  stackName: string,
  required: readonly StackOutputName[],
  region?: string,
): Promise<StackResources> {
  let stack: Stack | undefined;
  try {
    const answer = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = answer.Stacks?.[0];
  } catch (error) {
    const validation = findInChain(error, ['ValidationError']);
    if (validation !== undefined && /does not exist/i.test(String(validation.message))) {
      throw stackNotFound(stackName, region, error);
    }
    throw toCliError(error, { operation: 'cloudformation:DescribeStacks', region });
  }
  if (stack === undefined) throw stackNotFound(stackName, region);

  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  const missing = required.filter((name) => outputs[name] === undefined || outputs[name] === '');
  if (missing.length > 0) {
    const status = stack.StackStatus === undefined ? '' : ` (status ${stack.StackStatus})`;
    throw new CliError(
      `stack ${stackName}${region === undefined ? '' : ` in ${region}`}${status} has no output ${missing.join(', ')}`,
      `is it a batch-prediction-poller stack, fully deployed? Redeploy it with npx cdk deploy, or pass --stack with the poller's stack name`,
    );
  }
  return { stackName, stackStatus: stack.StackStatus, outputs };
}

function stackNotFound(stackName: string, region: string | undefined, cause?: unknown): CliError {
  return new CliError(
    `no stack named ${stackName} is deployed in ${region ?? 'the configured region'}`,
    'deploy it with npx cdk deploy or pass --stack (and --region) to name the deployed one',
    undefined,
    { cause },
  );
}
