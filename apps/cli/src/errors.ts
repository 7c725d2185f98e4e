import { status } from '@grpc/grpc-js';

/** usage: the command line is wrong (exit 2, like commander's own errors); failure: the work failed (exit 1). */
export type ErrorKind = 'usage' | 'failure';

/** A user-facing error: main prints it as one line, without a stack trace, and exits by its kind. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind = 'failure',
  ) {
    super(message);
  }

  get exitCode(): number {
    return this.kind === 'usage' ? 2 : 1;
  }
}

/** A command line that cannot work: wrong values or flags that do not go together. */
export function usageError(message: string): CliError {
  return new CliError(message, 'usage');
}

/** What a control plane answered instead of a result, kept with its gRPC status so callers can tell causes apart. */
export class RemoteError extends CliError {
  constructor(
    message: string,
    readonly status: status,
  ) {
    super(message, 'failure');
  }
}

/** Why a file operation failed, in a word when the system gave one ("ENOENT"). */
export function ioReason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
