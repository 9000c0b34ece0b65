/** A local Lambda whose functions all run `invoke` (for interpreter tests that script a function's answers). */
import type { VirtualClock } from '../../../local/core/virtual-clock';
import { LambdaStandIn } from '../../../local/stand-ins/lambda/lambda-stand-in';
import { SqsStandIn } from '../../../local/stand-ins/sqs/sqs-stand-in';
import type { FunctionDefinition } from '../../../local/template/deployment';

/** `invoke(fn, payload, requestId)` answers every invocation of the functions. */
export function lambdaRunning(
  functions: readonly FunctionDefinition[],
  clock: VirtualClock,
  invoke: (fn: FunctionDefinition, payload: unknown, requestId: string) => Promise<unknown>,
): LambdaStandIn {
  return new LambdaStandIn(
    functions,
    clock,
    (fn) => (payload, context) => invoke(fn, payload, context.awsRequestId),
    new SqsStandIn([], clock),
  );
}
