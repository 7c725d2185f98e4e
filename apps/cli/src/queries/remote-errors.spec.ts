import { Metadata, ServiceError, status } from '@grpc/grpc-js';
import { RemoteError } from '../errors';
import { remoteError } from './remote-errors';

const failed = (code: status, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

describe('remoteError: a gRPC status becomes one line, exit status 1, by its code', () => {
  it.each([
    [
      status.UNAVAILABLE,
      'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1 (2026-11-30T08:00:00Z)',
      /^cannot reach the control plane at cp:1 \(connection refused\): is it running \('systemctl status syscall-/,
    ],
    [
      status.UNAVAILABLE,
      'Name resolution failed for target dns:nohost:50051',
      /^cannot reach the control plane at cp:1 \(unknown host name\): /,
    ],
    [status.DEADLINE_EXCEEDED, 'deadline', /^cannot reach the control plane at cp:1 \(no answer within 15 s\)/],
    [
      status.UNAUTHENTICATED,
      'wrong token',
      /^the control plane at cp:1 rejected the token \(wrong token\): check --token-file \(or SYSCALL_COUNTER_TOKEN/,
    ],
    [status.FAILED_PRECONDITION, 'no run of any host was streamed with x', /^no run of any host was streamed with x$/],
    [status.NOT_FOUND, "unknown run 'x'", /^unknown run 'x'$/],
    [status.INVALID_ARGUMENT, 'cannot group by 9', /^cannot group by 9$/],
    [status.INTERNAL, 'boom', /^control plane error \(INTERNAL\): boom$/],
  ])('status %d', (code, details, message) => {
    const e = remoteError(failed(code, details), 'cp:1');
    expect(e).toBeInstanceOf(RemoteError);
    expect(e.status).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.exitCode).toBe(1);
  });
});
