/**
 * The stack's region is one Amazon ML does not run in; the message names the regions it runs in
 * and the fix. The construct's errors live next to each other: this one and
 * `PollerConfigError` (`settings-error.ts`), each named after its class.
 *
 * TypeScript and JavaScript only (jsii cannot represent a subclass of `Error`): in other jsii
 * languages it arrives as the runtime's error (Python: `jsii.errors.JSIIError`) with this message.
 * @jsii ignore
 */
export class MachineLearningRegionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineLearningRegionError';
  }
}
