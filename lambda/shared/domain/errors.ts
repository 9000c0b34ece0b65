import { PollerErrorName } from '../../../lib/contract/errors';

/**
 * Base of every error the handlers throw on purpose. `name` equals the class name because Step
 * Functions' `Retry` and `Catch` match on it (the Lambda runtime reports it as `errorType`).
 */
export abstract class PollerError extends Error {
  protected constructor(name: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
  }
}

/** The run's input is malformed: bad or missing id, unknown keys, wrong types. Not retried. */
export class InvalidBatchPredictionInputError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.INVALID_INPUT, message, options);
  }
}

/**
 * The run's input is not a JSON object at all. Not retried; the state machine reports it as
 * INVALID_INPUT (it cannot put this error's output into a non-object input, so it catches it apart).
 */
export class RunInputNotAnObjectError extends PollerError {
  constructor(message: string) {
    super(PollerErrorName.INPUT_NOT_AN_OBJECT, message);
  }
}

/** Amazon ML answered ResourceNotFoundException for the id. Not retried. */
export class BatchPredictionNotFoundError extends PollerError {
  constructor(
    readonly batchPredictionId: string,
    options?: ErrorOptions,
  ) {
    super(
      PollerErrorName.NOT_FOUND,
      `Amazon ML has no batch prediction with id "${batchPredictionId}" in this account and region; check the id and the region the poller is deployed to`,
      options,
    );
  }
}

/** Amazon ML reported a status this contract does not know. Not retried: it will not go away. */
export class UnknownBatchPredictionStatusError extends PollerError {
  constructor(readonly status: unknown) {
    super(
      PollerErrorName.UNKNOWN_STATUS,
      `Amazon ML reported status ${JSON.stringify(status)}, which is none of PENDING, INPROGRESS, COMPLETED, FAILED, DELETED; update the poller's contract`,
    );
  }
}

/** An AWS call was denied. Not retried: the role's policy has to change. */
export class PollerAccessDeniedError extends PollerError {
  constructor(operation: string, options?: ErrorOptions) {
    super(PollerErrorName.ACCESS_DENIED, `${operation} was denied; check the poller role's policy`, options);
  }
}

/** Amazon ML failed in a way that may pass: 5xx, throttling, network. Retried by the state machine. */
export class MachineLearningUnavailableError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.MACHINE_LEARNING_UNAVAILABLE, message, options);
  }
}

/** Amazon ML rejected the request for a reason retrying will not fix. */
export class MachineLearningRequestError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.MACHINE_LEARNING_REQUEST, message, options);
  }
}

/** DynamoDB failed in a way that may pass. Retried by the state machine. */
export class HistoryStoreUnavailableError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.HISTORY_STORE_UNAVAILABLE, message, options);
  }
}

/** DynamoDB rejected the request for a reason retrying will not fix (e.g. the table is missing). */
export class HistoryStoreRequestError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.HISTORY_STORE_REQUEST, message, options);
  }
}

/** Some entries could not be published even after retrying them; retried by the state machine. */
export class EventPublishError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.EVENT_PUBLISH, message, options);
  }
}

/** EventBridge rejected an event for a reason retrying will not fix (validation, size). */
export class EventRejectedError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.EVENT_REJECTED, message, options);
  }
}

/** The configured event bus does not exist. Not retried. */
export class EventBusNotFoundError extends PollerError {
  constructor(eventBusName: string, options?: ErrorOptions) {
    super(
      PollerErrorName.EVENT_BUS_NOT_FOUND,
      `Event bus "${eventBusName}" does not exist; deploy the stack or fix the eventBusName context value`,
      options,
    );
  }
}

/** The run outlived its deadline without reaching a terminal status. */
export class PollingDeadlineExceededError extends PollerError {
  constructor(runStartedAt: string, maxRunSeconds: number) {
    super(
      PollerErrorName.DEADLINE_EXCEEDED,
      `The polling run started at ${runStartedAt} passed its limit of ${maxRunSeconds} s without a terminal status`,
    );
  }
}

/**
 * Step Functions failed in a way that may pass (5xx, throttling, network) while the starter
 * started, listed or described runs. Not a state machine error: the starter runs outside it, and
 * Lambda retries the asynchronous invocation.
 */
export class StepFunctionsUnavailableError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.STEP_FUNCTIONS_UNAVAILABLE, message, options);
  }
}

/** Step Functions rejected a starter's request for a reason retrying will not fix (e.g. a bad ARN). */
export class StepFunctionsRequestError extends PollerError {
  constructor(message: string, options?: ErrorOptions) {
    super(PollerErrorName.STEP_FUNCTIONS_REQUEST, message, options);
  }
}
