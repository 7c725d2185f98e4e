import { Module } from '@nestjs/common';
import { StreamSlots } from './stream-slots';
import { TokenAuthService } from './token-auth.service';
import { TokenGuard } from './token.guard';

@Module({
  providers: [TokenAuthService, TokenGuard, StreamSlots],
  exports: [TokenAuthService, TokenGuard, StreamSlots],
})
export class AuthModule {}
