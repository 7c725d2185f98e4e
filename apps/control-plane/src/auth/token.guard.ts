import { Metadata } from '@grpc/grpc-js';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { rejectMalformed } from '../common/malformed-requests';
import { TokenAuthService } from './token-auth.service';

/** For unary gRPC methods: (request, metadata, call) handlers. */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(private readonly auth: TokenAuthService) {}

  canActivate(context: ExecutionContext): boolean {
    const metadata = context.switchToRpc().getContext<Metadata>();
    const call = context.getArgByIndex<{ getPeer?: () => string }>(2);
    this.auth.check(metadata, call?.getPeer?.() ?? 'unknown', context.getHandler().name, 'query');
    rejectMalformed(context.switchToRpc().getData());
    return true;
  }
}
