import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Host } from './host.entity';
import { HostsService } from './hosts.service';

@Module({
  imports: [TypeOrmModule.forFeature([Host])],
  providers: [HostsService],
  exports: [HostsService],
})
export class HostsModule {}
