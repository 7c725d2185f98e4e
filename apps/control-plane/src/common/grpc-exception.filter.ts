import { Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { Observable, throwError } from 'rxjs';
import { toGrpcStatus } from './grpc-status';

/**
 * Every unary RPC's errors leave through here: a domain error becomes its status code with its
 * message; anything else is logged and answered INTERNAL. (The Collect stream ends its calls
 * itself, with the same toGrpcStatus.)
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(GrpcExceptionFilter.name);

  catch(exception: unknown): Observable<never> {
    const { code, message } = toGrpcStatus(exception);
    if (code === status.INTERNAL) this.logger.error({ msg: 'call failed', error: message });
    // grpc-js sends `details` (else `message`) as the status message.
    return throwError(() => ({ code, message, details: message }));
  }
}
