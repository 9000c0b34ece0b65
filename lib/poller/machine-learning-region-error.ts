/**
 * The stack's region is one Amazon ML does not run in; the message names the regions it runs in
 * and the fix. The construct's errors live next to each other: this one and
 * `PollerConfigError` (`settings-error.ts`), each named after its class.
 */
export class MachineLearningRegionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineLearningRegionError';
  }
}
