import { Metadata, ServiceError, status } from '@grpc/grpc-js';
import { RemoteError } from '../errors';
import { remoteError } from './remote-errors';

const failed = (code: status, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

describe('remoteError: a gRPC status becomes one line, exit status 1, by its code', () => {
  it.each([
    [
      status.UNAVAILABLE,
      'connect ECONNREFUSED',
      /^cannot reach the control plane at cp:1 \(connect ECONNREFUSED\): start/,
    ],
    [status.DEADLINE_EXCEEDED, 'deadline', /^cannot reach the control plane at cp:1 \(deadline\)/],
    [status.UNAUTHENTICATED, 'bad token', /^the control plane at cp:1 rejected the token: bad token$/],
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
