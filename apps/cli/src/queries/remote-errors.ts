import { ServiceError, status } from '@grpc/grpc-js';
import { RemoteError } from '../errors';

/** Why a connection failed, in words, from the system error grpc-js buries in its details. */
const REASONS: Array<[RegExp, string]> = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN|EAI_NONAME|Name resolution failed|DNS resolution failed/i, 'unknown host name'],
  [/ETIMEDOUT|timed out/i, 'connection timed out'],
  [/EHOSTUNREACH|ENETUNREACH/, 'no route to the host'],
  [/ECONNRESET|EPIPE|Connection dropped/i, 'connection reset'],
  [/SSL|TLS|certificate|handshake/i, 'TLS handshake failed: check --tls-ca'],
];

/** One short reason, never grpc-js's "No connection established. Last error: ..." chain. */
export function unreachableReason(err: ServiceError): string {
  if (err.code === status.DEADLINE_EXCEEDED) return 'no answer within 15 s';
  return REASONS.find(([re]) => re.test(err.details ?? ''))?.[1] ?? 'unreachable';
}

/** The one place a gRPC status becomes a message: by the status code, never by the text that came with it. */
export function remoteError(err: ServiceError, address: string): RemoteError {
  switch (err.code) {
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return new RemoteError(
        `cannot reach the control plane at ${address} (${unreachableReason(err)}): is it running ` +
          "('systemctl status syscall-counter-control-plane' on its host) and is --server right? " +
          "'syscall-counter top --local' collects on this host without one",
        err.code,
      );
    case status.UNAUTHENTICATED:
      return new RemoteError(
        `the control plane at ${address} rejected the token (${err.details}): check --token-file ` +
          '(or SYSCALL_COUNTER_TOKEN_FILE) holds a token it knows (its SC_TOKEN_FILE or SC_TOKENS_FILE)',
        err.code,
      );
    case status.NOT_FOUND:
    case status.INVALID_ARGUMENT:
    case status.FAILED_PRECONDITION:
      // The control plane words these for people: "unknown run 'x'", "no run ... was streamed with ...".
      return new RemoteError(err.details, err.code);
    default:
      return new RemoteError(`control plane error (${status[err.code] ?? err.code}): ${err.details}`, err.code);
  }
}
