import { status } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
} from './domain-errors';
import { GrpcExceptionFilter } from './grpc-exception.filter';

async function statusOf(e: unknown): Promise<unknown> {
  try {
    await firstValueFrom(new GrpcExceptionFilter().catch(e));
  } catch (err) {
    return err;
  }
  throw new Error('the filter did not fail the call');
}

describe('GrpcExceptionFilter: domain errors to gRPC status, in one place', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it.each([
    [new InvalidArgumentError('bad'), status.INVALID_ARGUMENT],
    [new NotFoundError('bad'), status.NOT_FOUND],
    [new FailedPreconditionError('bad'), status.FAILED_PRECONDITION],
    [new UnauthenticatedError('bad'), status.UNAUTHENTICATED],
    [new PermissionDeniedError('bad'), status.PERMISSION_DENIED],
  ])('%s -> %s with its message', async (e, code) => {
    expect(await statusOf(e)).toEqual({ code, message: 'bad', details: 'bad' });
  });

  it('anything else is a server bug: INTERNAL', async () => {
    expect(await statusOf(new TypeError('boom'))).toEqual({ code: status.INTERNAL, message: 'boom', details: 'boom' });
  });
});
