import { status } from '@grpc/grpc-js';
import {
  AbortedError,
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
  [AbortedError, status.ABORTED],
];

/** The one place domain errors become gRPC status codes; anything else is a server bug: INTERNAL. */
export function toGrpcStatus(e: unknown): GrpcStatus {
  for (const [kind, code] of CODES) if (e instanceof kind) return { code, message: e.message };
  // The store's own trouble, not the caller's: retry later (agents keep their snapshots meanwhile).
  const sqlite = (e as { code?: string } | null)?.code;
  if (sqlite === 'SQLITE_FULL' || sqlite === 'SQLITE_BUSY' || sqlite === 'SQLITE_IOERR')
    return { code: status.UNAVAILABLE, message: `the control plane cannot store now: ${(e as Error).message}` };
  return { code: status.INTERNAL, message: e instanceof Error ? e.message : String(e) };
}
