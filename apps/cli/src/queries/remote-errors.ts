import { ServiceError, status } from '@grpc/grpc-js';
import { RemoteError } from '../errors';

/** The one place a gRPC status becomes a message: by the status code, never by the text that came with it. */
export function remoteError(err: ServiceError, address: string): RemoteError {
  switch (err.code) {
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return new RemoteError(
        `cannot reach the control plane at ${address} (${err.details}): ` +
          "start one with 'npx nx run control-plane:serve', " +
          "or run 'syscall-counter top' without --server for an embedded one",
        err.code,
      );
    case status.UNAUTHENTICATED:
      return new RemoteError(`the control plane at ${address} rejected the token: ${err.details}`, err.code);
    case status.NOT_FOUND:
    case status.INVALID_ARGUMENT:
      // The control plane words these for people: "unknown run 'x'", "cannot group by ...".
      return new RemoteError(err.details, err.code);
    default:
      return new RemoteError(`control plane error (${status[err.code] ?? err.code}): ${err.details}`, err.code);
  }
}
