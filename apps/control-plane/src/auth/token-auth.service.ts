import { Metadata } from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../common/domain-errors';

@Injectable()
export class TokenAuthService {
  private readonly logger = new Logger(TokenAuthService.name);
  private readonly expected: Buffer;

  constructor(config: ConfigService) {
    this.expected = Buffer.from(`Bearer ${config.getOrThrow<string>('token')}`);
  }

  /** Throws UNAUTHENTICATED unless the call carries "authorization: Bearer <token>". */
  check(metadata: Metadata, peer: string, method: string): void {
    const [value] = metadata.get('authorization');
    const given = Buffer.from(typeof value === 'string' ? value : '');
    if (given.length === this.expected.length && timingSafeEqual(given, this.expected)) return;
    const why = value === undefined ? 'missing token' : 'wrong token';
    this.logger.warn({ msg: 'rejected call', why, peer, method });
    throw new UnauthenticatedError(`${why}: present "authorization: Bearer <token>"`);
  }
}
