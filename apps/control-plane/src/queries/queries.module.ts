import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QueriesController } from './queries.controller';
import { QueriesService } from './queries.service';

@Module({
  imports: [AuthModule],
  controllers: [QueriesController],
  providers: [QueriesService],
})
export class QueriesModule {}
