import { status } from '@grpc/grpc-js';

/** A rejected message: the stream ends with this gRPC status, nothing is stored. */
export class IngestError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}
