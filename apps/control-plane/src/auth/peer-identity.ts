import type { ServerDuplexStream } from '@grpc/grpc-js';
import { PermissionDeniedError } from '../common/domain-errors';

type Call = Pick<ServerDuplexStream<unknown, unknown>, 'getAuthContext'>;

/** The names a client certificate proves: its subject CN and its DNS/URI subject alternative names. */
export function certificateNames(call: Call): string[] | undefined {
  const cert = call.getAuthContext?.()?.sslPeerCertificate;
  if (!cert || !cert.subject) return undefined;
  const names = cert.subject.CN ? [String(cert.subject.CN)] : [];
  for (const san of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*(DNS|URI):(.+)$/.exec(san);
    if (m) names.push(m[2].trim());
  }
  return [...new Set(names)];
}

/**
 * With mTLS (SC_TLS_CA) the client certificate is the host's identity: the hello's host id must be
 * its CN or one of its SANs. Without a client certificate there is nothing to compare.
 */
export function checkPeerCertificate(call: Call, hostId: string, required: boolean): void {
  const names = certificateNames(call);
  if (!names) {
    if (required) throw new PermissionDeniedError('a client certificate is required');
    return;
  }
  if (!names.includes(hostId))
    throw new PermissionDeniedError(`the client certificate names ${names.join(', ') || 'nobody'}, not '${hostId}'`);
}
