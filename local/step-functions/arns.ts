/** Step Functions ARNs as the API checks them, and what the local executions read out of them. */
import { ServiceError } from '../core/service-error';

/** ARNs the Step Functions API accepts, by resource type. */
const ARN_PATTERNS = {
  stateMachine: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]{1,80}$/,
  execution: /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]{1,80}:[^:]{1,80}$/,
} as const;

/**
 * Refuses a malformed ARN as Step Functions does, with InvalidArn (a missing one: ValidationException).
 * @throws ServiceError InvalidArn, ValidationException
 */
export function assertArn(arn: string, resourceType: keyof typeof ARN_PATTERNS): void {
  if (ARN_PATTERNS[resourceType].test(arn)) return;
  if (arn === '') {
    const member = resourceType === 'stateMachine' ? 'stateMachineArn' : 'executionArn';
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  const parts = arn.split(':');
  const reason =
    parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'states'
      ? `Invalid ARN prefix: ${arn}`
      : parts[5] !== resourceType
        ? `Resource type not valid in this context: ${parts[5]}`
        : `Invalid resource name in ARN: ${arn}`;
  throw new ServiceError('InvalidArn', `Invalid Arn: '${reason}'`);
}

/** The region of an ARN. */
export function regionOf(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

/** The local role an execution of a state machine ARN's account runs as. */
export function localRoleArn(arn: string): string {
  return `arn:aws:iam::${arn.split(':')[4] ?? '000000000000'}:role/local`;
}
