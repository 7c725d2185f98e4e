import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Run } from './run.entity';
import { RunsService } from './runs.service';

@Module({
  imports: [TypeOrmModule.forFeature([Run])],
  providers: [RunsService],
  exports: [RunsService],
})
export class RunsModule {}
