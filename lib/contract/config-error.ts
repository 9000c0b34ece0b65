/**
 * A setting is wrong: a construct prop, a `-c` context value of the app, or a poll interval. The
 * message names the setting (the context key when it came from `-c`), the value and the fix. The
 * one error type of bad settings: `bin/app.ts` prints it as one `error:` line. TypeScript and
 * JavaScript only (jsii cannot represent a subclass of `Error`): in other jsii languages it arrives
 * as the runtime's error (Python: `jsii.errors.JSIIError`) with this message.
 * @jsii ignore
 */
export class PollerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PollerConfigError';
  }
}
