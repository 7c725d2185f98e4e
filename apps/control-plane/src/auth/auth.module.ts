import { Module } from '@nestjs/common';
import { TokenAuthService } from './token-auth.service';
import { TokenGuard } from './token.guard';

@Module({
  providers: [TokenAuthService, TokenGuard],
  exports: [TokenAuthService, TokenGuard],
})
export class AuthModule {}
