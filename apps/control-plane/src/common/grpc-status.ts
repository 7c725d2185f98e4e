import { status } from '@grpc/grpc-js';
import {
  AlreadyExistsError,
  DeadlineExceededError,
  DomainError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
} from './domain-errors';

export interface GrpcStatus {
  code: status;
  message: string;
}

const CODES: Array<[new (message: string) => DomainError, status]> = [
  [InvalidArgumentError, status.INVALID_ARGUMENT],
  [NotFoundError, status.NOT_FOUND],
  [FailedPreconditionError, status.FAILED_PRECONDITION],
  [UnauthenticatedError, status.UNAUTHENTICATED],
  [PermissionDeniedError, status.PERMISSION_DENIED],
  [AlreadyExistsError, status.ALREADY_EXISTS],
  [ResourceExhaustedError, status.RESOURCE_EXHAUSTED],
  [DeadlineExceededError, status.DEADLINE_EXCEEDED],
];

/** The one place domain errors become gRPC status codes; anything else is a server bug: INTERNAL. */
export function toGrpcStatus(e: unknown): GrpcStatus {
  for (const [kind, code] of CODES) if (e instanceof kind) return { code, message: e.message };
  return { code: status.INTERNAL, message: e instanceof Error ? e.message : String(e) };
}
