// A minimal Collect client for the CLI's output-safety spec: one hello, so a host exists.
import { credentials, Metadata } from '@grpc/grpc-js';
import { CollectorServiceClient } from '@syscall-counter/proto';
import { ControlPlane, TOKEN } from '@syscall-counter/test-support';

export function auth(token = TOKEN): Metadata {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

/** Opens run 'r-out' of host web-1 with @hostname and waits for the welcome. */
export function hostileHello(cp: ControlPlane, md: Metadata, hostname: string): Promise<void> {
  const client = new CollectorServiceClient(cp.address, credentials.createInsecure());
  const call = client.collect(md);
  return new Promise((res, rej) => {
    call.on('data', () => {
      call.end();
      res();
    });
    call.on('error', rej);
    call.write({
      hello: {
        hostId: 'web-1',
        hostname,
        kernelRelease: '6.1.0',
        arch: 'x86_64',
        bootId: 'boot',
        agentVersion: 'test',
        mapMode: 'percpu',
        intervalMs: 1000,
        runId: 'r-out',
        runStartedUnixMs: String(Date.now()),
        scope: 'all processes',
        processTopK: 0,
        cgroupTopK: 0,
        errors: false,
        latency: false,
      },
    });
  });
}
