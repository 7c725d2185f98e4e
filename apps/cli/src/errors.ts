/** A user-facing error: printed as one line without a stack trace, exit status 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
