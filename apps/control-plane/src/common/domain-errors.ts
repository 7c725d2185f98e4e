/**
 * What went wrong, in the domain's words. Services throw these; the one mapping to gRPC status
 * codes is grpc-status.ts (used by the exception filter for unary calls and by the Collect stream).
 * Anything else that escapes a handler is a bug and leaves as INTERNAL.
 */
export abstract class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request itself is malformed or asks for something that cannot be answered as asked. */
export class InvalidArgumentError extends DomainError {}

/** A host, run or other named thing the request refers to does not exist. */
export class NotFoundError extends DomainError {}

/** The request is well formed but the stored state does not allow it (a counter going backwards, ...). */
export class FailedPreconditionError extends DomainError {}

/** The caller presented no credentials, or wrong ones. */
export class UnauthenticatedError extends DomainError {}

/** The caller is known but may not do this. */
export class PermissionDeniedError extends DomainError {}

/** What the request would create exists already (a run id reused by another agent start). */
export class AlreadyExistsError extends DomainError {}

/** The caller holds more than its share (streams per credential). */
export class ResourceExhaustedError extends DomainError {}

/** The caller did not send what it must in time (a hello). */
export class DeadlineExceededError extends DomainError {}

/** A concurrent change (an expiry pass) kept the request from an exact answer: asking again will do. */
export class AbortedError extends DomainError {}
