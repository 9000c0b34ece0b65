/**
 * The CLI's errors: each one prints as a single line on stderr (message, then a hint) and sets the
 * exit code: 2 for a command-line mistake, 1 for everything else.
 */
import { USAGE_EXIT_CODE } from '../lib/contract/usage-error';
import { ACCESS_DENIED_ERROR_NAMES, CREDENTIAL_ERROR_NAMES, NETWORK_ERROR_CODES } from '../lib/contract/sdk-errors';

/** Exit codes of the CLI. */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: USAGE_EXIT_CODE,
} as const;

/** An error the CLI reports to the user: one line, with a hint on what to do about it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = ExitCode.ERROR,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }

  /** The line printed on stderr. */
  get line(): string {
    return oneLine(this.hint === undefined ? this.message : `${this.message}; ${this.hint}`);
  }
}

/** Collapses whitespace (SDK messages can span lines) so that every error stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** The error and its `cause` chain: an SDK error wrapped in another (with `{ cause }`) is still recognised. */
function chainOf(error: unknown): ErrorShape[] {
  const chain: ErrorShape[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && chain.length < 10) {
    chain.push(current as ErrorShape);
    current = (current as ErrorShape).cause;
  }
  return chain;
}

function nameOf(error: ErrorShape): string {
  return typeof error.name === 'string' ? error.name : 'Error';
}

function messageOf(error: ErrorShape): string {
  return typeof error.message === 'string' && error.message !== '' ? oneLine(error.message) : nameOf(error);
}

/** The first error in the chain whose name is in `names`. */
export function findInChain(error: unknown, names: ReadonlySet<string> | readonly string[]): ErrorShape | undefined {
  const wanted = names instanceof Set ? names : new Set(names as readonly string[]);
  return chainOf(error).find((e) => wanted.has(nameOf(e)));
}

/** `Name: message` of the innermost error in the chain (the SDK's own error, when wrapped). */
export function describeError(error: unknown): string {
  const chain = chainOf(error);
  const root = chain[chain.length - 1];
  if (root === undefined) return String(error);
  const name = nameOf(root);
  const message = messageOf(root);
  return name === 'Error' || message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
}

/** What the CLI was doing when an AWS call failed: used to phrase the error. */
export interface AwsCallContext {
  /** `service:Operation`, e.g. `dynamodb:Scan`. */
  readonly operation: string;
  /** The region the clients use, if known. */
  readonly region?: string;
}

/**
 * Turns an error from an AWS call into a {@link CliError}: credentials, permissions, region,
 * unreachable endpoint, or the call's own failure. A `CliError` passes through unchanged.
 */
export function toCliError(error: unknown, context: AwsCallContext): CliError {
  if (error instanceof CliError) return error;
  const where = context.region === undefined ? '' : ` in ${context.region}`;

  const credentials = findInChain(error, CREDENTIAL_ERROR_NAMES);
  if (credentials !== undefined) {
    return new CliError(
      `AWS credentials are missing or invalid: ${nameOf(credentials)}: ${messageOf(credentials)}`,
      'configure credentials (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); against the local runtime any dummy keys do',
      ExitCode.ERROR,
      { cause: error },
    );
  }

  const denied = findInChain(error, ACCESS_DENIED_ERROR_NAMES);
  if (denied !== undefined) {
    return new CliError(
      `${context.operation} was denied${where}: ${messageOf(denied)}`,
      `use credentials allowed to call ${context.operation} on the poller's resources`,
      ExitCode.ERROR,
      { cause: error },
    );
  }

  const chain = chainOf(error);
  if (chain.some((e) => /region is missing/i.test(messageOf(e)))) {
    return new CliError('no AWS region is configured', 'pass --region or set AWS_REGION', ExitCode.ERROR, { cause: error });
  }

  const network = chain.find((e) => typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code));
  if (network !== undefined) {
    return new CliError(
      `cannot reach the endpoint for ${context.operation}${where}: ${messageOf(network)}`,
      'check your network, or if AWS_ENDPOINT_URL points at the local runtime, start it with npm start -- --serve',
      ExitCode.ERROR,
      { cause: error },
    );
  }

  return new CliError(`${context.operation} failed${where}: ${describeError(error)}`, undefined, ExitCode.ERROR, { cause: error });
}
