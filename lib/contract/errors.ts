/**
 * The error names the handlers throw and the state machine matches in `Retry` and `Catch`, and the
 * lists it retries.
 */

/**
 * Names of the errors the handlers throw. Step Functions matches `Retry` and `Catch` on them, so
 * they are part of the contract between the Lambda and the state machine.
 */
export const PollerErrorName = {
  INVALID_INPUT: 'InvalidBatchPredictionInputError',
  /**
   * The run's input is not a JSON object (a string, a number, an array, a boolean, null). A name of
   * its own because the state machine cannot merge the error into such an input (`ResultPath`
   * needs an object): it catches this one without the error output, and fails the run with
   * {@link PollerErrorName.INVALID_INPUT} all the same.
   */
  INPUT_NOT_AN_OBJECT: 'RunInputNotAnObjectError',
  NOT_FOUND: 'BatchPredictionNotFoundError',
  UNKNOWN_STATUS: 'UnknownBatchPredictionStatusError',
  ACCESS_DENIED: 'PollerAccessDeniedError',
  MACHINE_LEARNING_UNAVAILABLE: 'MachineLearningUnavailableError',
  MACHINE_LEARNING_REQUEST: 'MachineLearningRequestError',
  HISTORY_STORE_UNAVAILABLE: 'HistoryStoreUnavailableError',
  HISTORY_STORE_REQUEST: 'HistoryStoreRequestError',
  EVENT_PUBLISH: 'EventPublishError',
  EVENT_BUS_NOT_FOUND: 'EventBusNotFoundError',
  EVENT_REJECTED: 'EventRejectedError',
  DEADLINE_EXCEEDED: 'PollingDeadlineExceededError',
  CONFIGURATION: 'PollerConfigError',
  /** The starter's (outside the state machine: Lambda retries its asynchronous invocation). */
  STEP_FUNCTIONS_UNAVAILABLE: 'StepFunctionsUnavailableError',
  /** The starter's: a request Step Functions refuses for good. */
  STEP_FUNCTIONS_REQUEST: 'StepFunctionsRequestError',
} as const;

/** Errors worth retrying: the dependency may answer next time. */
export const TRANSIENT_ERROR_NAMES: readonly string[] = [
  PollerErrorName.MACHINE_LEARNING_UNAVAILABLE,
  PollerErrorName.HISTORY_STORE_UNAVAILABLE,
  PollerErrorName.EVENT_PUBLISH,
];

/**
 * Errors the Lambda service itself raises; retried as the Step Functions best practice says.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 */
export const LAMBDA_SERVICE_ERROR_NAMES: readonly string[] = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * Errors of a function that died instead of returning or throwing: `Lambda.Unknown` is how the
 * Lambda integration reports an unhandled failure (out of memory, a crashed runtime, a timeout),
 * `Sandbox.Timedout` a function timeout on current runtimes. Retried a few times: the usual cause
 * (a hung dependency, a bad host) passes, and a retried poll finds what a crashed attempt wrote.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts
 */
export const LAMBDA_CRASH_ERROR_NAMES: readonly string[] = ['Lambda.Unknown', 'Sandbox.Timedout'];

/**
 * Errors of the `states:startExecution` task that continues a run as a new execution, which may
 * pass: retried. (`StepFunctions.ExecutionAlreadyExistsException` is the hand-over already done,
 * caught as success: {@link STEP_FUNCTIONS_HANDED_OVER_ERROR_NAME}.)
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 */
export const STEP_FUNCTIONS_RETRIED_ERROR_NAMES: readonly string[] = [
  'StepFunctions.SdkClientException',
  'StepFunctions.ThrottlingException',
  'StepFunctions.AWSStepFunctionsException',
];

/** The continue-as-new `StartExecution` found its execution name taken: an earlier attempt handed over. */
export const STEP_FUNCTIONS_HANDED_OVER_ERROR_NAME = 'StepFunctions.ExecutionAlreadyExistsException';

/** Step Functions' catch-all, which routes every other error to the failure report. */
export const STATES_ALL = 'States.ALL';
