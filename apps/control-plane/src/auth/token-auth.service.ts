import { Metadata } from '@grpc/grpc-js';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { PermissionDeniedError, UnauthenticatedError } from '../common/domain-errors';
import { Credential, readTokensFile } from './credentials';

/** What a call may do: stream snapshots (as which hosts), or query. */
export type Action = 'collect' | 'query';

const ALLOWED: Record<Action, Credential['role'][]> = {
  collect: ['agent', 'admin'],
  query: ['reader', 'admin'],
};

/** Lookups by a digest of the token: the time a lookup takes says nothing about the token's bytes. */
function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The credentials of SC_TOKEN/SC_TOKEN_FILE (admin) and SC_TOKENS_FILE (per host and role).
 * SIGHUP reads the tokens file again; a malformed file leaves the credentials as they were.
 */
@Injectable()
export class TokenAuthService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TokenAuthService.name);
  private readonly shared: Credential[];
  private readonly tokensFile?: string;
  private byDigest = new Map<string, Credential>();
  private readonly onHangup = () => this.reload();

  constructor(config: ConfigService) {
    const all = config.getOrThrow<Credential[]>('credentials');
    this.tokensFile = config.get<string>('tokensFile');
    this.shared = all.filter((c) => !c.source.startsWith('tokens file'));
    this.install(all);
  }

  onModuleInit(): void {
    if (this.tokensFile) process.on('SIGHUP', this.onHangup);
  }

  onModuleDestroy(): void {
    process.off('SIGHUP', this.onHangup);
  }

  /** Reads SC_TOKENS_FILE again: new, changed and removed lines count from the next call on. */
  reload(): boolean {
    if (!this.tokensFile) return false;
    try {
      const perHost = readTokensFile(this.tokensFile);
      this.install([...this.shared, ...perHost]);
      this.logger.log({ msg: 'tokens reloaded', file: this.tokensFile, credentials: perHost.length });
      return true;
    } catch (e) {
      this.logger.error({ msg: 'tokens not reloaded, the previous ones stay', error: (e as Error).message });
      return false;
    }
  }

  /**
   * The caller's credential if it may do @action; throws UNAUTHENTICATED for a missing or unknown
   * token, PERMISSION_DENIED for a known one of the wrong role.
   */
  check(metadata: Metadata, peer: string, method: string, action: Action = 'query'): Credential {
    const [value] = metadata.get('authorization');
    const given = typeof value === 'string' && value.startsWith('Bearer ') ? value.slice(7) : undefined;
    const found = given === undefined ? undefined : this.byDigest.get(digest(given));
    if (!found) {
      const why = value === undefined ? 'missing token' : 'wrong token';
      this.logger.warn({ msg: 'rejected call', why, peer, method });
      throw new UnauthenticatedError(`${why}: present "authorization: Bearer <token>"`);
    }
    if (!ALLOWED[action].includes(found.role)) {
      this.logger.warn({ msg: 'denied call', role: found.role, credential: found.source, peer, method });
      throw new PermissionDeniedError(`a ${found.role} credential may not ${action === 'query' ? 'query' : 'stream'}`);
    }
    return found;
  }

  /** Throws PERMISSION_DENIED unless @credential may write as @hostId. */
  checkHost(credential: Credential, hostId: string): void {
    if (credential.role === 'admin' || credential.hostId === hostId) return;
    this.logger.warn({ msg: 'denied hello', credential: credential.source, hostId });
    throw new PermissionDeniedError(`this credential streams as host '${credential.hostId}', not '${hostId}'`);
  }

  private install(credentials: Credential[]): void {
    this.byDigest = new Map(credentials.map((c) => [digest(c.token), c]));
  }
}
