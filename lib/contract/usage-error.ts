/**
 * A command-line mistake (unknown command or option, missing or invalid argument), the same class
 * for every command line the project has: the operator CLI, `npm start` and the `npm run` scripts.
 * It prints as one line, with a hint when there is one, and ends the process with exit code 2.
 */

/** The exit code of a command-line mistake. */
export const USAGE_EXIT_CODE = 2;

/** A command-line mistake: the message names the argument, the hint (if any) the fix. */
export class UsageError extends Error {
  /** Always {@link USAGE_EXIT_CODE}. */
  readonly exitCode = USAGE_EXIT_CODE;

  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }

  /** The line printed on stderr: the message, then the hint, whitespace collapsed. */
  get line(): string {
    return (this.hint === undefined ? this.message : `${this.message}; ${this.hint}`).replace(/\s*\n\s*/g, ' ').trim();
  }
}
