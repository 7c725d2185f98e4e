import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HostsModule } from '../hosts/hosts.module';
import { RunsModule } from '../runs/runs.module';
import { CollectionController } from './collection.controller';
import { CollectionService } from './collection.service';

@Module({
  imports: [AuthModule, HostsModule, RunsModule],
  controllers: [CollectionController],
  providers: [CollectionService],
})
export class CollectionModule {}
