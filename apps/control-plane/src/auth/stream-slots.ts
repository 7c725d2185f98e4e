import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ResourceExhaustedError } from '../common/domain-errors';
import { Credential } from './credentials';

/** An agent needs one stream (two while a reconnect overlaps the old one's end). */
export const AGENT_STREAMS = 4;

/**
 * Concurrent Collect streams per credential: a leaked or looping credential cannot hold every
 * connection. Admin credentials (the shared token of a whole fleet) get SC_MAX_STREAMS_PER_TOKEN.
 */
@Injectable()
export class StreamSlots {
  private readonly open = new Map<string, number>();
  private readonly adminCap: number;

  constructor(config: ConfigService) {
    this.adminCap = config.get<number>('maxStreamsPerToken') ?? 1024;
  }

  /** Takes a slot for @credential; the returned function gives it back (once). */
  take(credential: Credential): () => void {
    const key = credential.token;
    const cap = credential.role === 'agent' ? AGENT_STREAMS : this.adminCap;
    const n = this.open.get(key) ?? 0;
    if (n >= cap) throw new ResourceExhaustedError(`this credential already has ${n} open streams (at most ${cap})`);
    this.open.set(key, n + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }
}
