import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Host } from './host.entity';

export interface HostFacts {
  hostId: string;
  hostname: string;
  kernelRelease: string;
  arch: string;
  bootId: string;
}

@Injectable()
export class HostsService {
  constructor(@InjectRepository(Host) private readonly hosts: Repository<Host>) {}

  /** Records a host on its agent's hello: first seen once, the rest kept current. */
  async seen(facts: HostFacts, nowMs: number): Promise<Host> {
    const existing = await this.hosts.findOneBy({ hostId: facts.hostId });
    const host = this.hosts.create({
      ...facts,
      firstSeenMs: existing?.firstSeenMs ?? nowMs,
      lastSeenMs: nowMs,
    });
    return this.hosts.save(host);
  }
}
