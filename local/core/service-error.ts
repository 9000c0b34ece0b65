/**
 * An error a stand-in answers with, named as the real service names it (`errorType` is the wire
 * `__type`). It lives at the bottom floor because fault plans raise it as well as the stand-ins.
 */
export class ServiceError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = errorType;
  }
}
